#include "kubectl-lo-build/folder.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "kubectl-lo-build/folder_io.hpp"
#include "kubectl-lo-build/folder_swap.hpp"
#include "kubectl-lo-build/view_set.hpp"
#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/parallel.hpp"

namespace lo::build {
namespace fs = std::filesystem;
namespace {

// The first error of jobs running side by side, with the file it concerns.
struct Failure {
  std::mutex mu;
  int err = 0;
  std::string name;
  void note(int e, const std::string& n) {
    std::lock_guard<std::mutex> lock(mu);
    if (!err) err = e, name = n;
  }
};

std::string listing_of(const std::vector<std::string>& names) {
  size_t size = 200;
  for (const auto& n : names) size += n.size() + 5;
  std::string out;
  out.reserve(size);
  out += kOwnedMarker;
  out += "\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
  if (names.empty()) return out + "resources: []\n";
  out += "resources:\n";
  for (const auto& n : names) {
    out += "  - ";
    out += n;
    out += '\n';
  }
  return out;
}

// Updates the existing folder `dir` file by file (see folder.hpp).
size_t update_in_place(const fs::path& dir, const std::vector<OutFile>& files, const std::atomic<int>* cancel) {
  Dir d(dir);
  remove_leftovers(d.fd);
  std::vector<std::string> previous = listed_resources(dir / kKustomization);

  // Temp files.
  std::vector<std::string> tmps(files.size());
  Failure failed;
  parallel_for(files.size(), writers(files.size()), [&](size_t i) {
    const OutFile& f = files[i];
    bool add_nl = !f.body.empty() && f.body.back() != '\n';
    if (holds(d.fd, f.name, f.body, add_nl)) return;
    std::string tmp = tmp_name_for(f.name);
    if (int err = write_new(d.fd, tmp, f.body, add_nl)) return failed.note(err, f.name);
    tmps[i] = std::move(tmp);
  }, 64);
  auto drop_tmps = [&] {
    for (const auto& t : tmps)
      if (!t.empty()) ::unlinkat(d.fd, t.c_str(), 0);
  };
  if (failed.err) {
    drop_tmps();
    throw Error(Location{(dir / failed.name).string()}, std::string("cannot write: ") + std::strerror(failed.err));
  }
  if (cancel && cancel->load()) {
    drop_tmps();
    throw Error("interrupted before writing " + dir.string());
  }

  // Renames. From here on the folder is committed.
  for (size_t i = 0; i < files.size(); ++i) {
    if (tmps[i].empty()) continue;
    if (::renameat(d.fd, tmps[i].c_str(), d.fd, files[i].name.c_str()) != 0) {
      int err = errno;
      drop_tmps();
      throw Error(Location{(dir / files[i].name).string()}, std::string("cannot replace: ") + std::strerror(err));
    }
    tmps[i].clear();
  }

  // The listing, then the stale files of the previous build.
  std::vector<std::string> names;
  names.reserve(files.size());
  for (const auto& f : files) names.push_back(f.name);
  replace_file_if_changed(dir / kKustomization, listing_of(names));
  ViewSet<Case::Exact> now(files.size());
  for (const auto& f : files) now.insert(f.name);
  size_t removed = 0;
  for (const auto& old : previous) {
    if (now.contains(old) || !plain_file_name(old)) continue;
    if (::unlinkat(d.fd, old.c_str(), 0) == 0) ++removed;
  }
  return removed;
}


}  // namespace

struct FolderWriter::Impl {
  enum class Mode { New, Replace, InPlace };
  // Same: the old folder holds these bytes under this name; linked at the
  // end unless nothing at all changed (then nothing is written).
  enum class State : unsigned char { Pending, Written, Same, Taken, Failed };
  struct Item {
    std::string name;
    std::string_view body;
    State state = State::Pending;
  };

  fs::path dir, real, staging;
  const std::atomic<int>* cancel = nullptr;
  Mode mode = Mode::New;
  std::unique_ptr<Dir> fresh, old;
  mode_t old_mode = 0;
  std::vector<Entry> entries;
  std::vector<std::string> previous;

  std::deque<Item> items;    // published: the writer threads may take them
  std::vector<Item> staged;  // added, not yet published
  std::mutex mu;
  std::condition_variable cv;
  size_t taken = 0;
  bool closed = false;
  std::vector<std::thread> threads;
  Failure failed;
  std::atomic<unsigned> same{0}, changed{0};
  bool finished = false;

  // Comparing costs a read; a link (and later removing a file that has two
  // names) saves about three times that over a new file. So the comparing
  // stops once fewer than 3 in 8 of the first files compared were the same
  // (everything changed); the files are then simply written.
  bool worth_comparing() const {
    unsigned s = same.load(std::memory_order_relaxed), c = changed.load(std::memory_order_relaxed);
    return c < 64 || 8 * s >= 3 * (s + c);
  }

  // Writes `name` into the new folder, hard-linked from the old one when it
  // holds the same bytes. Returns errno; EEXIST when the name is taken.
  int put(const std::string& name, std::string_view body) {
    bool add_nl = !body.empty() && body.back() != '\n';
    if (old && holds(old->fd, name, body, add_nl) && ::linkat(old->fd, name.c_str(), fresh->fd, name.c_str(), 0) == 0)
      return 0;
    return write_new(fresh->fd, name, body, add_nl);
  }

  void write(Item& it) {
    if (old && worth_comparing()) {
      if (holds(old->fd, it.name, it.body, !it.body.empty() && it.body.back() != '\n')) {
        same.fetch_add(1, std::memory_order_relaxed);
        it.state = State::Same;
        return;
      }
      changed.fetch_add(1, std::memory_order_relaxed);
    }
    bool add_nl = !it.body.empty() && it.body.back() != '\n';
    int err = write_new(fresh->fd, it.name, it.body, add_nl);
    it.state = err == 0 ? State::Written : err == EEXIST ? State::Taken : State::Failed;
    if (it.state == State::Failed) failed.note(err, it.name);
  }

  // The files found unchanged go into the new folder as hard links (a new
  // file where a link is not possible).
  void link_same() {
    parallel_for(items.size(), writers(items.size()), [&](size_t i) {
      Item& it = items[i];
      if (it.state != State::Same) return;
      bool add_nl = !it.body.empty() && it.body.back() != '\n';
      int err = ::linkat(old->fd, it.name.c_str(), fresh->fd, it.name.c_str(), 0) == 0
                    ? 0
                    : write_new(fresh->fd, it.name, it.body, add_nl);
      it.state = err == 0 ? State::Written : err == EEXIST ? State::Taken : State::Failed;
      if (it.state == State::Failed) failed.note(err, it.name);
    }, 64);
  }

  // Replace: true when the old folder already is the new one (every file
  // the same under its final name, the same listing, nothing to remove).
  bool unchanged(const std::vector<std::string>& names, const std::string& listing, size_t removed) const {
    if (removed) return false;
    for (size_t i = 0; i < items.size(); ++i)
      if (items[i].state != State::Same || items[i].name != names[i]) return false;
    return holds(old->fd, kKustomization, listing, false);
  }

  // A writer thread: takes published files in batches until closed.
  void work() {
    std::vector<Item*> batch;
    for (;;) {
      batch.clear();
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return taken < items.size() || closed; });
        if (taken == items.size()) return;
        for (size_t end = std::min(items.size(), taken + 64); taken < end; ++taken) batch.push_back(&items[taken]);
      }
      for (Item* it : batch) write(*it);
    }
  }

  void publish() {
    if (staged.empty()) return;
    {
      std::lock_guard<std::mutex> lock(mu);
      for (auto& it : staged) items.push_back(std::move(it));
    }
    staged.clear();
    if (threads.empty() && mode != Mode::InPlace && items.size() >= 512) {
      size_t n = std::clamp<size_t>(cores(), 2, 8);
      for (size_t t = 0; t < n; ++t) {
        try {
          threads.emplace_back([this] { work(); });
        } catch (const std::system_error&) {
          break;  // the ones running (or finish()) write the rest
        }
      }
    }
    cv.notify_all();
  }

  void stop_threads() {
    {
      std::lock_guard<std::mutex> lock(mu);
      closed = true;
    }
    cv.notify_all();
    for (auto& t : threads) t.join();
    threads.clear();
  }

  void drop_staging() {
    fresh.reset();
    std::error_code ec;
    if (!staging.empty()) fs::remove_all(staging, ec);
    staging.clear();
  }

  // The files with their final names, for the file-by-file update.
  size_t in_place(const std::vector<std::string>& names) {
    drop_staging();
    std::vector<OutFile> files;
    files.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) files.push_back({names[i], items[i].body});
    return update_in_place(dir, files, cancel);
  }

  // Decides how an existing folder is written; Replace prepares it.
  void open_existing() {
    mode = Mode::InPlace;
    std::error_code ec;
    real = fs::canonical(dir, ec);  // swap the folder a symbolic link points to, not the link
    if (ec) return;
    // Our own working folder, or one above it, stays where it is: replaced,
    // it would leave this process (and the shell that started it with
    // `--out .`) in a folder that is gone.
    fs::path cwd = fs::current_path(ec);
    if (!ec) {
      fs::path rel = cwd.lexically_relative(real);
      if (!rel.empty() && *rel.begin() != "..") return;
    }
    if (real != dir) remove_stale_staging(real);
    old = std::make_unique<Dir>(real);
    struct stat st {};
    if (::fstat(old->fd, &st) != 0 || st.st_uid != ::geteuid()) {
      old.reset();
      return;
    }
    old_mode = st.st_mode & 07777;
    remove_leftovers(old->fd);
    previous = listed_resources(real / kKustomization);
    entries = entries_of(old->fd);
    ViewSet<Case::Exact> mine(previous.size() + 1);
    for (const auto& p : previous) mine.insert(p);
    mine.insert(kKustomization);
    for (const auto& e : entries) {
      if (!e.linkable && !mine.contains(e.name) && !is_tmp_leftover(e.name.c_str())) {
        old.reset();  // a sub-folder: it cannot be linked into a new folder
        return;
      }
    }
    staging = real.parent_path() / tmp_name_for(real.filename().string());
    if (::mkdir(staging.c_str(), 0700) != 0) {
      staging.clear();
      old.reset();  // the parent is not writable: update file by file
      return;
    }
    fresh = std::make_unique<Dir>(staging);
    ::fchmod(fresh->fd, old_mode);
    mode = Mode::Replace;
  }

  // Replace: the files of the old folder lo did not write (they go into the
  // new one), and the number of lo's files that are gone.
  std::vector<std::string_view> not_ours(const std::vector<std::string>& names, size_t& removed) const {
    ViewSet<Case::Exact> mine(previous.size() + 1), now(names.size());
    for (const auto& p : previous) mine.insert(p);
    mine.insert(kKustomization);
    for (const auto& n : names) now.insert(n);
    removed = 0;
    std::vector<std::string_view> out;
    for (const auto& e : entries) {
      if (mine.contains(e.name)) {
        removed += !now.contains(e.name) && e.name != kKustomization;
      } else if (!now.contains(e.name) && !is_tmp_leftover(e.name.c_str())) {
        out.push_back(e.name);
      }
    }
    return out;
  }

  // Final names that differ from the names files were written under (a
  // clash seen only at the end), and files whose name was taken: renamed
  // out of the way first, then to their final names.
  void rename_to_final(const std::vector<std::string>& names) {
    std::vector<size_t> fix;
    for (size_t i = 0; i < items.size(); ++i)
      if (items[i].state != State::Written || items[i].name != names[i]) fix.push_back(i);
    auto fail = [&](const std::string& name, int err) {
      throw Error(Location{(dir / name).string()}, std::string("cannot write: ") + std::strerror(err));
    };
    for (size_t i : fix) {
      if (items[i].state != State::Written) continue;
      std::string aside = tmp_name_for(std::to_string(i));
      if (::renameat(fresh->fd, items[i].name.c_str(), fresh->fd, aside.c_str()) != 0) fail(items[i].name, errno);
      items[i].name = std::move(aside);
    }
    for (size_t i : fix) {
      if (items[i].state == State::Written) {
        if (::renameat(fresh->fd, items[i].name.c_str(), fresh->fd, names[i].c_str()) != 0) fail(names[i], errno);
      } else if (int err = put(names[i], items[i].body)) {
        fail(names[i], err);
      }
    }
  }
};

FolderWriter::FolderWriter(const fs::path& dir, bool require_owned, const std::atomic<int>* cancel)
    : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.dir = dir;
  m.cancel = cancel;
  if (require_owned && !folder_is_owned(dir))
    throw Error(Location{(dir / kKustomization).string()}, "this kustomization.yaml was not written by lo",
                "choose an empty or new --out folder, or remove that file; lo never overwrites it");
  remove_stale_staging(dir);
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    m.open_existing();
    return;
  }
  fs::path parent = dir.parent_path().empty() ? fs::path(".") : dir.parent_path();
  fs::create_directories(parent, ec);
  if (ec) throw Error(Location{parent.string()}, "cannot create folder: " + ec.message());
  m.staging = parent / tmp_name_for(dir.filename().string());
  if (::mkdir(m.staging.c_str(), 0755) != 0) {
    int err = errno;
    m.staging.clear();
    throw Error(Location{dir.string()}, std::string("cannot create folder: ") + std::strerror(err));
  }
  m.fresh = std::make_unique<Dir>(m.staging);
}

FolderWriter::~FolderWriter() {
  if (!impl_ || impl_->finished) return;
  impl_->stop_threads();
  impl_->drop_staging();
}

void FolderWriter::add(std::string name, std::string_view body) {
  if (!plain_file_name(name)) throw Error("internal: refusing to write the file name '" + name + "'");
  Impl& m = *impl_;
  m.staged.push_back({std::move(name), body});
  if (m.staged.size() >= 32) m.publish();
}

size_t FolderWriter::finish(const std::vector<std::string>& names) {
  Impl& m = *impl_;
  m.publish();
  if (names.size() != m.items.size()) throw Error("internal: " + std::to_string(names.size()) + " names for " +
                                                  std::to_string(m.items.size()) + " files");
  for (const auto& n : names)
    if (!plain_file_name(n)) throw Error("internal: refusing to write the file name '" + n + "'");
  if (m.mode == Impl::Mode::InPlace) {
    m.finished = true;
    return m.in_place(names);
  }
  std::string listing = listing_of(names);  // while the writers finish
  if (m.threads.empty()) {
    parallel_for(m.items.size(), writers(m.items.size()), [&](size_t i) { m.write(m.items[i]); }, 64);
  }
  m.stop_threads();
  size_t removed = 0;
  std::vector<std::string_view> carried;
  if (m.mode == Impl::Mode::Replace) {
    carried = m.not_ours(names, removed);
    if (m.unchanged(names, listing, removed)) {  // nothing to write
      m.finished = true;
      m.drop_staging();
      return 0;
    }
    m.link_same();
  }
  if (m.failed.err)
    throw Error(Location{(m.dir / m.failed.name).string()}, std::string("cannot write: ") + std::strerror(m.failed.err));
  m.rename_to_final(names);
  if (int err = m.put(kKustomization, listing))
    throw Error(Location{(m.dir / kKustomization).string()}, std::string("cannot write: ") + std::strerror(err));
  for (std::string_view name : carried) {
    std::string n(name);
    if (::linkat(m.old->fd, n.c_str(), m.fresh->fd, n.c_str(), 0) != 0) {
      m.finished = true;
      return m.in_place(names);  // no hard links on this file system
    }
  }
  if (m.cancel && m.cancel->load()) throw Error("interrupted before writing " + m.dir.string());
  if (m.mode == Impl::Mode::New) {
    if (::rename(m.staging.c_str(), m.dir.c_str()) != 0)
      throw Error(Location{m.dir.string()}, std::string("cannot create folder: ") + std::strerror(errno));
    m.finished = true;
    m.fresh.reset();
    return 0;
  }
  m.fresh.reset();
  if (swap_folders(m.staging, m.real) == SwapResult::Refused) {
    m.finished = true;
    return m.in_place(names);  // a mount point
  }
  m.finished = true;
  std::vector<std::string> known;
  known.reserve(m.entries.size());
  for (auto& e : m.entries) known.push_back(std::move(e.name));
  m.old.reset();
  remove_folder(m.staging, known);  // the old content is there now
  return removed;
}

std::string owned_kustomization(const std::vector<std::string>& resources) { return listing_of(resources); }

bool folder_is_owned(const fs::path& dir) {
  std::error_code ec;
  fs::path k = dir / kKustomization;
  if (!fs::exists(k, ec)) return true;
  std::optional<std::string> text = read_listing(k);
  return text && text->compare(0, std::strlen(kOwnedMarker), kOwnedMarker) == 0;
}

bool replace_file_if_changed(const fs::path& path, std::string_view content) {
  std::error_code ec;
  if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == content.size()) {
    try {
      if (read_file(path) == content) return false;
    } catch (const Error&) {
    }
  }
  fs::create_directories(path.parent_path(), ec);
  Dir dir(path.parent_path());
  std::string name = path.filename().string();
  std::string tmp = tmp_name_for(name);
  if (int err = write_new(dir.fd, tmp, content, false))
    throw Error(Location{path.string()}, std::string("cannot write: ") + std::strerror(err));
  if (::renameat(dir.fd, tmp.c_str(), dir.fd, name.c_str()) != 0) {
    int err = errno;
    ::unlinkat(dir.fd, tmp.c_str(), 0);
    throw Error(Location{path.string()}, std::string("cannot replace: ") + std::strerror(err));
  }
  return true;
}

size_t write_folder(const fs::path& dir, const std::vector<OutFile>& files, bool require_owned,
                    const std::atomic<int>* cancel) {
  FolderWriter writer(dir, require_owned, cancel);
  std::vector<std::string> names;
  names.reserve(files.size());
  for (const auto& f : files) {
    writer.add(f.name, f.body);
    names.push_back(f.name);
  }
  return writer.finish(names);
}

}  // namespace lo::build

#include "lo/runner.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"

namespace lo {
namespace fs = std::filesystem;

namespace {

const char* env_file(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// Appends one line with a single write(): lines of the processes of one
// command never interleave.
void append_line(const char* file, const std::string& line) {
  int fd = ::open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return;
  std::string l = line + "\n";
  ssize_t n = ::write(fd, l.data(), l.size());
  (void)n;
  ::close(fd);
}

std::string mode_text(fs::perms mode) {
  char m[8];
  std::snprintf(m, sizeof m, "%04o", static_cast<unsigned>(mode));
  return m;
}

std::string with_env(const std::vector<std::string>& argv, const ExecOptions& options) {
  std::string prefix;
  for (const auto& [k, v] : options.env)
    if (v) prefix += k + "=" + *v + " ";
  return prefix + argv_to_display(argv);
}

}  // namespace

Runner::Runner(bool dry_run) : Runner(dry_run, nullptr) {}

Runner::Runner(bool dry_run, std::ostream& out) : Runner(dry_run, &out) {}

void Runner::line(const std::string& text) {
  if (out_) {
    *out_ << text << "\n";
    out_->flush();
  } else if (dry_run_) {
    std::cout << text << "\n";
    std::cout.flush();
  } else {
    log::note(text);
  }
}

Runner::Runner(bool dry_run, std::ostream* out) : dry_run_(dry_run), out_(out) {
  const char* state = env_file("LO_PLAN_STATE");
  if (!dry_run_ || !state) return;
  std::string text;
  try {
    text = read_file(state, 16 << 20);
  } catch (const Error&) {
    return;  // nothing planned yet
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    if (auto tab = line.find('\t'); tab != std::string::npos) planned_.emplace(line.substr(0, tab), line.substr(tab + 1));
  }
}

void Runner::record(const std::string& line, const std::string& comment, const std::string& progress) {
  steps_.push_back(line);
  if (const char* log = env_file("LO_STEP_LOG")) append_line(log, line);
  if (dry_run_) {
    this->line(line + (comment.empty() ? "" : "  # " + comment));
    done_.push_back(line);
  } else {
    this->line("done: " + progress);
    done_.push_back("done: " + progress);
  }
}

void Runner::fail(const std::string& what, const std::string& detail, const std::string& hint) {
  std::string msg = what;
  if (!detail.empty()) msg += ": " + detail;
  if (done_.empty()) {
    msg += "\nthis command changed nothing before this step";
  } else {
    msg += "\ndone by this command before this step:";
    for (const auto& d : done_) msg += "\n  " + d;
  }
  throw Error(msg, hint);
}

ExecResult Runner::query(const std::vector<std::string>& argv, const ExecOptions& options) {
  if (!find_program(argv.at(0))) {
    ExecResult r;
    r.exit_code = 127;
    r.err = argv[0] + ": not found on PATH";
    return r;
  }
  return run(argv, options);
}

ExecResult Runner::change(const std::string& what, const std::vector<std::string>& argv, const ExecOptions& options) {
  std::string shown = with_env(argv, options);
  if (dry_run_) {
    record("run: " + shown, options.stdin_data ? "stdin: " + std::to_string(options.stdin_data->size()) + " bytes" : "", what);
    ExecResult ok;
    ok.exit_code = 0;
    return ok;
  }
  if (!find_program(argv.at(0)))
    fail(what + " failed", argv[0] + " is not installed (not found on PATH)", "install " + argv[0] + " and retry");
  ExecResult r = run(argv, options);
  if (!r.ok()) {
    std::string err = r.err.empty() ? r.out : r.err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    std::string status = r.timed_out ? "timed out" : r.term_signal ? "killed by signal " + std::to_string(r.term_signal)
                                                                  : "exit " + std::to_string(r.exit_code);
    fail(what + " failed (" + shown + ", " + status + ")", err, "");
  }
  record("run: " + shown, "", what);
  return r;
}

bool Runner::unchanged(const fs::path& path, const std::string& content, fs::perms mode) const {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec) || (fs::status(path, ec).permissions() & fs::perms::mask) != mode) return false;
  try {
    return read_file(path) == content;
  } catch (const Error&) {
    return false;
  }
}

void Runner::write_file(const std::string& what, const fs::path& path, const std::string& content, fs::perms mode) {
  if (unchanged(path, content, mode)) return;
  std::string line = "write: " + path.string() + " (" + mode_text(mode) + ")";
  if (dry_run_) {
    will_exist("file", path.string());
    record(line, what + ", " + std::to_string(content.size()) + " bytes", what);
    return;
  }
  try {
    write_file_atomic(path, content, mode);
  } catch (const Error& e) {
    fail(what + " failed", e.what(), "");
  }
  record(line, "", what + " (" + path.string() + ")");
}

void Runner::write_file_in_place(const std::string& what, const fs::path& path, const std::string& content, fs::perms mode) {
  if (unchanged(path, content, mode)) return;
  std::string line = "write: " + path.string() + " (" + mode_text(mode) + ", in place)";
  if (dry_run_) {
    will_exist("file", path.string());
    record(line, what + ", " + std::to_string(content.size()) + " bytes", what);
    return;
  }
  try {
    ::lo::write_file_in_place(path, content, mode);
  } catch (const Error& e) {
    fail(what + " failed", e.what(), "");
  }
  record(line, "", what + " (" + path.string() + ", in place)");
}

void Runner::copy_file(const std::string& what, const fs::path& src, const fs::path& dst, fs::perms mode) {
  std::error_code ec;
  if (fs::is_regular_file(src, ec)) {
    std::string content;
    try {
      content = read_file(src, 16 << 20);
    } catch (const Error& e) {
      fail(what + " failed", e.what(), "");
    }
    write_file(what, dst, content, mode);
    return;
  }
  if (dry_run_ && planned("file", src.string())) {
    // Made by an earlier step of this plan: new content, so a write.
    will_exist("file", dst.string());
    record("write: " + dst.string() + " (" + mode_text(mode) + ")", what + ", a copy of " + src.string(), what);
    return;
  }
  fail(what + " failed", src.string() + " does not exist", "");
}

void Runner::plan_write(const std::string& what, const fs::path& path, fs::perms mode) {
  will_exist("file", path.string());
  record("write: " + path.string() + " (" + mode_text(mode) + ")", what, what);
}

void Runner::remove(const std::string& what, const fs::path& path) {
  std::string line = "remove: " + path.string();
  if (dry_run_) {
    record(line, what, what);
    return;
  }
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) fail(what + " failed", ec.message(), "");
  record(line, "", what);
}

void Runner::step(const std::string& verb, const std::string& target, const std::function<void()>& action,
                  const std::vector<fs::path>& creates) {
  std::string line = verb + ": " + target;
  if (dry_run_) {
    for (const auto& p : creates) will_exist("file", p.string());
    record(line, "", "");
    return;
  }
  try {
    action();
  } catch (const Error& e) {
    fail(verb + " " + target + " failed", e.what(), e.problems().empty() ? "" : e.problems()[0].hint);
  }
  record(line, "", verb + " " + target);
}

void Runner::warn(const std::string& prefix, const std::string& what, const std::string& hint) {
  steps_.push_back("warning: " + what);
  if (const char* log = env_file("LO_STEP_LOG")) append_line(log, "warning: " + what);
  if (dry_run_) {
    line("warning: " + what);
    if (!hint.empty()) line("  hint: " + hint);
  } else {
    log::warning(prefix, what, hint);
  }
}

void Runner::note(const std::string& text) { line((dry_run_ ? "# " : "") + text); }

void Runner::will_exist(const std::string& kind, const std::string& key) {
  if (!planned_.emplace(kind, key).second) return;
  if (const char* state = env_file("LO_PLAN_STATE"); state && dry_run_) append_line(state, kind + "\t" + key);
}

bool Runner::planned(const std::string& kind, const std::string& key) const { return planned_.count({kind, key}) > 0; }

bool Runner::file_exists_or_planned(const fs::path& path) const {
  std::error_code ec;
  return fs::exists(path, ec) || planned("file", path.string());
}

PlanState::PlanState() {
  if (env_file("LO_PLAN_STATE")) return;
  const char* tmp = env_file("TMPDIR");
  std::string templ = std::string(tmp ? tmp : "/tmp") + "/lo-plan.XXXXXX";
  int fd = ::mkstemp(templ.data());
  if (fd < 0) return;  // no shared plan: each process plans on its own
  ::close(fd);
  file_ = templ;
  ::setenv("LO_PLAN_STATE", templ.c_str(), 1);
}

PlanState::~PlanState() {
  if (file_.empty()) return;
  ::unlink(file_.c_str());
  ::unsetenv("LO_PLAN_STATE");
}

}  // namespace lo

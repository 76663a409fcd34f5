#include "lo/runner.hpp"

#include <iostream>

#include "lo/error.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"

namespace lo {

Runner::Runner(bool dry_run) : dry_run_(dry_run), out_(nullptr) {}

Runner::Runner(bool dry_run, std::ostream& out) : dry_run_(dry_run), out_(&out) {}

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

void Runner::record(const std::string& text) {
  done_.push_back(text);
  line(text);
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

static std::string with_env(const std::vector<std::string>& argv, const ExecOptions& options) {
  std::string prefix;
  for (const auto& [k, v] : options.env)
    if (v) prefix += k + "=" + *v + " ";
  return prefix + argv_to_display(argv);
}

ExecResult Runner::change(const std::string& what, const std::vector<std::string>& argv, const ExecOptions& options) {
  std::string shown = with_env(argv, options);
  if (dry_run_) {
    line("run: " + shown + (options.stdin_data ? "  (stdin: " + std::to_string(options.stdin_data->size()) + " bytes)" : ""));
    done_.push_back("run: " + shown);
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
  record("done: " + what);
  return r;
}

void Runner::write_file(const std::string& what, const std::filesystem::path& path, const std::string& content,
                        std::filesystem::perms mode) {
  // Unchanged content and mode: nothing to do, in both modes.
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) &&
      (std::filesystem::status(path, ec).permissions() & std::filesystem::perms::mask) == mode) {
    try {
      if (read_file(path) == content) return;
    } catch (const Error&) {
    }
  }
  char m[8];
  std::snprintf(m, sizeof m, "%04o", static_cast<unsigned>(mode));
  if (dry_run_) {
    line("write: " + path.string() + " (" + m + ", " + std::to_string(content.size()) + " bytes)  # " + what);
    done_.push_back("write: " + path.string());
    return;
  }
  try {
    write_file_atomic(path, content, mode);
  } catch (const Error& e) {
    fail(what + " failed", e.what(), "");
  }
  record("done: " + what + " (" + path.string() + ")");
}

void Runner::remove(const std::string& what, const std::filesystem::path& path) {
  if (dry_run_) {
    line("remove: " + path.string() + "  # " + what);
    done_.push_back("remove: " + path.string());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) fail(what + " failed", ec.message(), "");
  record("done: " + what);
}

void Runner::step(const std::string& verb, const std::string& target, const std::function<void()>& action) {
  step_if(verb, target, [&] {
    action();
    return true;
  });
}

void Runner::step_if(const std::string& verb, const std::string& target, const std::function<bool()>& action) {
  if (dry_run_) {
    line(verb + ": " + target);
    done_.push_back(verb + ": " + target);
    return;
  }
  bool changed = false;
  try {
    changed = action();
  } catch (const Error& e) {
    fail(verb + " " + target + " failed", e.what(), e.problems().empty() ? "" : e.problems()[0].hint);
  }
  if (changed) record("done: " + verb + " " + target);
}

void Runner::note(const std::string& text) { line((dry_run_ ? "# " : "") + text); }

}  // namespace lo

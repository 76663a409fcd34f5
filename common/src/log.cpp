// lo's log on spdlog: one logger, one sink (stderr, a lock per line, the
// live status line), one formatter (text or JSON).
//
// A lo line carries more than spdlog's payload: its JSON message and fields
// (a Problem's file, line, field and hint; a target, an object). The log
// functions hand them to the formatter through a thread-local pointer: the
// logger is synchronous, so the formatter runs on the calling thread, inside
// the sink's lock, while the pointer is set.
#include "lo/log.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <nlohmann/json.hpp>

namespace lo::log {
namespace {

struct Record {
  std::string message;  // JSON's message (the text line when empty)
  const Fields* fields = nullptr;
  const Problem* problem = nullptr;
};
thread_local const Record* t_record = nullptr;

std::atomic<int> g_verbosity{0};
std::atomic<Format> g_format{Format::Text};

std::string iso_time(spdlog::log_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

class Formatter final : public spdlog::formatter {
 public:
  explicit Formatter(std::string binary) : binary_(std::move(binary)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    if (g_format.load() == Format::Text) {
      dest.append(text.data(), text.data() + text.size());
      dest.push_back('\n');
      return;
    }
    const Record* r = t_record;
    nlohmann::ordered_json j;
    j["time"] = iso_time(msg.time);
    auto level = spdlog::level::to_string_view(msg.level);
    j["level"] = level == "warning" ? std::string("warn") : std::string(level.data(), level.size());
    j["binary"] = binary_;
    j["message"] = r && !r->message.empty() ? r->message : std::string(text);
    if (r && r->problem) {
      const Location& w = r->problem->where;
      if (!w.file.empty()) j["file"] = w.file;
      if (w.line > 0) j["line"] = w.line;
      if (w.column > 0) j["column"] = w.column;
      if (!w.field.empty()) j["field"] = w.field;
      if (!r->problem->hint.empty()) j["hint"] = r->problem->hint;
    }
    if (r && r->fields)
      for (const auto& [k, v] : *r->fields) j[k] = v;
    std::string line = j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    dest.append(line.data(), line.data() + line.size());
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<Formatter>(binary_); }

 private:
  std::string binary_;
};

// stderr, one write and flush per line under the sink's lock, and the live
// status line erased before and drawn again after each line.
class Sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  void set_status(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (line == status_ && drawn_) return;
    status_ = line;
    erase();
    draw();
  }

  void print(const std::string& line) {
    std::lock_guard<std::mutex> lock(mutex_);
    erase();
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    draw();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    erase();
    std::fflush(stdout);  // results written before this line come first
    std::fwrite(buf.data(), 1, buf.size(), stderr);
    std::fflush(stderr);
    draw();
  }
  void flush_() override { std::fflush(stderr); }

 private:
  void erase() {
    if (!drawn_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
  }
  void draw() {
    if (status_.empty() || !live_status()) return;
    std::string line = "\r\033[K" + dim(status_);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
    drawn_ = true;
  }

  std::string status_;
  bool drawn_ = false;
};

struct State {
  std::shared_ptr<Sink> sink;
  std::shared_ptr<spdlog::logger> logger;
};

std::mutex g_init;
std::string g_binary = "lo";
bool g_made = false;  // under g_init

spdlog::level::level_enum threshold(int verbosity) {
  return verbosity >= 6 ? spdlog::level::trace : verbosity >= 2 ? spdlog::level::debug : spdlog::level::info;
}

// Made on the first line, so a run that logs nothing pays nothing.
State& state() {
  static State s = [] {
    std::lock_guard<std::mutex> lock(g_init);
    State st;
    st.sink = std::make_shared<Sink>();
    st.sink->set_formatter(std::make_unique<Formatter>(g_binary));
    st.logger = std::make_shared<spdlog::logger>(g_binary, st.sink);
    st.logger->set_level(threshold(g_verbosity.load()));
    st.logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(st.logger);
    g_made = true;
    return st;
  }();
  return s;
}

void write(spdlog::level::level_enum level, const std::string& text, const Record& r) {
  auto& logger = *state().logger;
  if (!logger.should_log(level)) return;
  t_record = &r;
  logger.log(level, spdlog::string_view_t(text.data(), text.size()));
  t_record = nullptr;
}

std::string paint(const char* code, const std::string& s, bool to_stdout) {
  if (!color(to_stdout)) return s;
  return std::string("\033[") + code + "m" + s + "\033[0m";
}

}  // namespace

void init(const std::string& binary, int verbosity, Format format) {
  g_verbosity = verbosity;
  g_format = format;
  {
    std::lock_guard<std::mutex> lock(g_init);
    g_binary = binary;
    if (!g_made) return;  // the logger is made on the first line, with these
  }
  // A logger made before init (a line logged while parsing) learns the rest.
  State& s = state();
  s.sink->set_formatter(std::make_unique<Formatter>(binary));
  s.logger->set_level(threshold(verbosity));
}

int verbosity() { return g_verbosity.load(); }
Format format() { return g_format.load(); }

bool stderr_is_tty() { return ::isatty(2) == 1; }
bool stdout_is_tty() { return ::isatty(1) == 1; }
bool color(bool to_stdout) {
  static const bool allowed = [] {
    const char* nc = std::getenv("NO_COLOR");
    if (nc && *nc) return false;
    const char* term = std::getenv("TERM");
    return !(term && std::string(term) == "dumb");
  }();
  static const bool err_tty = stderr_is_tty();
  static const bool out_tty = stdout_is_tty();
  if (!allowed) return false;
  if (to_stdout) return out_tty;
  return err_tty && g_format.load() == Format::Text;
}

std::string green(const std::string& s, bool to_stdout) { return paint("32", s, to_stdout); }
std::string red(const std::string& s, bool to_stdout) { return paint("31", s, to_stdout); }
std::string yellow(const std::string& s, bool to_stdout) { return paint("33", s, to_stdout); }
std::string bold(const std::string& s, bool to_stdout) { return paint("1", s, to_stdout); }
std::string dim(const std::string& s, bool to_stdout) { return paint("2", s, to_stdout); }

void problem(const std::string& prefix, const Problem& p) {
  bool error = p.severity == Severity::Error;
  std::string tag = error ? red("error:") : yellow("warning:");
  Record r{p.what, nullptr, &p};
  write(error ? spdlog::level::err : spdlog::level::warn, prefix + ": " + tag + " " + format_problem(p), r);
}

void warning(const std::string& prefix, const std::string& what, const std::string& hint) {
  problem(prefix, Problem{Severity::Warning, {}, what, hint});
}

void note(const std::string& line, const Fields& fields) { write(spdlog::level::info, line, Record{{}, &fields, nullptr}); }

void failure(const std::string& line, const Fields& fields) {
  write(spdlog::level::err, line, Record{{}, &fields, nullptr});
}

void debug(int level, const std::string& line, const Fields& fields) {
  if (g_verbosity.load() < level) return;
  auto lvl = level >= 6 ? spdlog::level::trace : level >= 2 ? spdlog::level::debug : spdlog::level::info;
  write(lvl, dim(line), Record{line, &fields, nullptr});
}

bool live_status() { return g_format.load() == Format::Text && stderr_is_tty(); }

void status(const std::string& line) {
  if (!live_status()) return;
  state().sink->set_status(line);
}

void clear_status() {
  if (!live_status()) return;
  state().sink->set_status("");
}

void print(const std::string& line) { state().sink->print(line); }

}  // namespace lo::log

#include "lo/exec.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "lo/error.hpp"

extern char** environ;

namespace lo {
namespace {

// Live children, kept in a fixed table so that signal_children() can walk it
// from a signal handler without locks or allocation. Each slot holds what
// kill() takes: the pid, or minus the pid for a child leading its own
// process group.
constexpr int kMaxChildren = 256;
std::atomic<pid_t> g_children[kMaxChildren];

void track(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = 0;
    if (slot.compare_exchange_strong(expected, pid)) return;
  }
}

void untrack(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (pipe2(fd, O_CLOEXEC) != 0) throw Error(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  ~Pipe() { close_both(); }
  void close_read() { if (fd[0] >= 0) ::close(fd[0]); fd[0] = -1; }
  void close_write() { if (fd[1] >= 0) ::close(fd[1]); fd[1] = -1; }
  void close_both() { close_read(); close_write(); }
};

std::vector<std::string> build_env(const ExecOptions& options) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    std::string key = kv.substr(0, eq);
    if (options.env.count(key)) continue;
    env.push_back(std::move(kv));
  }
  for (const auto& [k, v] : options.env)
    if (v) env.push_back(k + "=" + *v);
  return env;
}

std::vector<char*> c_array(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::optional<std::filesystem::path> find_program(const std::string& name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) == 0) return std::filesystem::path(name);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    // (assigning "." to an emptied string makes g++ 12 warn -Wrestrict)
    std::string dir = end == start ? std::string(".") : p.substr(start, end - start);
    std::filesystem::path candidate = std::filesystem::path(dir) / name;
    std::error_code ec;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate, ec))
      return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

std::filesystem::path self_exe_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::filesystem::current_path();
  return exe.parent_path();
}

std::string sibling_program(const std::string& binary) {
  std::filesystem::path sibling = self_exe_dir() / binary;
  if (::access(sibling.c_str(), X_OK) == 0) return sibling.string();
  if (auto p = find_program(binary)) return p->string();
  throw Error("cannot find " + binary + " next to " + self_exe_dir().string() + " or on PATH",
              "reinstall lo (kubectl krew install lo) so that all its binaries sit together");
}

void exec_program(const std::string& path, const std::vector<std::string>& argv) {
  std::vector<char*> c_args;
  for (const auto& w : argv) c_args.push_back(const_cast<char*>(w.c_str()));
  c_args.push_back(nullptr);
  std::fflush(stdout);
  ::execv(path.c_str(), c_args.data());
  throw Error("cannot run " + path + ": " + std::strerror(errno));
}

void signal_children(int sig) {
  for (auto& slot : g_children) {
    pid_t target = slot.load();
    if (target != 0) ::kill(target, sig);
  }
}

std::string argv_to_display(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty();
    for (char c : a)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || std::strchr("-_./=:,@%+", c))) plain = false;
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) {
        if (c == '\'') out += "'\\''";
        else out += c;
      }
      out += '\'';
    }
  }
  return out;
}

ExecResult run(const std::vector<std::string>& argv, const ExecOptions& options) {
  if (argv.empty()) throw Error("internal: run() called with an empty argv");
  auto program = find_program(argv[0]);
  if (!program) throw Error("cannot run '" + argv[0] + "': not found on PATH",
                            "install it or put it on PATH");

  Pipe in_pipe, out_pipe, err_pipe;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (options.stdin_data) {
    posix_spawn_file_actions_adddup2(&fa, in_pipe.fd[0], 0);
  } else {
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  }
  if (!options.inherit_stdout) posix_spawn_file_actions_adddup2(&fa, out_pipe.fd[1], 1);
  if (!options.inherit_stderr) posix_spawn_file_actions_adddup2(&fa, err_pipe.fd[1], 2);
  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, options.cwd.c_str());

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  short spawn_flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (options.own_process_group) {
    posix_spawnattr_setpgroup(&attr, 0);
    spawn_flags |= POSIX_SPAWN_SETPGROUP;
  }
  posix_spawnattr_setflags(&attr, spawn_flags);

  std::vector<std::string> args(argv);
  auto c_args = c_array(args);
  auto env = build_env(options);
  auto c_env = c_array(env);

  pid_t pid = 0;
  int rc = posix_spawn(&pid, program->c_str(), &fa, &attr, c_args.data(), c_env.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw Error("cannot run '" + argv[0] + "': " + std::strerror(rc));
  const pid_t kill_target = options.own_process_group ? -pid : pid;
  track(kill_target);

  in_pipe.close_read();
  out_pipe.close_write();
  err_pipe.close_write();
  if (!options.stdin_data) in_pipe.close_write();

  ExecResult result;
  const std::string& input = options.stdin_data ? *options.stdin_data : std::string();
  size_t written = 0;
  if (in_pipe.fd[1] >= 0) fcntl(in_pipe.fd[1], F_SETFL, O_NONBLOCK);
  if (input.empty()) in_pipe.close_write();

  auto deadline = std::chrono::steady_clock::now() + options.timeout;
  char buf[65536];
  while (out_pipe.fd[0] >= 0 || err_pipe.fd[0] >= 0 || in_pipe.fd[1] >= 0) {
    pollfd fds[3];
    int n = 0;
    int out_i = -1, err_i = -1, in_i = -1;
    if (out_pipe.fd[0] >= 0) { out_i = n; fds[n++] = {out_pipe.fd[0], POLLIN, 0}; }
    if (err_pipe.fd[0] >= 0) { err_i = n; fds[n++] = {err_pipe.fd[0], POLLIN, 0}; }
    if (in_pipe.fd[1] >= 0) { in_i = n; fds[n++] = {in_pipe.fd[1], POLLOUT, 0}; }
    int wait_ms = -1;
    if (options.timeout.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        result.timed_out = true;
        ::kill(kill_target, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    int ready = ::poll(fds, n, wait_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    auto drain = [&](int idx, Pipe& p, std::string& sink) {
      if (idx < 0 || !(fds[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t got = ::read(p.fd[0], buf, sizeof buf);
      if (got > 0) sink.append(buf, static_cast<size_t>(got));
      else if (got == 0 || (errno != EINTR && errno != EAGAIN)) p.close_read();
    };
    drain(out_i, out_pipe, result.out);
    drain(err_i, err_pipe, result.err);
    if (in_i >= 0 && (fds[in_i].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t put = ::write(in_pipe.fd[1], input.data() + written, input.size() - written);
      if (put > 0) written += static_cast<size_t>(put);
      if (put < 0 && errno != EAGAIN && errno != EINTR) in_pipe.close_write();
      if (written >= input.size()) in_pipe.close_write();
    }
  }
  in_pipe.close_write();

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  untrack(kill_target);
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  return result;
}

}  // namespace lo

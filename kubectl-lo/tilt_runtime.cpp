#include "tilt_runtime.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "lo/data_home.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/fs.hpp"
#include "lo/log.hpp"

namespace lo::tilt {
namespace fs = std::filesystem;
namespace {

constexpr int kPortLow = 10351;
constexpr int kPortCount = 149;

// Field 22 of /proc/<pid>/stat (the start time in clock ticks); 0 when the
// process is gone or a zombie.
unsigned long long start_ticks(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  rest >> field;  // state (field 3)
  if (field == "Z" || field == "X") return 0;
  for (int i = 4; i <= 22 && rest >> field; ++i)
    if (i == 22) return std::strtoull(field.c_str(), nullptr, 10);
  return 0;
}

bool port_free(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return true;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

fs::path state_file(const Workspace& ws, const std::string& domain) { return state_dir(ws, domain) / "state.json"; }

std::optional<Instance> read_state(const Workspace& ws, const std::string& domain) {
  std::error_code ec;
  fs::path f = state_file(ws, domain);
  if (!fs::exists(f, ec)) return std::nullopt;
  try {
    Json j = Json::parse(read_file(f, 1 << 16));
    Instance i;
    i.pid = j.at("pid").get<pid_t>();
    i.start_ticks = j.at("startTicks").get<unsigned long long>();
    i.port = j.at("port").get<int>();
    i.domain = j.value("domain", domain);
    i.tiltfile = j.value("tiltfile", std::string());
    i.kubeconfig = j.value("kubeconfig", std::string());
    i.log = j.value("log", std::string());
    i.started = j.value("started", std::string());
    return i;
  } catch (const std::exception&) {
    log::warning("kubectl lo tilt", ws.show(f) + " is unreadable; treating Tilt as not running");
    fs::remove(f, ec);
    return std::nullopt;
  }
}

// Holds an exclusive lock on the domain's Tilt state while it lives, so two
// `up`s at once cannot both start a Tilt.
class StateLock {
 public:
  explicit StateLock(const fs::path& dir) {
    fs::create_directories(dir);
    fd_ = ::open((dir / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~StateLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  int fd_ = -1;
};

std::string tail_of(const fs::path& log, size_t max = 2000) {
  std::string text;
  try {
    text = read_file(log, 1 << 20);
  } catch (const Error&) {
    return {};
  }
  if (text.size() > max) text = "..." + text.substr(text.size() - max);
  return text;
}

std::map<std::string, std::optional<std::string>> tilt_env(const Launch& l, int port) {
  std::map<std::string, std::optional<std::string>> env;
  env["DOMAIN_NAME"] = l.domain;
  env["TILT_PORT"] = std::to_string(port);
  if (l.kubeconfig) env["KUBECONFIG"] = l.kubeconfig->string();
  return env;
}

}  // namespace

Json to_json(const Instance& i) {
  return Json{{"domain", i.domain},     {"pid", i.pid},         {"startTicks", i.start_ticks},
              {"port", i.port},         {"url", i.url()},       {"tiltfile", i.tiltfile.string()},
              {"kubeconfig", i.kubeconfig}, {"log", i.log.string()}, {"started", i.started}};
}

fs::path state_dir(const Workspace& ws, const std::string& domain) { return ws.domain_dir(domain) / ".tilt"; }

std::optional<Instance> running(const Workspace& ws, const std::string& domain) {
  auto i = read_state(ws, domain);
  if (!i) return std::nullopt;
  if (i->pid > 0 && start_ticks(i->pid) == i->start_ticks && i->start_ticks != 0) return i;
  std::error_code ec;
  fs::remove(state_file(ws, domain), ec);
  return std::nullopt;
}

fs::path project_tiltfile(const Workspace& ws) {
  fs::path f = ws.root / "Tiltfile";
  std::error_code ec;
  if (fs::is_regular_file(f, ec)) return f;
  // lo's own copy of the extension, where lo's data is (lo/data_home.hpp).
  fs::path ext = tilt_extension();
  std::string load = fs::is_regular_file(ext, ec) ? ext.string() : "<lo>/share/lo/tilt/lo/Tiltfile";
  throw Error(Location{ws.show(f)}, "the project has no Tiltfile",
              "write one that loads lo's extension, e.g.\n"
              "    load('" + load + "', 'lok8s')\n"
              "    lok8s()\n"
              "  (tilt/lo/README.md shows the extension_repo form)");
}

int choose_port(const std::string& domain, std::optional<int> flag) {
  auto check = [](int p, const std::string& what) {
    if (p < 1 || p > 65535) throw UsageError("invalid " + what + " " + std::to_string(p), "give a port from 1 to 65535");
    return p;
  };
  if (flag) return check(*flag, "--port");
  if (const char* env = std::getenv("TILT_PORT"); env && *env) {
    char* end = nullptr;
    long p = std::strtol(env, &end, 10);
    if (*end != '\0') throw UsageError(std::string("invalid TILT_PORT '") + env + "'", "give a port from 1 to 65535");
    return check(static_cast<int>(p), "TILT_PORT");
  }
  unsigned h = 2166136261u;
  for (unsigned char ch : domain) h = (h ^ ch) * 16777619u;
  int first = static_cast<int>(h % kPortCount);
  for (int k = 0; k < kPortCount; ++k) {
    int p = kPortLow + (first + k) % kPortCount;
    if (port_free(p)) return p;
  }
  throw Error("no free port for Tilt in " + std::to_string(kPortLow) + "-" + std::to_string(kPortLow + kPortCount - 1),
              "set TILT_PORT or pass --port");
}

Instance start(const Launch& l, bool* started) {
  auto tilt = find_program("tilt");
  if (!tilt) throw Error("tilt is not installed", "install it (https://docs.tilt.dev/install.html) and run this again");
  fs::path dir = state_dir(l.ws, l.domain);
  StateLock lock(dir);
  *started = false;
  if (auto already = running(l.ws, l.domain)) return *already;
  *started = true;
  Instance i;
  i.domain = l.domain;
  i.port = choose_port(l.domain, l.port);
  if (!port_free(i.port))
    throw Error("port " + std::to_string(i.port) + " is in use, so Tilt cannot listen on it",
                "pass --port or set TILT_PORT to a free port");
  i.tiltfile = l.tiltfile;
  i.kubeconfig = l.kubeconfig ? l.kubeconfig->string() : "";
  i.log = dir / "tilt.log";
  i.started = now_utc();

  std::vector<std::string> argv{tilt->string(), "up", "--port=" + std::to_string(i.port), "--file=" + l.tiltfile.string(), "--stream"};
  if (!l.tilt_args.empty()) {
    argv.push_back("--");
    argv.insert(argv.end(), l.tilt_args.begin(), l.tilt_args.end());
  }
  int log_fd = ::open(i.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw Error(Location{l.ws.show(i.log)}, std::string("cannot write Tilt's log: ") + std::strerror(errno));
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  auto env = tilt_env(l, i.port);
  std::cout.flush();
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    throw Error(std::string("cannot start tilt: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setsid();
    int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    for (const auto& [k, v] : env) {
      if (v) ::setenv(k.c_str(), v->c_str(), 1);
      else ::unsetenv(k.c_str());
    }
    if (::chdir(l.ws.root.c_str()) != 0) ::_exit(127);
    ::execv(cargv[0], cargv.data());
    std::string msg = std::string("kubectl lo: cannot run ") + cargv[0] + ": " + std::strerror(errno) + "\n";
    (void)!::write(2, msg.data(), msg.size());
    ::_exit(127);
  }
  ::close(log_fd);
  i.pid = pid;
  // A Tilt that cannot start (a bad flag, a taken port) exits within
  // moments; report that instead of recording it.
  for (int k = 0; k < 10; ++k) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      throw Error("tilt up exited at once (exit " + std::to_string(code) + "); its output:\n" + tail_of(i.log),
                  "see " + l.ws.show(i.log));
    }
    if (k == 0) i.start_ticks = start_ticks(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  write_file_atomic(state_file(l.ws, l.domain), to_json(i).dump(2) + "\n");
  return i;
}

bool reload(const Instance& i) {
  ExecOptions o;
  o.env["TILT_PORT"] = std::to_string(i.port);
  o.timeout = std::chrono::seconds(15);
  ExecResult r = run({"tilt", "trigger", "(Tiltfile)", "--port", std::to_string(i.port)}, o);
  if (r.ok()) return true;
  log::warning("kubectl lo tilt", "Tilt (pid " + std::to_string(i.pid) + ") did not take the reload: " +
                                      (r.timed_out ? std::string("no answer within 15s") : r.err));
  return false;
}

bool stop(const Workspace& ws, const std::string& domain, std::chrono::milliseconds grace) {
  fs::path dir = state_dir(ws, domain);
  std::error_code ec;
  if (!fs::exists(dir, ec)) return false;
  StateLock lock(dir);
  auto i = running(ws, domain);
  if (!i) return false;
  auto alive = [&] { return start_ticks(i->pid) == i->start_ticks; };
  if (::kill(-i->pid, SIGTERM) != 0) ::kill(i->pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (alive() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (alive()) {
    log::warning("kubectl lo tilt", "Tilt (pid " + std::to_string(i->pid) + ") did not stop within " +
                                        std::to_string(grace.count() / 1000) + "s; killing it");
    if (::kill(-i->pid, SIGKILL) != 0) ::kill(i->pid, SIGKILL);
    for (int k = 0; k < 100 && alive(); ++k) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  fs::remove(state_file(ws, domain), ec);
  return true;
}

int ci(const Launch& l, const std::optional<std::string>& timeout) {
  auto tilt = find_program("tilt");
  if (!tilt) throw Error("tilt is not installed", "install it (https://docs.tilt.dev/install.html) and run this again");
  if (auto r = running(l.ws, l.domain))
    throw Error("Tilt is already running for " + l.domain + " (pid " + std::to_string(r->pid) + ", " + r->url() + ")",
                "stop it first: kubectl lo tilt down " + l.domain);
  int port = choose_port(l.domain, l.port);
  std::vector<std::string> argv{tilt->string(), "ci", "--port=" + std::to_string(port), "--file=" + l.tiltfile.string()};
  if (timeout) argv.insert(argv.end(), {"--timeout", *timeout});
  if (!l.tilt_args.empty()) {
    argv.push_back("--");
    argv.insert(argv.end(), l.tilt_args.begin(), l.tilt_args.end());
  }
  ExecOptions o;
  o.env = tilt_env(l, port);
  o.cwd = l.ws.root;
  o.inherit_stdout = true;
  o.inherit_stderr = true;
  ExecResult r = run(argv, o);
  return r.term_signal ? 128 + r.term_signal : r.exit_code;
}

}  // namespace lo::tilt

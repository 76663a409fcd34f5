#include "kubectl-lo-build/kustomize.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "lo/duration.hpp"
#include "lo/error.hpp"
#include "lo/log.hpp"

namespace lo::build {
namespace fs = std::filesystem;
namespace {

const char* env_or_null(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? v : nullptr;
}

// kubectl prints errors as klog lines:
//   E1122 01:02:47.369350   17181 run.go:72] "command failed" err="<message>"
// Keep only <message> (unquoted); other lines stay as they are.
std::string strip_klog(const std::string& line) {
  size_t close = line.find("] ");
  if (line.size() < 6 || !std::strchr("IWEF", line[0]) || !std::isdigit(static_cast<unsigned char>(line[1])) ||
      close == std::string::npos || close > 60)
    return line;
  std::string rest = line.substr(close + 2);
  size_t err = rest.find(" err=\"");
  if (rest.rfind("\"command failed\"", 0) != 0 || err == std::string::npos) return rest;
  std::string out;
  for (size_t i = err + 6; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == '"') break;
    if (c == '\\' && i + 1 < rest.size()) {
      char n = rest[++i];
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

std::string program_identity(const fs::path& p) {
  std::error_code ec;
  fs::path real = fs::canonical(p, ec);
  if (ec) real = p;
  struct stat st {};
  std::string id = real.string();
  if (::stat(real.c_str(), &st) == 0)
    id += ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
          std::to_string(st.st_mtim.tv_nsec);
  return id;
}

Kustomize find_kustomize() {
  Kustomize k;
  fs::path program;
  bool as_kubectl = false;
  if (const char* want = env_or_null("LOK8S_KUSTOMIZE")) {
    auto found = find_program(want);
    if (!found)
      throw Error(std::string("LOK8S_KUSTOMIZE=") + want + ": not found or not executable",
                  "set it to a kustomize binary (a path or a program on PATH), or unset it");
    program = *found;
    as_kubectl = program.filename() == "kubectl";
  } else if (auto kz = find_program("kustomize")) {
    program = *kz;
  } else {
    const char* kubectl = env_or_null("KUBECTL_PATH");
    auto kc = find_program(kubectl ? kubectl : "kubectl");
    if (!kc)
      throw Error("no kustomize found: neither kustomize nor kubectl is on PATH",
                  "install kubectl (it has kustomize built in) or kustomize, or set LOK8S_KUSTOMIZE");
    program = *kc;
    as_kubectl = true;
  }
  k.argv = {program.string(), as_kubectl ? "kustomize" : "build", "--enable-alpha-plugins"};
  k.display = as_kubectl ? "kubectl kustomize" : program.filename().string() + " build";
  k.identity = program_identity(program);
  if (auto helm = find_program("helm")) {
    k.argv.insert(k.argv.end(), {"--enable-helm", "--helm-command", helm->string()});
    k.identity += "|helm=" + program_identity(*helm);
  }
  for (size_t i = 1; i < k.argv.size(); ++i) k.identity += " " + k.argv[i];
  return k;
}

EnvOverrides go_tuning(unsigned parallel) {
  EnvOverrides env;
  parallel = std::max(1u, parallel);
  if (!env_or_null("GOGC")) env["GOGC"] = "off";
  if (!env_or_null("GOMEMLIMIT")) {
    long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    unsigned long long ram = pages > 0 && page > 0 ? static_cast<unsigned long long>(pages) * page : 4ull << 30;
    unsigned long long share = std::clamp(ram / (4ull * parallel), 128ull << 20, 1ull << 30);
    env["GOMEMLIMIT"] = std::to_string(share >> 20) + "MiB";
  }
  if (!env_or_null("GOMAXPROCS")) {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    env["GOMAXPROCS"] = std::to_string(std::max(1u, cores / parallel));
  }
  return env;
}

ExecResult run_kustomize(const Kustomize& k, const fs::path& dir, const EnvOverrides& env) {
  std::vector<std::string> argv = k.argv;
  argv.push_back(dir.string());
  ExecOptions o;
  o.env = env;
  o.timeout = k.timeout;
  o.own_process_group = true;  // so the timeout and Ctrl-C reach its plugins too
  log::debug(2, "running " + argv_to_display(argv), {{"target", dir.filename().string()}});
  return run(argv, o);
}

std::string kustomize_error(const Kustomize& k, const ExecResult& r) {
  std::string err;
  size_t pos = 0;
  while (pos < r.err.size()) {
    size_t nl = r.err.find('\n', pos);
    if (nl == std::string::npos) nl = r.err.size();
    err += strip_klog(r.err.substr(pos, nl - pos)) + "\n";
    pos = nl + 1;
  }
  while (!err.empty() && std::isspace(static_cast<unsigned char>(err.back()))) err.pop_back();
  size_t start = err.find_first_not_of(" \t\r\n");
  err = start == std::string::npos ? std::string() : err.substr(start);
  constexpr size_t kMax = 8192;
  if (err.size() > kMax) err = err.substr(0, kMax) + "\n[...]";
  if (r.timed_out)
    return "kustomize did not finish within " + format_duration(k.timeout) + " and was stopped\n" +
           (err.empty() ? "" : "it had printed:\n" + err + "\n") +
           "(a remote base without network? a plugin waiting for input? --timeout DURATION gives it longer, 0 no limit)";
  if (!err.empty()) return err;
  if (r.term_signal) return std::string("kustomize was killed by signal ") + std::to_string(r.term_signal) + " (" +
                            ::strsignal(r.term_signal) + ")";
  return "kustomize exited with code " + std::to_string(r.exit_code) + " and printed nothing";
}

}  // namespace lo::build

#include "lo/corefile.hpp"

#include <optional>
#include <sstream>
#include <vector>

#include "lo/error.hpp"
#include "lo/sha256.hpp"

namespace lo {

namespace {

constexpr const char* kOverrideImport = "custom/*.override";
constexpr const char* kServerImport = "custom/*.server";

// The words of one line of a Corefile: comments dropped, quoted strings
// kept whole (a `{` inside quotes opens nothing); `at` gets the offset
// of each word in the line. A quoted string does not span lines here.
std::vector<std::string> words(const std::string& line, std::vector<size_t>* at = nullptr) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#') break;
    size_t start = i;
    std::string w;
    if (c == '"' || c == '`') {
      char q = c;
      w += line[i++];
      while (i < line.size() && line[i] != q) {
        if (line[i] == '\\' && q == '"' && i + 1 < line.size()) w += line[i++];
        w += line[i++];
      }
      if (i < line.size()) w += line[i++];
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') w += line[i++];
    }
    out.push_back(w);
    if (at) at->push_back(start);
  }
  return out;
}

bool is_main_key(const std::string& k) { return k == "." || k == ".:53" || k == "dns://." || k == "dns://.:53"; }

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

Error corefile_error(const std::string& what) {
  return Error("the Corefile of configmap kube-system/coredns " + what,
               "lo adds `import custom/*.override` to the `.:53 { ... }` server block kind's CoreDNS starts with; "
               "restore that block (kubectl -n kube-system edit configmap coredns), or recreate the cluster");
}

}  // namespace

std::string corefile_with_imports(const std::string& corefile) {
  std::vector<std::string> lines = split_lines(corefile);
  int depth = 0;
  bool in_main = false;
  std::optional<size_t> main_close;  // line of the main block's closing brace
  std::string indent;                // of the main block's directives
  bool has_override = false, has_server = false;
  for (size_t n = 0; n < lines.size(); ++n) {
    std::vector<size_t> at;
    auto w = words(lines[n], &at);
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] == "{") {
        if (depth == 0 && !main_close) {
          for (size_t k = 0; k < i; ++k) in_main = in_main || is_main_key(w[k]);
        }
        ++depth;
        continue;
      }
      if (w[i] == "}") {
        if (--depth < 0) throw corefile_error("has a '}' without its '{' (line " + std::to_string(n + 1) + ")");
        if (depth == 0 && in_main) {
          main_close = n;
          in_main = false;
        }
        continue;
      }
      if (i != 0) continue;  // only the first word of a line is a directive
      if (depth == 0 && w[0] == "import" && w.size() > 1 && w[1] == kServerImport) has_server = true;
      if (depth == 1 && in_main) {
        if (indent.empty()) indent = lines[n].substr(0, at[0]);
        if (w[0] == "import" && w.size() > 1 && w[1] == kOverrideImport) has_override = true;
      }
    }
  }
  if (depth != 0) throw corefile_error("has a '{' that is never closed");
  if (!main_close) throw corefile_error("has no `.:53` server block");
  if (indent.empty()) indent = "    ";
  std::string out;
  for (size_t n = 0; n < lines.size(); ++n) {
    if (n == *main_close && !has_override) {
      const std::string& l = lines[n];
      std::vector<size_t> at;
      auto w = words(l, &at);
      if (!w.empty() && w[0] == "}") {
        out += indent + "import " + kOverrideImport + "\n" + l + "\n";
      } else {
        // `... }` on one line: the import goes on a line of its own before the brace.
        size_t brace = at.back();
        std::string before = l.substr(0, brace);
        while (!before.empty() && (before.back() == ' ' || before.back() == '\t')) before.pop_back();
        out += before + "\n" + indent + "import " + kOverrideImport + "\n" + l.substr(brace) + "\n";
      }
      continue;
    }
    out += lines[n] + "\n";
  }
  if (!has_server) out += std::string("import ") + kServerImport + "\n";
  return out;
}

std::string corefile_config_hash(const std::string& corefile, const std::vector<std::pair<std::string, std::string>>& files) {
  std::string in = "Corefile\n" + std::to_string(corefile.size()) + "\n" + corefile;
  for (const auto& [name, text] : files) in += "\n" + name + "\n" + std::to_string(text.size()) + "\n" + text;
  return sha256_hex(in).substr(0, 16);
}

}  // namespace lo

#include "lo/cli.hpp"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "lo/duration.hpp"
#include "lo/error.hpp"
#include "lo/log.hpp"

namespace lo {

Args::Args(const std::vector<Flag>& flags, const std::vector<std::string>& args) {
  auto by_long = [&](const std::string& n) -> const Flag* {
    for (const auto& f : flags)
      if (f.name == n) return &f;
    return nullptr;
  };
  auto by_short = [&](char c) -> const Flag* {
    for (const auto& f : flags)
      if (f.shorthand == c) return &f;
    return nullptr;
  };
  auto store = [&](const Flag& f, std::string value) {
    auto& slot = values_[f.name];
    if (!f.repeatable && !slot.empty() && f.takes_value)
      slot.clear();  // the last one wins, like kubectl
    slot.push_back(std::move(value));
  };
  bool only_positionals = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (only_positionals || a.size() < 2 || a[0] != '-') {
      positionals_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      continue;
    }
    if (a[1] == '-') {
      std::string name = a.substr(2), value;
      bool has_value = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_value = true;
      }
      const Flag* f = by_long(name);
      if (!f) throw UsageError("unknown flag: --" + name, "see --help for the flags this command takes");
      if (f->takes_value) {
        if (!has_value && f->implicit) {
          store(*f, *f->implicit);
          continue;
        }
        if (!has_value) {
          if (i + 1 >= args.size()) throw UsageError("flag needs an argument: --" + name);
          value = args[++i];
        }
        store(*f, value);
      } else {
        if (has_value && value != "true" && value != "false")
          throw UsageError("invalid value '" + value + "' for --" + name + ": expected true or false");
        if (has_value && value == "false") values_.erase(f->name);
        else store(*f, "true");
      }
      continue;
    }
    // Short flags: -o json, -ojson, -o=json, -hv.
    for (size_t j = 1; j < a.size(); ++j) {
      const Flag* f = by_short(a[j]);
      if (!f) throw UsageError(std::string("unknown shorthand flag: '") + a[j] + "' in " + a,
                               "see --help for the flags this command takes");
      if (f->takes_value) {
        std::string value = a.substr(j + 1);
        if (!value.empty() && value[0] == '=') value = value.substr(1);
        if (value.empty() && f->implicit) {
          store(*f, *f->implicit);
          break;
        }
        if (value.empty()) {
          if (i + 1 >= args.size()) throw UsageError(std::string("flag needs an argument: -") + a[j]);
          value = args[++i];
        }
        store(*f, value);
        break;
      }
      store(*f, "true");
    }
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<Flag> common_flags() {
  return {
      {"help", 'h', false, "", "show help for this command"},
      {"root", 0, true, "DIR", "project root (default: nearest folder upwards with clusters/)"},
      {"v", 'v', true, "LEVEL", "log verbosity (-v or -v=1 details, -v=6 requests); secrets are never printed", false, "1"},
  };
}

std::vector<Flag> domain_flags() {
  return {{"domain", 0, true, "DOMAIN", "the domain (folder under clusters/) to act on"}};
}

std::vector<Flag> kubeconfig_flags() {
  return {
      {"kubeconfig", 0, true, "FILE", "kubeconfig file (default: the domain's own, else $KUBECONFIG)"},
      {"context", 0, true, "NAME", "kubeconfig context to use"},
  };
}

std::vector<Flag> cluster_flags() {
  return kubeconfig_flags() + std::vector<Flag>{{"namespace", 'n', true, "NS", "namespace for objects that name none"}};
}

std::vector<Flag> operator+(std::vector<Flag> a, const std::vector<Flag>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string format_flags(const std::vector<Flag>& flags) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& f : flags) {
    std::string left = f.shorthand ? std::string("-") + f.shorthand + ", " : "    ";
    left += "--" + f.name;
    if (f.takes_value) left += " " + (f.value_name.empty() ? std::string("VALUE") : f.value_name);
    width = std::max(width, left.size());
    rows.emplace_back(left, f.help);
  }
  std::string out;
  for (const auto& [l, h] : rows) out += "  " + l + std::string(width - l.size() + 3, ' ') + h + "\n";
  return out;
}

std::string output_format(const Args& args, const std::vector<std::string>& allowed, const std::string& fallback) {
  auto v = args.get("output");
  if (!v || v->empty()) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
    throw UsageError("unknown output format '" + *v + "'", "allowed: " + join(allowed));
  }
  return *v;
}

int verbosity(const Args& args) {
  auto v = args.get("v");
  if (!v) return 0;
  if (*v == "true" || v->empty()) return 1;
  try {
    size_t used = 0;
    int n = std::stoi(*v, &used);
    if (used == v->size() && n >= 0 && n <= 10) return n;
  } catch (...) {
  }
  throw UsageError("invalid verbosity '" + *v + "'", "use -v=N with N from 0 to 10");
}

std::chrono::milliseconds positive_duration_flag(const std::string& flag, const std::string& value,
                                                 const std::string& example) {
  auto d = parse_duration(value);
  if (!d || d->count() <= 0)
    throw UsageError("invalid --" + flag + " '" + value + "'", "give a positive duration such as " + example);
  return *d;
}

long count_flag(const std::string& flag, const std::string& value, long min, long max) {
  size_t used = 0;
  long n = 0;
  try {
    n = std::stol(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || n < min || n > max)
    throw UsageError("invalid --" + flag + " '" + value + "'",
                     "give a number from " + std::to_string(min) + " to " + std::to_string(max));
  return n;
}

int guarded_main(const std::string& prefix, const std::function<int()>& body) {
  ::signal(SIGPIPE, SIG_IGN);
  try {
    int rc = body();
    std::cout.flush();
    return rc;
  } catch (const Error& e) {
    std::cout.flush();
    for (const auto& p : e.problems()) log::problem(prefix, p);
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cout.flush();
    log::problem(prefix, Problem{Severity::Error, {}, std::string("internal error: ") + e.what(),
                                 "please report this with the command you ran"});
    return kExitFailure;
  }
}

}  // namespace lo

#include "lo/error.hpp"

namespace lo {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string format_problem(const Problem& p) {
  std::string out;
  if (!p.where.file.empty()) {
    out += p.where.file;
    if (p.where.line > 0) {
      out += ':' + std::to_string(p.where.line);
      if (p.where.column > 0) out += ':' + std::to_string(p.where.column);
    }
    out += ": ";
  }
  if (!p.where.field.empty()) out += p.where.field + ": ";
  out += p.what;
  if (!p.hint.empty()) out += "\n  hint: " + p.hint;
  return out;
}

static std::string summary(const std::vector<Problem>& problems) {
  std::string s;
  for (const auto& p : problems) {
    if (p.severity != Severity::Error) continue;
    if (!s.empty()) s += '\n';
    s += format_problem(p);
  }
  return s;
}

Error::Error(std::string what, std::string hint, int exit_code)
    : std::runtime_error(what), exit_code_(exit_code) {
  problems_.push_back(Problem{Severity::Error, {}, std::move(what), std::move(hint)});
}

Error::Error(Location where, std::string what, std::string hint)
    : std::runtime_error(what) {
  problems_.push_back(Problem{Severity::Error, std::move(where), std::move(what), std::move(hint)});
}

Error::Error(std::vector<Problem> problems)
    : std::runtime_error(summary(problems)), problems_(std::move(problems)) {}

void Diagnostics::error(Location where, std::string what, std::string hint) {
  problems_.push_back(Problem{Severity::Error, std::move(where), std::move(what), std::move(hint)});
}

void Diagnostics::warning(Location where, std::string what, std::string hint) {
  problems_.push_back(Problem{Severity::Warning, std::move(where), std::move(what), std::move(hint)});
}

size_t Diagnostics::error_count() const {
  size_t n = 0;
  for (const auto& p : problems_) n += p.severity == Severity::Error;
  return n;
}

size_t Diagnostics::warning_count() const { return problems_.size() - error_count(); }

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::vector<Problem> Diagnostics::warnings() const {
  std::vector<Problem> out;
  for (const auto& p : problems_)
    if (p.severity == Severity::Warning) out.push_back(p);
  return out;
}

void Diagnostics::throw_if_errors() const {
  if (!has_errors()) return;
  std::vector<Problem> errors;
  for (const auto& p : problems_)
    if (p.severity == Severity::Error) errors.push_back(p);
  throw Error(std::move(errors));
}

}  // namespace lo

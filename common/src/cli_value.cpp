// The values of flags (lo::cli::Value) and the flag groups every command
// draws from.
#include <boost/any.hpp>
#include <boost/program_options/cmdline.hpp>

#include <algorithm>

#include "lo/cli.hpp"
#include "cli_detail.hpp"
#include "lo/duration.hpp"
#include "lo/error.hpp"

namespace lo::cli {

Value::Value(Type type, std::string value_name) : type_(type), value_name_(std::move(value_name)) {
  if (type_ == Type::Boolean) {
    implicit_ = "true";
    choices_ = {"true", "false"};
    complete_ = Complete::Choices;
  }
}

Value* Value::repeatable() {
  repeatable_ = true;
  return this;
}

Value* Value::implicit(std::string value) {
  implicit_ = std::move(value);
  return this;
}

Value* Value::completes(Complete what) {
  complete_ = what;
  return this;
}

Value* Value::hint(std::string text) {
  hint_ = std::move(text);
  return this;
}

void Value::check(const std::string& v) const {
  switch (type_) {
    case Type::Text:
      if (!choices_.empty() && std::find(choices_.begin(), choices_.end(), v) == choices_.end() && !v.empty())
        throw detail::BadValue(v, hint_.empty() ? "allowed: " + join(choices_) : hint_);
      return;
    case Type::Boolean:
      if (v != "true" && v != "false") throw detail::BadValue(v, hint_.empty() ? "give true or false" : hint_);
      return;
    case Type::Number: {
      size_t used = 0;
      long n = 0;
      try {
        n = std::stol(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != v.size() || n < min_ || n > max_)
        throw detail::BadValue(v, hint_.empty() ? "give a number from " + std::to_string(min_) + " to " +
                                                      std::to_string(max_)
                                                : hint_);
      return;
    }
    case Type::Duration: {
      auto d = parse_duration(v);
      if (!d || (!zero_duration_ && d->count() <= 0))
        throw detail::BadValue(v, hint_.empty() ? std::string("give a ") + (zero_duration_ ? "" : "positive ") +
                                                      "duration such as 90s, 10m or 1m30s" +
                                                      (zero_duration_ ? ", or 0 for no limit" : "")
                                                : hint_);
      return;
    }
  }
}

void Value::xparse(boost::any& store, const std::vector<std::string>& tokens) const {
  std::string v = tokens.empty() ? implicit_.value_or("") : tokens.front();
  check(v);
  if (store.empty()) store = std::vector<std::string>{};
  auto& values = boost::any_cast<std::vector<std::string>&>(store);
  if (!repeatable_) values.clear();  // the last one wins, like kubectl
  values.push_back(std::move(v));
}

Value* text(std::string value_name, Complete what) { return (new Value(Value::Type::Text, std::move(value_name)))->completes(what); }

Value* boolean() { return new Value(Value::Type::Boolean, ""); }

Value* choice(std::string value_name, std::vector<std::string> allowed) {
  auto* v = new Value(Value::Type::Text, std::move(value_name));
  v->choices_ = std::move(allowed);
  v->complete_ = Complete::Choices;
  return v;
}

Value* number(std::string value_name, long min, long max) {
  auto* v = new Value(Value::Type::Number, std::move(value_name));
  v->min_ = min;
  v->max_ = max;
  return v;
}

Value* duration(bool zero_allowed) {
  auto* v = new Value(Value::Type::Duration, "DURATION");
  v->zero_duration_ = zero_allowed;
  return v;
}

void common_flags(Options& o) {
  auto* level = number("LEVEL", 0, 10)->implicit("1")->hint("use -v=N with N from 0 to 10");
  o.add_options()
      ("help,h", boolean(), "show help for this command")
      ("root", text("DIR", Complete::Folder), "project root (default: nearest folder upwards with clusters/)")
      ("v,v", level, "log verbosity (-v or -v=1 details, -v=2 debug, -v=6 requests); secrets are never printed")
      ("log-format", choice("FORMAT", {"text", "json"}), "text (default) or json: one JSON object per log line");
}

void domain_flag(Options& o) {
  o.add_options()("domain", text("DOMAIN", Complete::Domain), "the domain (folder under clusters/) to act on");
}

void kubeconfig_flags(Options& o) {
  o.add_options()
      ("kubeconfig", text("FILE", Complete::File), "kubeconfig file (default: the domain's own, else $KUBECONFIG)")
      ("context", text("NAME"), "kubeconfig context to use");
}

void cluster_flags(Options& o) {
  kubeconfig_flags(o);
  o.add_options()("namespace,n", text("NS"), "namespace for objects that name none");
}

void output_flag(Options& o, std::vector<std::string> formats, const std::string& help) {
  o.add_options()("output,o", choice("FORMAT", std::move(formats)), help.c_str());
}

namespace detail {

const Value* value_of(const po::option_description& d) { return dynamic_cast<const Value*>(d.semantic().get()); }

char shorthand(const po::option_description& d) {
  std::string s = d.canonical_display_name(po::command_line_style::allow_dash_for_short);
  return s.size() == 2 && s[0] == '-' ? s[1] : 0;
}

std::string format_flags(const Options& options) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& d : options.options()) {
    char s = shorthand(*d);
    std::string left = s ? std::string("-") + s + ", " : "    ";
    left += "--" + d->long_name();
    const Value* v = value_of(*d);
    if (v && v->type() != Value::Type::Boolean) left += " " + (v->value_name().empty() ? std::string("VALUE") : v->value_name());
    width = std::max(width, left.size());
    rows.emplace_back(left, d->description());
  }
  std::string out;
  for (const auto& [l, h] : rows) out += "  " + l + std::string(width - l.size() + 3, ' ') + h + "\n";
  return out;
}

}  // namespace detail
}  // namespace lo::cli

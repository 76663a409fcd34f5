// kubectl's flag manners as a Boost.ProgramOptions style parser, and Args,
// the parsed flags of one command line.
//
// Boost.PO's own styles cannot read -o=json, -v alone next to -v=3, or a
// boolean written --wait=false, and word unknown flags differently from
// kubectl; so one style parser (tokenize) reads every word, and Boost.PO does
// the rest: it looks each flag up in the command's options_description,
// checks the number of values, and stores them through each flag's Value,
// which validates them.
#include <algorithm>
#include <boost/any.hpp>
#include <boost/program_options/parsers.hpp>

#include "cli_detail.hpp"
#include "lo/duration.hpp"
#include "lo/error.hpp"

namespace lo::cli {
namespace detail {
namespace {

const po::option_description* find_long(const Options& o, const std::string& name) {
  if (name.empty()) return nullptr;
  return o.find_nothrow(name, false, false, false);
}

const po::option_description* find_short(const Options& o, char c) {
  return o.find_nothrow(std::string("-") + c, false, false, false);
}

bool takes_value(const po::option_description& d) { return d.semantic()->max_tokens() > 0; }

std::optional<std::string> implicit_of(const po::option_description& d) {
  if (const Value* v = value_of(d)) return v->implicit_value();
  return std::nullopt;
}

bool is_boolean(const po::option_description& d) {
  const Value* v = value_of(d);
  return v && v->type() == Value::Type::Boolean;
}

UsageError usage(std::string what) { return UsageError(std::move(what)); }

}  // namespace

bool needs_value(const po::option_description& d) { return takes_value(d) && !implicit_of(d); }

std::vector<Token> tokenize(const Options& options, const std::vector<std::string>& words, bool strict) {
  std::vector<Token> out;
  bool only_positionals = false;
  auto flag_token = [&](const po::option_description* d, std::string written) {
    Token t;
    t.kind = d ? Token::Kind::Flag : Token::Kind::Unknown;
    t.flag = d;
    t.written = std::move(written);
    return t;
  };
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& a = words[i];
    if (only_positionals || a.size() < 2 || a[0] != '-') {
      Token t;
      t.value = a;
      t.after_dashes = only_positionals;
      out.push_back(std::move(t));
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      continue;
    }
    if (a[1] == '-') {  // --name, --name=value, --name value
      std::string name = a.substr(2);
      std::optional<std::string> value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        value = name.substr(eq + 1);
        name.resize(eq);
      }
      if (name.empty() || name[0] == '-') {
        if (strict) throw usage("bad flag syntax: " + a);
        out.push_back(flag_token(nullptr, a));
        continue;
      }
      const po::option_description* d = find_long(options, name);
      Token t = flag_token(d, "--" + name);
      if (!d) {
        if (strict) throw usage("unknown flag: --" + name);
      } else if (!takes_value(*d)) {
        if (value && strict) throw usage("flag does not take a value: --" + name);
      } else if (!value) {
        value = implicit_of(*d);
        if (!value && i + 1 < words.size()) value = words[++i];
        if (!value) {
          if (strict) throw usage("flag needs an argument: --" + name);
          t.missing_value = true;
        }
      }
      t.value = value;
      out.push_back(std::move(t));
      continue;
    }
    // -o json, -ojson, -o=json, -fh (booleans stick together), -v, -v=3, -v3.
    const std::string shorts = a.substr(1);
    for (size_t j = 0; j < shorts.size(); ++j) {
      char c = shorts[j];
      const po::option_description* d = find_short(options, c);
      Token t = flag_token(d, std::string("-") + c);
      if (!d) {
        if (strict) throw usage(std::string("unknown shorthand flag: '") + c + "' in -" + shorts);
        out.push_back(std::move(t));
        break;
      }
      if (!takes_value(*d)) {
        out.push_back(std::move(t));
        continue;
      }
      std::string rest = shorts.substr(j + 1);
      if (!rest.empty() && rest[0] == '=') {
        t.value = rest.substr(1);
      } else if (is_boolean(*d)) {
        t.value = "true";
        out.push_back(std::move(t));
        continue;
      } else if (!rest.empty()) {
        t.value = rest;
      } else if (auto imp = implicit_of(*d)) {
        t.value = imp;
      } else if (i + 1 < words.size()) {
        t.value = words[++i];
      } else {
        if (strict) throw usage(std::string("flag needs an argument: '") + c + "' in -" + shorts);
        t.missing_value = true;
      }
      out.push_back(std::move(t));
      break;
    }
  }
  return out;
}

CommandLine split_command_word(const std::vector<std::string>& words, bool strict) {
  static const Options common = [] {
    Options o;
    common_flags(o);
    return o;
  }();
  CommandLine cl;
  size_t i = 0;
  for (; i < words.size(); ++i) {
    const std::string& a = words[i];
    if (a.size() < 2 || a[0] != '-') break;
    if (a == "--") break;
    // A flag before the command: one of the flags every command takes.
    auto tokens = tokenize(common, {a}, false);
    for (const auto& t : tokens)
      if (strict && t.kind == Token::Kind::Unknown) tokenize(common, {a}, true);  // throws kubectl's words
    cl.before.push_back(a);
    if (!tokens.empty() && tokens.back().missing_value && i + 1 < words.size()) cl.before.push_back(words[++i]);
  }
  if (i < words.size()) cl.word = words[i++];
  cl.after.assign(words.begin() + static_cast<long>(i), words.end());
  return cl;
}

}  // namespace detail

Args::Args(const Options& options, const std::vector<std::string>& words) : dashes_(words.size()) {
  // The style parser reads every word at once (it sees them all on its first
  // call) and hands Boost.PO one option per flag and one per positional.
  auto kubectl_style = [this, &options](std::vector<std::string>& args) {
    std::vector<po::option> out;
    size_t positionals = 0;
    for (auto& t : detail::tokenize(options, args, true)) {
      if (t.kind == detail::Token::Kind::Positional && t.after_dashes && dashes_ > positionals) dashes_ = positionals;
      if (t.kind == detail::Token::Kind::Positional) ++positionals;
      po::option o;
      if (t.kind == detail::Token::Kind::Flag) {
        o.string_key = t.flag->long_name();
        o.original_tokens.push_back(t.written);
      } else {
        o.original_tokens.push_back(*t.value);
      }
      if (t.value) o.value.push_back(*t.value);
      out.push_back(std::move(o));
    }
    args.clear();
    return out;
  };
  namespace style = po::command_line_style;
  po::parsed_options parsed =
      po::command_line_parser(words)
          .options(options)
          .style(style::allow_long | style::long_allow_adjacent | style::long_allow_next | style::allow_short |
                 style::allow_dash_for_short | style::short_allow_adjacent | style::short_allow_next)
          .extra_style_parser(kubectl_style)
          .run();
  for (const auto& d : options.options())
    if (const Value* v = detail::value_of(*d); v && v->type() == Value::Type::Boolean) booleans_.insert(d->long_name());
  for (const auto& o : parsed.options)
    if (o.string_key.empty() && !o.value.empty()) positionals_.push_back(o.value.front());
  dashes_ = std::min(dashes_, positionals_.size());
  try {
    po::store(parsed, vm_);
    po::notify(vm_);
  } catch (const detail::BadValue& e) {
    std::string name = e.get_option_name();
    while (!name.empty() && name[0] == '-') name.erase(0, 1);
    throw UsageError("invalid --" + name + " '" + e.value + "'", e.hint);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
}

bool Args::has(const std::string& name) const {
  auto v = get(name);
  return v && (!booleans_.count(name) || *v == "true");
}

bool Args::flag(const std::string& name, bool fallback) const {
  auto v = get(name);
  return v ? *v == "true" : fallback;
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = vm_.find(name);
  if (it == vm_.end()) return std::nullopt;
  const auto& values = boost::any_cast<const std::vector<std::string>&>(it->second.value());
  if (values.empty()) return std::nullopt;
  return values.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = vm_.find(name);
  if (it == vm_.end()) return {};
  return boost::any_cast<const std::vector<std::string>&>(it->second.value());
}

std::optional<std::chrono::milliseconds> Args::get_duration(const std::string& name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  return parse_duration(*v);  // checked when stored
}

std::optional<long> Args::get_number(const std::string& name) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  return std::stol(*v);  // checked when stored
}

std::vector<std::string> Args::before_dashes() const {
  return {positionals_.begin(), positionals_.begin() + static_cast<long>(dashes_)};
}

std::vector<std::string> Args::after_dashes() const {
  return {positionals_.begin() + static_cast<long>(dashes_), positionals_.end()};
}

int Args::verbosity() const { return static_cast<int>(get_number("v").value_or(0)); }

bool Args::json_logs() const { return get("log-format").value_or("") == "json"; }

std::string Args::output(const std::string& fallback) const {
  auto v = get("output");
  return v && !v->empty() ? *v : fallback;
}

}  // namespace lo::cli

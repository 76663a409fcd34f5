// `<binary> __complete WORD... PARTIAL`: the candidates for the word under
// the cursor, from the command table and the option tables (lo/cli.hpp),
// and from the project on disk (domains, targets).
#include "lo/completion.hpp"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli_detail.hpp"
#include "lo/cli.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/workspace.hpp"

namespace lo::cli {
namespace {

struct Answer {
  std::vector<std::pair<std::string, std::string>> candidates;  // word, description
  int directive = kCompNoFiles;
  bool value = false;  // the candidates are a flag's value

  void add(const std::string& word, const std::string& description, const std::string& prefix) {
    if (word.compare(0, prefix.size(), prefix) != 0) return;
    for (const auto& c : candidates)
      if (c.first == word) return;
    candidates.emplace_back(word, description);
  }
  int print() const {
    std::string out;
    for (const auto& [w, d] : candidates) {
      out += w;
      if (!d.empty()) out += "\t" + d;
      out += "\n";
    }
    out += ":" + std::to_string(directive) + "\n";
    std::cout << out;
    return kExitOk;
  }
};

// The project of the command line, when there is one.
std::optional<Workspace> workspace(const std::optional<std::string>& root) {
  try {
    return find_workspace(root);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void add_domains(Answer& a, const std::optional<Workspace>& ws, const std::string& prefix,
                 const std::vector<std::string>& skip = {}) {
  if (!ws) return;
  std::string effective;
  try {
    effective = resolve_domain_name(*ws, std::nullopt);
  } catch (const std::exception&) {
  }
  for (const auto& d : list_domains(*ws)) {
    if (std::find(skip.begin(), skip.end(), d.name) != skip.end()) continue;
    a.add(d.name, d.name == effective ? "domain (active)" : "domain", prefix);
  }
}

void add_targets(Answer& a, const Workspace& ws, const std::string& domain, const std::string& prefix,
                 const std::vector<std::string>& skip) {
  for (const auto& t : list_targets(ws, domain))
    if (std::find(skip.begin(), skip.end(), t) == skip.end()) a.add(t, "target of " + domain, prefix);
}

// The value of a flag.
void complete_value(Answer& a, const po::option_description& d, const std::optional<Workspace>& ws,
                    const std::string& prefix) {
  a.value = true;
  const Value* v = detail::value_of(d);
  if (!v) return;
  switch (v->completion()) {
    case Complete::Nothing:
      break;
    case Complete::Choices:
      for (const auto& c : v->choices())
        if (!c.empty()) a.add(c, "", prefix);
      break;
    case Complete::Domain:
      add_domains(a, ws, prefix);
      break;
    case Complete::File:
      a.directive = 0;  // the shell completes file names
      break;
    case Complete::Folder:
      a.directive = kCompFolders;
      break;
  }
}

void complete_flags(Answer& a, const Options& o, const std::vector<detail::Token>& given, const std::string& prefix) {
  for (const auto& d : o.options()) {
    const Value* v = detail::value_of(*d);
    bool repeats = v && v->repeats();
    bool used = std::any_of(given.begin(), given.end(), [&](const detail::Token& t) { return t.flag == d.get(); });
    if (used && !repeats) continue;
    a.add("--" + d->long_name(), d->description(), prefix);
    if (char s = detail::shorthand(*d)) a.add(std::string("-") + s, d->description(), prefix);
  }
}

std::optional<std::string> flag_value(const std::vector<detail::Token>& tokens, const std::string& name) {
  std::optional<std::string> v;
  for (const auto& t : tokens)
    if (t.flag && t.flag->long_name() == name) v = t.value;
  return v;
}

void complete_words(Answer& a, const Command& c, const std::vector<detail::Token>& tokens, const std::string& prefix) {
  std::vector<std::string> positionals;
  for (const auto& t : tokens)
    if (t.kind == detail::Token::Kind::Positional) positionals.push_back(*t.value);
  auto domain_flag = flag_value(tokens, "domain");
  switch (c.words) {
    case Words::None:
      return;
    case Words::Shell:
      if (positionals.empty())
        for (const char* s : {"bash", "zsh", "fish"}) a.add(s, "", prefix);
      return;
    case Words::Domain:
      if (positionals.empty() && !domain_flag) add_domains(a, workspace(flag_value(tokens, "root")), prefix);
      return;
    case Words::VerbThenDomain:
      if (positionals.empty())
        for (const Verb& v : c.verbs) a.add(v.name, v.summary, prefix);
      else if (positionals.size() == 1 && !domain_flag)
        add_domains(a, workspace(flag_value(tokens, "root")), prefix);
      return;
    case Words::Domains:
      add_domains(a, workspace(flag_value(tokens, "root")), prefix, positionals);
      return;
    case Words::DomainAndTargets: {
      auto ws = workspace(flag_value(tokens, "root"));
      if (!ws) return;
      if (positionals.empty() && !domain_flag) add_domains(a, ws, prefix);
      // The targets of the domain the words so far choose (lo/workspace.hpp).
      try {
        DomainChoice choice = choose_domain(*ws, domain_flag, positionals, true);
        add_targets(a, *ws, choice.domain, prefix, choice.rest);
      } catch (const std::exception&) {
      }
      return;
    }
  }
}

// The candidates for the last word, `words` being the words of command `c`.
Answer complete_command(const Command& c, const std::vector<std::string>& words, const std::string& partial) {
  Answer a;
  Options o = command_options(c);
  auto tokens = detail::tokenize(o, words, false);
  bool after_dashes = std::find(words.begin(), words.end(), "--") != words.end();
  auto root = flag_value(tokens, "root");
  if (!after_dashes && !tokens.empty() && tokens.back().missing_value && tokens.back().flag) {
    complete_value(a, *tokens.back().flag, workspace(root), partial);
    return a;
  }
  if (!after_dashes && partial.size() > 0 && partial[0] == '-') {
    auto eq = partial.find('=');
    if (eq == std::string::npos) {
      complete_flags(a, o, tokens, partial);
      return a;
    }
    // --output=js / -o=js: the value, without the flag (the shells keep it).
    auto flag = detail::tokenize(o, {partial.substr(0, eq) + "=x"}, false);
    if (!flag.empty() && flag.back().flag) complete_value(a, *flag.back().flag, workspace(root), partial.substr(eq + 1));
    return a;
  }
  complete_words(a, c, tokens, partial);
  return a;
}

bool listed_by_kubectl(const Command& c) {
  const char* host = std::getenv(kCompletionHostVariable);
  if (!host || std::string(host) != "kubectl" || !c.binary) return false;
  std::string b = c.argv0 ? c.argv0 : c.binary;  // the plugin kubectl would have found
  return b.rfind("kubectl-", 0) == 0 && find_program(b).has_value();
}

}  // namespace

int complete(const Program& p, const std::vector<std::string>& all) {
  std::vector<std::string> words = all;
  if (words.empty()) words.push_back("");
  std::string partial = words.back();
  words.pop_back();
  try {
    if (p.single) return complete_command(*p.commands[0], words, partial).print();
    auto cl = detail::split_command_word(words, false);
    if (!cl.word) {
      // The command word, or a flag every command takes before it.
      Command none{"", ""};
      Answer a = complete_command(none, cl.before, partial);
      if (!a.value && (partial.empty() || partial[0] != '-')) {
        for (const Command* c : p.commands)
          if (!c->hidden && !listed_by_kubectl(*c)) a.add(c->name, c->summary, partial);
      }
      return a.print();
    }
    const Command* c = find_command(p, *cl.word);
    if (!c) return Answer{}.print();
    std::vector<std::string> rest = cl.before;
    rest.insert(rest.end(), cl.after.begin(), cl.after.end());
    if (c->binary) {
      std::vector<std::string> argv{c->argv0 ? c->argv0 : c->binary, "__complete"};
      argv.insert(argv.end(), rest.begin(), rest.end());
      argv.push_back(partial);
      exec_program(sibling_program(c->binary), argv);
    }
    return complete_command(*c, rest, partial).print();
  } catch (const std::exception&) {
    return Answer{}.print();
  }
}

}  // namespace lo::cli

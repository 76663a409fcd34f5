// main() of every lo binary: the command word, --help screens made from the
// tables, the log set up from -v and --log-format, errors printed the one
// way lo prints them.
#include <signal.h>

#include <iostream>

#include "cli_detail.hpp"
#include "lo/cli.hpp"
#include "lo/completion.hpp"
#include "lo/error.hpp"
#include "lo/exec.hpp"
#include "lo/log.hpp"

namespace lo::cli {
namespace {

std::string path_of(const Program& p, const Command& c) {
  return p.single ? std::string(p.name) : std::string(p.name) + " " + c.name;
}

std::string with_newline(std::string s) {
  if (!s.empty() && s.back() != '\n') s += '\n';
  return s;
}

int run_command(const Program& p, const Command& c, const std::vector<std::string>& words) {
  Options options = command_options(c);
  std::optional<Args> parsed;
  try {
    parsed.emplace(options, words);
  } catch (const UsageError& e) {
    const Problem& problem = e.problems().front();
    if (!problem.hint.empty()) throw;
    throw UsageError(problem.what, "see '" + path_of(p, c) + " --help' for usage");
  }
  const Args& args = *parsed;
  if (args.has("help")) {
    std::cout << help_screen(p, c, options);
    return kExitOk;
  }
  log::init(p.binary, args.verbosity(), args.json_logs() ? log::Format::Json : log::Format::Text);
  return c.run(args);
}

std::string command_names(const Program& p) {
  std::string names;
  for (const Command* c : p.commands)
    if (!c->hidden) names += (names.empty() ? "" : ", ") + std::string(c->name);
  return names;
}

}  // namespace

Options command_options(const Command& c) {
  Options o;
  if (c.flags) c.flags(o);
  common_flags(o);
  return o;
}

const Command* find_command(const Program& p, const std::string& word) {
  for (const Command* c : p.commands)
    if (word == c->name || (c->alias && word == c->alias)) return c;
  return nullptr;
}

std::string help_screen(const Program& p, const Command& c, const Options& options) {
  std::string out = with_newline(c.about ? c.about : c.summary);
  out += "\nUsage:\n";
  std::string usage = c.usage, also;
  size_t start = 0;
  do {
    size_t nl = usage.find('\n', start);
    std::string form = usage.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    out += "  " + path_of(p, c) + (form.empty() ? "" : " " + form) + "\n";
    if (start == 0 && p.also) also = "  " + std::string(p.also) + " " + c.name + (form.empty() ? "" : " " + form) + "\n";
    start = nl == std::string::npos ? usage.size() + 1 : nl + 1;
  } while (start <= usage.size());
  out += also;
  if (c.examples) out += "\nExamples:\n" + with_newline(c.examples);
  out += "\nFlags:\n" + detail::format_flags(options);
  if (c.details) out += "\n" + with_newline(c.details);
  return out;
}

std::string program_help(const Program& p) {
  std::string out = with_newline(p.about) + "\nUsage:\n  " + p.name + " COMMAND [DOMAIN] [flags]\n";
  if (p.also) out += "  " + std::string(p.also) + " COMMAND [DOMAIN] [flags]\n";
  out += "\nCommands:\n";
  size_t width = 10;
  for (const Command* c : p.commands) width = std::max(width, std::string(c->name).size() + 2);
  for (const Command* c : p.commands)
    if (!c->hidden) out += "  " + std::string(c->name) + std::string(width - std::string(c->name).size(), ' ') + c->summary + "\n";
  Options common;
  common_flags(common);
  out += "\nFlags every command takes:\n" + detail::format_flags(common);
  out += "\nRun '" + std::string(p.name) + " COMMAND --help' for a command's flags.\n";
  if (p.footer) out += with_newline(p.footer);
  return out;
}

int main(const Program& p, int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  if (!words.empty() && words[0] == "__complete") {
    words.erase(words.begin());
    return complete(p, words);
  }
  return guarded_main(p.name, [&]() -> int {
    if (p.single) return run_command(p, *p.commands[0], words);
    if (!words.empty() && words[0] == "--version") words[0] = "version";
    auto cl = detail::split_command_word(words, true);
    if (!cl.word || *cl.word == "help") {
      Options common;
      common_flags(common);
      Args a(common, cl.before);
      std::cout << program_help(p);
      return cl.word || a.has("help") ? kExitOk : kExitUsage;
    }
    const Command* c = find_command(p, *cl.word);
    if (!c)
      throw UsageError("unknown command \"" + *cl.word + "\"",
                       "commands: " + command_names(p) + "; see '" + p.name + " --help'");
    std::vector<std::string> rest = cl.before;
    rest.insert(rest.end(), cl.after.begin(), cl.after.end());
    if (c->binary) {
      std::vector<std::string> args{c->argv0 ? c->argv0 : c->binary};
      args.insert(args.end(), rest.begin(), rest.end());
      exec_program(sibling_program(c->binary), args);
    }
    return run_command(p, *c, rest);
  });
}

int main(const Command& c, const char* name, const char* binary, int argc, char** argv) {
  const Command* const commands[] = {&c};
  return main(Program{.name = name, .binary = binary, .about = c.summary, .commands = commands, .single = true}, argc,
              argv);
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

}  // namespace lo::cli

// The commands of kubectl-lo. main.cpp parses nothing but the command word;
// each command parses its own flags (cli.hpp) and returns an exit code.
#pragma once

#include <string>
#include <vector>

namespace lo::cmd {

using Argv = std::vector<std::string>;

int use(const Argv& args);
int spec(const Argv& args);
int lint(const Argv& args);
int version(const Argv& args);
int provision(const Argv& args);
int destroy(const Argv& args);
int status(const Argv& args);
int kubeconfig(const Argv& args);
int up(const Argv& args);
int down(const Argv& args);
int bootstrap(const Argv& args);
int addons(const Argv& args);
int services(const Argv& args);
int tilt(const Argv& args);
int capi(const Argv& args);
int kubeone(const Argv& args);

// Runs the sibling binary (kubectl-lo-build, lo-kind, ...) in place of this
// process, with `args` passed on unchanged and `argv0` as its name (a
// binary that serves two commands tells them apart by it). Returns only on
// failure.
int dispatch(const std::string& binary, const Argv& args, const std::string& argv0 = {});

}  // namespace lo::cmd

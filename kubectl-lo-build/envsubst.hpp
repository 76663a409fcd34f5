// The envsubst pass over kustomize's output (upstream-pipeline §3.3), in C++.
//
// Only variables named LOK8S_SPEC_* or LOK8S_USER_* are ever substituted, in
// both forms GNU envsubst accepts with a whitelist: ${NAME} and bare $NAME
// (the bare form takes the longest run of name characters, so
// $LOK8S_SPEC_FOOBAR never matches LOK8S_SPEC_FOO). A LOK8S_* name without a
// value stays literal byte for byte, and so does every other '$' text
// (${HOME}, $(VAR), ${LOK8S_SPEC_X:-default}, $$, a lone $).
//
// Where values come from (see substitution_variables):
//   LOK8S_SPEC_*  the domain's effective spec (a Deploy domain: its
//                 clusterRef's); the environment only fills names the spec
//                 does not define, so an exported LOK8S_SPEC_X never
//                 overrides the spec.
//   LOK8S_USER_*  the environment.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lo::build {

using VarMap = std::map<std::string, std::string>;

// True for names of the two substituted families.
bool is_substituted_name(std::string_view name);

// Merges the spec's variables with `environ`-style "NAME=value" entries as
// described above. Names outside the two families are ignored.
VarMap substitution_variables(const std::vector<std::pair<std::string, std::string>>& spec_vars,
                              const char* const* env);

// Replaces ${NAME} and $NAME for the names in `vars`. When `referenced` is
// given, every LOK8S_SPEC_*/LOK8S_USER_* name that the text references (set
// or not) is added to it: the build cache keys on exactly those.
std::string envsubst(std::string_view text, const VarMap& vars, std::set<std::string>* referenced = nullptr);

}  // namespace lo::build

// envsubst's two forms, ${NAME} and bare $NAME, for an allow-list of names:
// the one scanner behind `kubectl lo build`'s LOK8S_* pass and the Capi
// templates' restricted variables. A name the lookup does not take stays
// literal byte for byte, and so does every other '$' text (${HOME}, $(VAR),
// ${X:-default}, $$, a lone $), so shell variables in cloud-init survive.
// The bare form takes the longest run of name characters, as GNU envsubst.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace lo {

// What to put for `name`: a value, or nullptr to keep the text literal.
using SubstLookup = std::function<const std::string*(std::string_view name)>;

std::string substitute(std::string_view text, const SubstLookup& lookup);

}  // namespace lo

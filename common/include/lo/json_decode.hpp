// JSON text from the API server into lo::Json (nlohmann::ordered_json).
//
// RapidJSON's SAX reader reads the text (iteratively, so no depth can
// overflow the stack, with UTF-8 checked) and the nlohmann values are built
// from its events: the same values nlohmann::ordered_json::parse gives
// (numbers as signed/unsigned/float alike, key order kept, a repeated key's
// last value wins), for less CPU. On a 10,000-object LIST body most of the
// time goes to building the nlohmann objects, which both ways do; RapidJSON
// reads the text about three times faster than nlohmann's own lexer
// (bench/list_decode.sh; figures in ARCHITECTURE.md).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace lo {

using Json = nlohmann::ordered_json;

struct DecodeOptions {
  // Leave out every metadata.managedFields (server-side apply's field
  // ownership; often a third of an object), as client-go's informers can:
  // for readers that never look at it (deploy's LIST snapshots and watches).
  bool drop_managed_fields = false;
};

// nullopt when `text` is not exactly one JSON value (surrounding whitespace
// aside) in valid UTF-8.
std::optional<Json> decode_json(std::string_view text, const DecodeOptions& options = {});

}  // namespace lo

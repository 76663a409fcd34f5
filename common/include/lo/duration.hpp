// Durations on the command line (--timeout of deploy and build): "120s",
// "2m", "1m30s", "500ms", "1h", "1.5s", or a plain number of seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace lo {

// nullopt when `text` is not a duration. "0" and "0s" are zero.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

// The short form users write: "10m", "1m30s", "2s", "1.5s", "500ms", "0s".
std::string format_duration(std::chrono::milliseconds d);

// Elapsed time in progress lines, to a tenth of a second: "0.4s", "12.0s".
std::string format_seconds(std::chrono::duration<double> d);

}  // namespace lo

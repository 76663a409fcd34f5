// The apex (registrable domain) of a DNS name: example.com for
// app.example.com, example.co.uk for api.example.co.uk. Uses the Public
// Suffix List from Debian's publicsuffix package when installed, else the
// last two labels.
#pragma once

#include <string>

namespace lo {

std::string apex_of(const std::string& domain);

}  // namespace lo

// lo-registry plan: the registries of the effective spec (plan.cpp).
#pragma once

#include "lo/cli.hpp"

namespace lo::registry {
extern const cli::Command plan_command;
}

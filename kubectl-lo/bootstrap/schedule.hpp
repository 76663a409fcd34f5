// Running stages as a graph (schedule.cpp): a stage starts once all its
// parents have succeeded, at most `parallel` at once. A failure skips the
// stages that depend on it, directly or not; every other stage still runs.
// A plain list is the chain 1 <- 2 <- 3, so there a failure stops the rest.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "lo/error.hpp"

namespace lo::bootstrap {

enum class StageState { NotRun, Done, Failed, Skipped };

struct StageRun {
  StageState state = StageState::NotRun;
  std::vector<Problem> problems;  // why it failed
  size_t cause = 0;               // Skipped: the failed stage behind it
};

// `run(i)` does stage i and throws lo::Error when it fails. `parents[i]`
// are indices of stages before i. Returns one StageRun per stage.
std::vector<StageRun> run_graph(const std::vector<std::vector<size_t>>& parents, unsigned parallel,
                                const std::function<void(size_t)>& run);

}  // namespace lo::bootstrap

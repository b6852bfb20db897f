#pragma once
// The one loop that steps a run to its end, for `valinta run`, replications, comparisons and
// sweeps alike. What differs between them (progress shown, checkpoints kept, how a stop request
// arrives) comes in as hooks.
#include <functional>

#include "valinta/run/simulation.hpp"

namespace valinta {

struct RunHooks {
  // Called after every step (progress).
  std::function<void(const Simulation&)> after_step;
  // Asked before the first step and after every step but the last: the number of a signal that
  // asks the run to stop, or 0 to go on. Under MPI every rank asks at the same points, so it may
  // be a collective.
  std::function<int()> stop_requested;
  // Called after every `checkpoint_every`-th step that is not the last, and before a stop.
  std::function<void(const Simulation&)> write_checkpoint;
  int checkpoint_every = 0;  // 0: only before a stop
};

// Steps `sim` until it has run every step of its horizon (0) or a stop is requested (that
// signal's number, with sim.t the steps completed).
int run_to_end(Simulation& sim, const RunHooks& hooks = {});

}  // namespace valinta

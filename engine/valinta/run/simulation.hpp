#pragma once
// A run: the state built from a scenario, and its step, the phases of docs/ODD.md section 3 in
// order. run/run_loop.hpp steps it to the end.
#include <array>

#include "valinta/model/state.hpp"

namespace valinta {

// The phases of a step (docs/ODD.md section 3), in the order they run; phase_name(k) names phase k.
// phase_runs_in(k) names the earlier phase whose pass over the residents runs phase k (its time
// counts there), or is nullptr for a phase that runs on its own.
constexpr int kPhaseCount = 10;
const char* phase_name(int phase);
const char* phase_runs_in(int phase);

class Simulation : public State {
 public:
  // Builds the run's initial state: producers, residents, lists, capacities, payments.
  Simulation(const Scenario& scenario, RunOptions options);

  // One step: the phases of docs/ODD.md section 3 in order.
  void step();
  // Whether every step of the horizon has run.
  bool finished() const { return t >= scenario.total_steps(); }

  std::array<double, kPhaseCount> phase_seconds{};  // wall time spent in each phase (--profile)
  double setup_seconds = 0;  // wall time spent building the run: producers, population (--profile)
};

}  // namespace valinta

#pragma once
// M8 customer plans and integration: heavy-need residents get a customer plan; a plan lowers
// escalation (M1) and referral (M4) and favours continuity with one producer (M5).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "valinta/model/params/plans.hpp"
#include "valinta/util/rng.hpp"

namespace valinta {

struct State;

// M8 runs inside the need phase (phase 2), chunk by chunk right after the chunk's transitions,
// while its need levels and flags are still in cache: a pass of its own would read both columns
// of every resident from memory again. A PlanPass holds the step's probability and total; each
// thread hands it the chunks it has moved with its own PlanPass::Local, adds that to the total,
// and the total is summed over ranks once (as DemandPass does for M2).
class PlanPass {
 public:
  struct Local {
    std::vector<std::int64_t> counts;  // [heavy with a plan by producer, heavy by producer, plans]
    std::array<std::uint32_t, ResidentDraws::kChunk> concerned{};
    std::array<std::uint8_t, ResidentDraws::kChunk> mask{};
  };
  explicit PlanPass(const State& sim);
  Local local() const;
  // Heavy users of residents [first, end) get a plan with the step's probability; the chunk's
  // heavy users and plan holders are counted.
  void chunk(State& sim, Local& local, std::size_t first, std::size_t end) const;
  // Adds one thread's counts to the step's (the caller lets one thread at a time).
  void add(const Local& local);
  // Sums the step's counts over ranks (collective) and hands them to the step's flows.
  void publish(State& sim);

 private:
  double prob_ = 0;                   // per step
  std::vector<std::int64_t> counts_;  // the step's, as Local::counts
};

}  // namespace valinta

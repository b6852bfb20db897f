#pragma once
// M8 customer plans and integration: heavy-need residents get a customer plan; a plan lowers
// escalation (M1) and referral (M4) and favours continuity with one producer (M5).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "valinta/scenario/params.hpp"
#include "valinta/util/rng.hpp"

namespace valinta {

class Simulation;

struct PlanParams {
  double prob_per_week = 0.0;          // chance a heavy user without a plan gets one, per week
  double up_rate_multiplier = 0.7;     // on need up-rates of plan holders
  double referral_multiplier = 0.8;    // on referrals of plan holders' heavy-level visits
  double continuity_inertia = 1.0;     // extra utility of staying, for plan holders
};

void declare_plan_params(ParamRegistry& registry, PlanParams& p);

// M8 runs inside the need phase (phase 2), chunk by chunk right after the chunk's transitions,
// while its need levels and flags are still in cache: a pass of its own would read both columns
// of every resident from memory again. Each thread keeps one PlanCounts, passes it each chunk of
// residents it has moved, adds it into the step's total, and the total is published once.
class PlanCounts {
 public:
  PlanCounts(const Simulation& sim);
  // Heavy users of residents [first, end) get a plan with the step's probability; the chunk's
  // heavy users and plan holders are counted.
  void chunk(Simulation& sim, std::size_t first, std::size_t end);
  void add_to(PlanCounts& total) const;
  // Summed over ranks (collective): heavy users by producer, with a plan and in all, and plans.
  void publish(Simulation& sim);

 private:
  double prob_ = 0;                      // per step
  std::vector<std::int64_t> counts_;     // [heavy with a plan by producer, heavy by producer, plans]
  std::array<std::uint32_t, ResidentDraws::kChunk> concerned_{};
  std::array<std::uint8_t, ResidentDraws::kChunk> mask_{};
};

}  // namespace valinta

// M8 customer plans and integration (run in the need phase, right after each chunk's
// transitions: see PlanPass in plans.hpp). Each step a heavy-need resident without a customer
// plan gets one with probability plans.prob_per_week (per week); a plan stays once made. A plan multiplies
// the resident's need up-rates by plans.up_rate_multiplier (M1), the referral probability of plan holders'
// heavy-level visits by plans.referral_multiplier (M4, applied per producer in proportion to its heavy users
// holding a plan) and adds plans.continuity_inertia to staying with the current producer (M5). Indicators:
// the share of heavy users with a plan, and continuity (the share of plan holders' resolved contacts served,
// within the care guarantee, by the producer they are listed at).
#include "valinta/phases/plans.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

PlanPass::PlanPass(const State& sim)
    : prob_(1.0 - std::pow(1.0 - sim.scenario.plans.prob_per_week, sim.scenario.step_weeks())),
      counts_(2 * sim.producers.size() + 1, 0) {}

PlanPass::Local PlanPass::local() const {
  Local local;
  local.counts.assign(counts_.size(), 0);
  return local;
}

void PlanPass::chunk(State& sim, Local& local, std::size_t first, std::size_t end) const {
  Residents& r = sim.residents;
  const std::size_t P = sim.producers.size();
  const std::uint8_t* const need = r.need.data();
  const std::uint16_t* const listed = r.listed.data();
  std::uint8_t* const flags = r.flags.data();
  std::int64_t* const counts = local.counts.data();
  const auto t = static_cast<std::uint32_t>(sim.t);
  // Heavy users and plan holders (a few per cent), marked without branches.
  for (std::size_t i = first; i < end; ++i)
    local.mask[i - first] =
        static_cast<std::uint8_t>((need[i] == kNeedLevels - 1) | ((flags[i] & Residents::kPlan) != 0));
  const std::size_t m =
      positions_of(local.mask.data(), end - first, static_cast<std::uint32_t>(first), local.concerned.data());
  prefetch_rows(local.concerned.data(), m, listed);
  for (std::size_t q = 0; q < m; ++q) {
    const std::size_t i = local.concerned[q];
    const bool heavy = need[i] == kNeedLevels - 1;
    if (heavy) ++counts[P + listed[i]];
    if (heavy && !(flags[i] & Residents::kPlan) && prob_ > 0 &&
        CounterRng::to_unit(sim.rng.resident_word(Stream::plans, r.global(i), t)) < prob_)
      flags[i] |= Residents::kPlan;
    if (!(flags[i] & Residents::kPlan)) continue;
    ++counts[2 * P];
    if (heavy) ++counts[listed[i]];
  }
}

void PlanPass::add(const Local& local) {
  for (std::size_t k = 0; k < counts_.size(); ++k) counts_[k] += local.counts[k];
}

void PlanPass::publish(State& sim) {
  const std::size_t P = sim.producers.size();
  sim.comm->sum(counts_);
  const auto middle = counts_.begin() + static_cast<std::ptrdiff_t>(P);
  sim.flows.n_heavy_plan_listed.assign(counts_.begin(), middle);
  sim.flows.n_heavy_listed.assign(
      middle, middle + static_cast<std::ptrdiff_t>(P));  // (payment recounts after switching)
  sim.flows.n_plans = counts_[2 * P];
}

}  // namespace valinta

// M8 customer plans and integration (run right after the need transitions). Each step a
// heavy-need resident without a customer plan gets one with probability plans.prob_per_week
// (per week); a plan stays once made. A plan multiplies the resident's need up-rates by
// plans.up_rate_multiplier (M1), the referral probability of plan holders' heavy-level visits by
// plans.referral_multiplier (M4, applied per producer in proportion to its heavy users holding a
// plan) and adds plans.continuity_inertia to staying with the current producer (M5).
// Indicators: the share of heavy users with a plan, and continuity (the share of plan holders'
// resolved contacts served, within the care guarantee, by the producer they are listed at).
#include "valinta/phases/plans.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "valinta/model/simulation.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

void declare_plan_params(ParamRegistry& r, PlanParams& p) {
  r.real("plans.prob_per_week", p.prob_per_week, 0.0, probability(),
         {"weekly probability that a heavy-need resident without a customer plan gets one (0: no plans)",
          "per week", "HE 16/2018: a customer plan for residents with many services (FACTS.md); rate assumed"});
  r.real("plans.up_rate_multiplier", p.up_rate_multiplier, 0.7, at_least(0),
         {"multiplier on a plan holder's need up-rates (integrated care slows escalation)", "",
          "MODEL.md M8; assumption"});
  r.real("plans.referral_multiplier", p.referral_multiplier, 0.8, at_least(0),
         {"multiplier on referrals of plan holders' heavy-level visits", "", "MODEL.md M8; assumption"});
  r.real("plans.continuity_inertia", p.continuity_inertia, 1.0, at_least(0),
         {"extra utility of staying with the current producer for plan holders", "", "MODEL.md M8; assumption"});
}

void run_plans(Simulation& sim) {
  Residents& r = sim.residents;
  const PlanParams& p = sim.scenario.plans;
  const double prob = 1.0 - std::pow(1.0 - p.prob_per_week, sim.scenario.step_weeks());
  const std::size_t P = sim.producers.size();
  const std::int64_t n = static_cast<std::int64_t>(r.size());
  const auto t = static_cast<std::uint32_t>(sim.t);
  // Counted into one buffer, summed over ranks in one collective: [heavy with a plan by producer,
  // heavy by producer, plans].
  std::vector<std::int64_t> counts(2 * P + 1, 0);
  std::int64_t plans = 0;
#pragma omp parallel num_threads(sim.threads()) reduction(+ : plans)
  {
    std::vector<std::int64_t> local(P, 0), local_heavy(P, 0);
    const std::uint8_t* const need = r.need.data();
    const std::uint16_t* const listed = r.listed.data();
    std::uint8_t* const flags = r.flags.data();
    std::array<std::uint32_t, ResidentDraws::kChunk> concerned{};
    std::array<std::uint8_t, ResidentDraws::kChunk> mask{};
#pragma omp for schedule(dynamic, kChunksPerGrab)
    for (std::int64_t c = 0; c < ResidentDraws::chunks(static_cast<std::size_t>(n)); ++c) {
      const auto [first, end] = ResidentDraws::chunk(c, static_cast<std::size_t>(n));
      // Heavy users and plan holders (a few per cent), marked without branches.
      for (std::size_t i = first; i < end; ++i)
        mask[i - first] = static_cast<std::uint8_t>((need[i] == kNeedLevels - 1) | ((flags[i] & Residents::kPlan) != 0));
      const std::size_t m = positions_of(mask.data(), end - first, static_cast<std::uint32_t>(first), concerned.data());
      prefetch_rows(concerned.data(), m, listed);
      for (std::size_t q = 0; q < m; ++q) {
        const std::size_t i = concerned[q];
        const bool heavy = need[i] == kNeedLevels - 1;
        if (heavy) ++local_heavy[listed[i]];
        if (heavy && !(flags[i] & Residents::kPlan) && prob > 0 &&
            CounterRng::to_unit(sim.rng.resident_word(Stream::plans, r.global(i), t)) < prob)
          flags[i] |= Residents::kPlan;
        if (!(flags[i] & Residents::kPlan)) continue;
        ++plans;
        if (heavy) ++local[listed[i]];
      }
    }
#pragma omp critical(plans_counts)
    for (std::size_t j = 0; j < P; ++j) {
      counts[j] += local[j];
      counts[P + j] += local_heavy[j];
    }
  }
  counts[2 * P] = plans;
  sim.comm->sum(counts);
  const auto middle = counts.begin() + static_cast<std::ptrdiff_t>(P);
  sim.flows.n_heavy_plan_listed.assign(counts.begin(), middle);
  sim.flows.n_heavy_listed.assign(middle, middle + static_cast<std::ptrdiff_t>(P));  // (payment recounts after switching)
  sim.flows.n_plans = counts[2 * P];
}

}  // namespace valinta

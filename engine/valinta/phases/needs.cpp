// Phase 2: M1 need dynamics, the service ladder well (0) -> light (1) -> basic (2) -> heavy (3).
//
// Each step a resident moves at most one level: up with the up-rate of their level times the
// multiplier of their age band (and times unmet_multiplier for unmet_weeks after a contact that
// waited past the care guarantee or was sent to emergency), down with the down-rate.
// Indicator: the 4x4 flows between levels and the number of heavy users. Customer plans (M8) and
// care contacts (M2) are made in the same pass over the residents, chunk by chunk after the
// transitions (PlanPass, DemandPass).
#include "valinta/phases/needs.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/phases/plans.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

namespace {
// A weekly probability turned into a per-step probability for steps of `step_weeks` weeks.
double per_step(double weekly, double step_weeks) {
  if (step_weeks == 1.0) return weekly;
  return 1.0 - std::pow(1.0 - std::min(weekly, 1.0), step_weeks);
}
}  // namespace

NeedRates need_rates(const NeedParams& p, int level, int age_band, bool unmet, double step_weeks,
                     double up_multiplier) {
  NeedRates rates;
  if (level < kNeedLevels - 1) {
    const double up =
        p.up_rate[level] * p.age_multiplier[age_band] * (unmet ? p.unmet_multiplier : 1.0) * up_multiplier;
    rates.up = per_step(std::min(up, 1.0), step_weeks);
  }
  if (level > 0) rates.down = per_step(p.down_rate[level - 1], step_weeks);
  // Both moves come from one uniform, so together they cannot exceed certainty.
  if (rates.up + rates.down > 1.0) rates.down = 1.0 - rates.up;
  return rates;
}

std::vector<double> stationary_need_distribution(const NeedParams& p, int age_band, double step_weeks) {
  // Birth-death chain: pi[k+1] / pi[k] = up[k] / down[k+1].
  std::vector<double> pi(kNeedLevels, 1.0);
  for (int k = 0; k + 1 < kNeedLevels; ++k) {
    const double up = need_rates(p, k, age_band, false, step_weeks).up;
    const double down = need_rates(p, k + 1, age_band, false, step_weeks).down;
    pi[k + 1] = down > 0 ? pi[k] * up / down : (up > 0 ? pi[k] * 1e12 : 0.0);
  }
  double sum = 0;
  for (double v : pi) sum += v;
  for (double& v : pi) v /= sum;
  return pi;
}

void run_needs(State& sim) {
  Residents& r = sim.residents;
  const NeedParams& p = sim.scenario.needs;
  const double step_weeks = sim.scenario.step_weeks();
  // Rates depend only on (level, age band, unmet, customer plan): tabulate once per step.
  std::array<std::array<std::array<std::array<NeedRates, 2>, 2>, kAgeBands>, kNeedLevels> table{};
  for (int level = 0; level < kNeedLevels; ++level)
    for (int band = 0; band < kAgeBands; ++band)
      for (int unmet = 0; unmet < 2; ++unmet)
        for (int plan = 0; plan < 2; ++plan)
          table[level][band][unmet][plan] = need_rates(p, level, band, unmet == 1, step_weeks,
                                                       plan ? sim.scenario.plans.up_rate_multiplier : 1.0);

  // The same tests on the integer draw: up if w < up, down if w >= down.
  struct Thresholds {
    std::uint64_t up, down;
  };
  std::array<Thresholds, kNeedLevels * kAgeBands * 4> thresholds{};
  for (int level = 0; level < kNeedLevels; ++level)
    for (int band = 0; band < kAgeBands; ++band)
      for (int k = 0; k < 4; ++k) {
        const NeedRates& rate = table[level][band][k / 2][k % 2];
        thresholds[(level * kAgeBands + band) * 4 + k] = {CounterRng::words_below(rate.up),
                                                          CounterRng::words_at_most(1.0 - rate.down)};
      }
  // Whoever moves has w < highest_up or w >= lowest_down: a screen that needs no look-up and that
  // few residents (a few per cent) pass; only they are tested exactly.
  std::uint64_t highest_up = 0, lowest_down = std::uint64_t{1} << 32;
  for (const Thresholds& th : thresholds) {
    highest_up = std::max(highest_up, th.up);
    lowest_down = std::min(lowest_down, th.down);
  }

  const std::size_t n = r.size();
  const auto t = static_cast<std::uint32_t>(sim.t);
  std::array<std::array<std::int64_t, kNeedLevels>, kNeedLevels> flows{};
  // The capitation's risk cells follow the residents who move (tens of thousands of scattered
  // counts a step): each thread lists the cells a move leaves and enters [producer x kRiskCells +
  // cell] under the thread that owns the producer (producer mod threads), and after the loop each
  // thread updates the cells of its own producers from every thread's lists. No two threads write
  // one count, the work is shared out whatever the number of threads and producers, and integer
  // counts come out the same in any order.
  std::vector<std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> moved;  // [lister][owner]
  PlanPass plans(sim);
  const DemandPass demand(sim);
#pragma omp parallel num_threads(sim.threads())
  {
    PlanPass::Local my_plans = plans.local();
    DemandPass::Local my_demand = demand.local();
    const auto threads = static_cast<std::size_t>(omp_get_num_threads());
    const auto me = static_cast<std::size_t>(omp_get_thread_num());
#pragma omp single
    moved.assign(threads, std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>>(threads));
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>>& mine = moved[me];
    // Moves are rare: counted in a table; who stays is counted by level.
    std::array<std::array<std::int64_t, kNeedLevels>, kNeedLevels> moves{};
    std::array<std::int64_t, kNeedLevels> at_level{};
    ResidentDraws draws;
    // Private copies: the loops store bytes, which could alias anything the threads share, so the
    // compiler would reload shared values at every resident.
    std::array<std::uint32_t, ResidentDraws::kChunk> marked{};
    const auto limits = thresholds;
    std::uint8_t* const need = r.need.data();
    std::uint8_t* const unmet_steps = r.unmet_steps.data();
    const std::uint8_t* const age = r.age.data();
    const std::uint8_t* const flags = r.flags.data();
    const std::uint16_t* const listed = r.listed.data();
    const std::uint8_t* const income_decile = r.income_decile.data();
#pragma omp for schedule(dynamic, kChunksPerGrab)
    for (std::int64_t c = 0; c < ResidentDraws::chunks(n); ++c) {
      const auto [first, end] = ResidentDraws::chunk(c, n);
      const std::uint32_t* words = draws(sim.rng, Stream::needs, t, r.global(first), end - first);
      // Residents at each level before the moves (a loop the compiler turns into vector code;
      // 16-bit counts, as a chunk has at most 1,024 residents, keep the vectors wide).
      static_assert(ResidentDraws::kChunk < 65536, "a chunk's counts fit in 16 bits");
      std::uint16_t l0 = 0, l1 = 0, l2 = 0;
      for (std::size_t i = first; i < end; ++i) {
        l0 = static_cast<std::uint16_t>(l0 + (need[i] == 0));
        l1 = static_cast<std::uint16_t>(l1 + (need[i] == 1));
        l2 = static_cast<std::uint16_t>(l2 + (need[i] == 2));
      }
      at_level[0] += l0;
      at_level[1] += l1;
      at_level[2] += l2;
      at_level[3] += static_cast<std::int64_t>(end - first) - l0 - l1 - l2;
      // The screen, in vector compares (the thresholds go up to 2^32: a certain move up lists
      // everyone, none down nobody for going down).
      const std::size_t m = positions_outside(words, end - first, highest_up, lowest_down,
                                              static_cast<std::uint32_t>(first), marked.data());
      prefetch_rows(marked.data(), m, age, flags, listed, income_decile);
      for (std::size_t q = 0; q < m; ++q) {
        const std::size_t i = marked[q];
        const std::uint64_t w = words[i - first];
        const int level = need[i];
        const int unmet = unmet_steps[i] > 0 ? 1 : 0;
        const Thresholds& th = limits[(level * kAgeBands + kAgeBandOfAge[age[i]]) * 4 + unmet * 2 +
                                      ((flags[i] & Residents::kPlan) ? 1 : 0)];
        const int after = w < th.up ? level + 1 : w >= th.down ? level - 1 : level;
        if (after == level) continue;
        need[i] = static_cast<std::uint8_t>(after);
        ++moves[level][after];
        const auto at = static_cast<std::uint32_t>(listed[i]) * kRiskCells;
        mine[listed[i] % threads].emplace_back(at + static_cast<std::uint32_t>(risk_cell(r, i, level)),
                                               at + static_cast<std::uint32_t>(risk_cell(r, i, after)));
      }
      // Raised escalation after unmet need runs down by one step (after the tests above, which
      // read it as it was).
      for (std::size_t i = first; i < end; ++i)
        unmet_steps[i] = static_cast<std::uint8_t>(unmet_steps[i] - (unmet_steps[i] > 0 ? 1 : 0));
      // M8 on the chunk's new levels (a plan made now acts from the next step), then M2 (the
      // draws' buffer is free again).
      plans.chunk(sim, my_plans, first, end);
      demand.chunk(sim, my_demand, draws, first, end);
    }
    for (int a = 0; a < kNeedLevels; ++a) {
      moves[a][a] = at_level[a];
      for (int b = 0; b < kNeedLevels; ++b)
        if (b != a) moves[a][a] -= moves[a][b];
    }
#pragma omp critical(needs_flows)
    {
      for (int a = 0; a < kNeedLevels; ++a)
        for (int b = 0; b < kNeedLevels; ++b) flows[a][b] += moves[a][b];
      plans.add(my_plans);
      DemandPass::add(my_demand, sim);
    }
#pragma omp barrier
    for (const auto& lists : moved)
      for (const auto& [left, entered] : lists[me]) {
        --sim.risk_cells[left];
        ++sim.risk_cells[entered];
      }
  }
  sim.comm->sum(std::span<std::int64_t>(flows.front().data(), kNeedLevels * kNeedLevels));
  sim.flows.need_flows = flows;
  plans.publish(sim);
  DemandPass::publish(sim);
}

}  // namespace valinta

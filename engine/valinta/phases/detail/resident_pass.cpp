// The needs phase's pass over the residents: M1, M8 and M2 chunk by chunk (resident_pass.hpp).
#include "valinta/phases/detail/resident_pass.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>
#include <span>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/phases/needs.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/phases/plans.hpp"
#include "valinta/util/select.hpp"

#if defined(__x86_64__)
#include "valinta/util/select_avx512.hpp"
// GCC 12's AVX-512 intrinsics start some vectors from an "undefined" value, which its flow
// analysis reports as uninitialised where they are inlined (a false positive).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

namespace valinta {

namespace detail {

ContactScreen::ContactScreen(const std::array<std::uint64_t, kContactCells>& thresholds)
    : no_contact(thresholds) {
  vector_ready = std::all_of(no_contact.begin(), no_contact.end(), [](std::uint64_t t) { return t >= 1; });
  for (std::size_t c = 0; c < kContactCells; ++c) below[c] = static_cast<std::uint32_t>(no_contact[c] - 1);
}

namespace {

std::size_t maybe_contacts_scalar(const ContactScreen& screen, const std::uint8_t* need,
                                  const std::uint8_t* age, const std::uint8_t* flags,
                                  const std::uint32_t* words, std::size_t n, std::uint32_t base,
                                  std::uint32_t* out) {
  // Without branches: a contact is a rare event in no pattern a branch predictor could follow.
  std::size_t m = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t cell = (static_cast<std::size_t>(need[k]) * kAgeBands + kAgeBandOfAge[age[k]]) * 2 +
                             ((flags[k] & Residents::kOhc) ? 1 : 0);
    out[m] = base + static_cast<std::uint32_t>(k);
    m += words[k] >= screen.no_contact[cell] ? 1 : 0;
  }
  return m;
}

#if defined(__x86_64__)
// The same, 16 residents per instruction: the age band by compares with the bands' first ages,
// the threshold by permutes of the 64-cell table (w >= t as w > t - 1, in 32 bits), the
// positions by a compress.
__attribute__((target("avx512f,avx512bw"))) std::size_t maybe_contacts_avx512(
    const ContactScreen& screen, const std::uint8_t* need, const std::uint8_t* age, const std::uint8_t* flags,
    const std::uint32_t* words, std::size_t n, std::uint32_t base, std::uint32_t* out) {
  static_assert(kContactCells == 64 && kAgeBands == 8, "two permutes of 32 cells, three bits of age band");
  const std::uint32_t* const below = screen.below.data();
  const __m512i t0 = _mm512_load_si512(below), t1 = _mm512_load_si512(below + 16);
  const __m512i t2 = _mm512_load_si512(below + 32), t3 = _mm512_load_si512(below + 48);
  const __m512i one = _mm512_set1_epi32(1), ohc_bit = _mm512_set1_epi32(Residents::kOhc);
  __m512i at = first_positions(base);
  std::size_t m = 0, k = 0;
  for (; k + 16 <= n; k += 16) {
    const __m512i level = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(need + k)));
    const __m512i years = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(age + k)));
    const __m512i bits = _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(flags + k)));
    __m512i band = _mm512_setzero_si512();
    for (int b = 1; b < kAgeBands; ++b)
      band = _mm512_mask_add_epi32(band, _mm512_cmpge_epu32_mask(years, _mm512_set1_epi32(kAgeBandStart[b])),
                                   band, one);
    const __m512i ohc = _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(bits, ohc_bit), one);
    const __m512i cell =
        _mm512_add_epi32(_mm512_slli_epi32(_mm512_add_epi32(_mm512_slli_epi32(level, 3), band), 1), ohc);
    const __m512i low = _mm512_permutex2var_epi32(t0, cell, t1),
                  high = _mm512_permutex2var_epi32(t2, cell, t3);
    const __m512i threshold =
        _mm512_mask_blend_epi32(_mm512_cmpge_epu32_mask(cell, _mm512_set1_epi32(32)), low, high);
    append_groups(_mm512_cmpgt_epu32_mask(_mm512_loadu_si512(words + k), threshold), 1, at, out, m);
  }
  // The rest of the chunk, one by one.
  return m + maybe_contacts_scalar(screen, need + k, age + k, flags + k, words + k, n - k,
                                   base + static_cast<std::uint32_t>(k), out + m);
}
#endif

}  // namespace

std::size_t maybe_contacts(SimdPath path, const ContactScreen& screen, const std::uint8_t* need,
                           const std::uint8_t* age, const std::uint8_t* flags, const std::uint32_t* words,
                           std::size_t n, std::uint32_t base, std::uint32_t* out) {
#if defined(__x86_64__)
  if (path == SimdPath::avx512 && screen.vector_ready)
    return maybe_contacts_avx512(screen, need, age, flags, words, n, base, out);
#else
  (void)path;
#endif
  return maybe_contacts_scalar(screen, need, age, flags, words, n, base, out);
}

}  // namespace detail

DemandPass::Cells<double> DemandPass::rates(const DemandParams& p, double step_weeks) {
  Cells<double> rate{};
  for (int level = 0; level < kNeedLevels; ++level)
    for (int band = 0; band < kAgeBands; ++band)
      for (int ohc = 0; ohc < 2; ++ohc)
        rate[level][band][ohc] = demand_rate(p, level, band, ohc == 1) * step_weeks;
  return rate;
}

DemandPass::Cells<double> DemandPass::exponentials(const Cells<double>& rate) {
  Cells<double> out{};
  for (int level = 0; level < kNeedLevels; ++level)
    for (int band = 0; band < kAgeBands; ++band)
      for (int ohc = 0; ohc < 2; ++ohc) out[level][band][ohc] = std::exp(-rate[level][band][ohc]);
  return out;
}

detail::ContactScreen DemandPass::contact_screen(const Cells<double>& exp_rate) {
  std::array<std::uint64_t, detail::kContactCells> no_contact{};
  for (int level = 0; level < kNeedLevels; ++level)
    for (int band = 0; band < kAgeBands; ++band)
      for (int ohc = 0; ohc < 2; ++ohc)
        no_contact[(level * kAgeBands + band) * 2 + ohc] =
            CounterRng::words_at_most(exp_rate[level][band][ohc]);
  return detail::ContactScreen(no_contact);
}

DemandPass::DemandPass(const State& sim)
    : rate_(rates(sim.scenario.demand, sim.scenario.step_weeks())),
      exp_rate_(exponentials(rate_)),
      zone_factor_(sim.zones.size()),
      induced_(sim.producers.size()),
      join_(sim.producers.size()),
      screen_(contact_screen(exp_rate_)),
      path_(detail::simd_best_path()) {
  const Scenario& s = sim.scenario;
  for (std::size_t j = 0; j < induced_.size(); ++j) {
    induced_[j] = induced_visit_factor(s, sim.producers[j].expected_wait_weeks,
                                       sim.producers[j].sector == Sector::public_sector);
    join_[j] = join_probability(s.demand, sim.producers[j].expected_wait_weeks);
    join_bins_.push_back(join_bins(join_[j]));
  }
  for (std::size_t z = 0; z < zone_factor_.size(); ++z) zone_factor_[z] = sim.zones[z].demand_factor;
  // The screen of residents without a contact holds while no factor raises a rate (a lower rate
  // only makes "no contact" likelier); such residents are then drawn in full.
  plain_ = std::all_of(zone_factor_.begin(), zone_factor_.end(), [](double x) { return x <= 1.0; }) &&
           std::all_of(induced_.begin(), induced_.end(), [](double x) { return x <= 1.0; });
  for (int level = 0; level < kNeedLevels; ++level)
    for (int band = 0; band < kAgeBands; ++band)
      for (int ohc = 0; ohc < 2; ++ohc)
        counts_[level][band][ohc] = poisson_table(rate_[level][band][ohc], exp_rate_[level][band][ohc]);
}

DemandPass::Local DemandPass::local() const {
  Local local;
  local.arrivals.assign(induced_.size() * kNeedLevels, 0);
  return local;
}

void DemandPass::chunk(State& sim, Local& local, ResidentDraws& draws, std::size_t first,
                       std::size_t end) const {
  Residents& r = sim.residents;
  const std::uint8_t* const need = r.need.data();
  const std::uint8_t* const age = r.age.data();
  const std::uint8_t* const flags = r.flags.data();
  const std::uint16_t* const zone = r.zone.data();
  const std::uint16_t* const listed = r.listed.data();
  const std::uint8_t* const income_decile = r.income_decile.data();
  std::int16_t* const open_since = r.open_since.data();
  std::uint16_t* const open_producer = r.open_producer.data();
  std::int64_t* const arrivals = local.arrivals.data();
  const auto t = static_cast<std::uint32_t>(sim.t);
  const std::uint32_t* words = draws(sim.rng, Stream::demand, t, r.global(first), end - first);
  // First the residents who may have a contact; all of them unless `plain`.
  std::size_t m = end - first;
  if (plain_)
    m = detail::maybe_contacts(path_, screen_, need + first, age + first, flags + first, words, end - first,
                               static_cast<std::uint32_t>(first), local.maybe.data());
  else
    std::iota(local.maybe.begin(), local.maybe.begin() + static_cast<std::ptrdiff_t>(m),
              static_cast<std::uint32_t>(first));
  for (std::size_t q = 0; q < m; ++q) {
    const std::size_t i = local.maybe[q];
    const int level = need[i];
    const int band = kAgeBandOfAge[age[i]];
    const int ohc = (flags[i] & Residents::kOhc) ? 1 : 0;
    const std::uint16_t j = listed[i];
    const double factor = zone_factor_[zone[i]] * induced_[j];
    const double u = CounterRng::to_unit(words[i - first]);
    // No contact unless u exceeds P(0) = exp(-lambda).
    if (factor == 1.0 && u <= exp_rate_[level][band][ohc]) continue;
    const double lambda = rate_[level][band][ohc] * factor;
    int contacts =
        factor == 1.0 ? poisson_from_table(counts_[level][band][ohc], u) : poisson_from_uniform(lambda, u);
    if (contacts == 0) continue;
    // Facing the producer's queue, some contacts go elsewhere: decided by where u lies within
    // the bin of its count (a uniform of its own), and where they go by where that lies within
    // the bin of the number that joined.
    if (join_[j] < 1.0) {
      const auto [lo, hi] = factor == 1.0
                                ? std::pair{contacts == 0 ? 0.0 : counts_[level][band][ohc][contacts - 1],
                                            contacts >= 64 ? 1.0 : counts_[level][band][ohc][contacts]}
                                : poisson_bin(lambda, std::exp(-lambda), contacts);
      double rest = 0;
      const double v = position_in_bin(u, lo, hi);
      const int joined = contacts <= kJoinTabled ? joined_from_bins(join_bins_[j], contacts, v, &rest)
                                                 : joined_contacts(contacts, join_[j], v, &rest);
      if (joined < contacts) {
        const Elsewhere where = elsewhere_for(sim.scenario.demand, ohc != 0, income_decile[i], rest);
        local.elsewhere[static_cast<int>(where)] += contacts - joined;
      }
      contacts = joined;
      if (contacts == 0) continue;
    }
    arrivals[j * kNeedLevels + level] += contacts;
    if (open_since[i] < 0) {
      open_since[i] = static_cast<std::int16_t>(sim.t);
      open_producer[i] = j;
    }
  }
}

void DemandPass::add(const Local& local, State& sim) {
  std::vector<std::int64_t>& arrivals = sim.flows.arrivals;
  for (std::size_t k = 0; k < local.arrivals.size(); ++k) arrivals[k] += local.arrivals[k];
  for (int k = 0; k < kElsewhereKinds; ++k) sim.flows.contacts_elsewhere[k] += local.elsewhere[k];
}

void DemandPass::publish(State& sim) {
  sim.comm->sum(sim.flows.arrivals);
  sim.flows.mark_summed(StepFlows::Id::arrivals);
  sim.comm->sum(std::span<std::int64_t>(sim.flows.contacts_elsewhere));
  sim.flows.mark_summed(StepFlows::Id::contacts_elsewhere);
}

void kernels::run_demand_alone(State& sim) {
  const DemandPass pass(sim);
  const std::size_t n = sim.residents.size();
#pragma omp parallel num_threads(sim.threads())
  {
    DemandPass::Local local = pass.local();
    ResidentDraws draws;
#pragma omp for schedule(dynamic, kChunksPerGrab)
    for (std::int64_t c = 0; c < ResidentDraws::chunks(n); ++c) {
      const auto [first, end] = ResidentDraws::chunk(c, n);
      pass.chunk(sim, local, draws, first, end);
    }
#pragma omp critical(demand_arrivals)
    DemandPass::add(local, sim);
  }
  DemandPass::publish(sim);
}

PlanPass::PlanPass(const State& sim)
    : prob_(plan_probability(sim.scenario.plans, sim.scenario.step_weeks())),
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
  for (const auto flow :
       {StepFlows::Id::n_heavy_plan_listed, StepFlows::Id::n_heavy_listed, StepFlows::Id::n_plans})
    sim.flows.mark_summed(flow);
}

void kernels::resident_pass(State& sim) {
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
  // Residents becoming heavy users [listed producer] and heavy users whose need fell [P + producer].
  const std::size_t P = sim.producers.size();
  std::vector<std::int64_t> heavy_moves(2 * P, 0);
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
    std::vector<std::int64_t> my_heavy_moves(2 * P, 0);
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
      const std::size_t m = valinta::positions_outside(words, end - first, highest_up, lowest_down,
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
        if (after == kNeedLevels - 1) ++my_heavy_moves[listed[i]];
        if (level == kNeedLevels - 1) ++my_heavy_moves[P + listed[i]];
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
      for (std::size_t k = 0; k < heavy_moves.size(); ++k) heavy_moves[k] += my_heavy_moves[k];
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
  sim.comm->sum(heavy_moves);
  sim.flows.heavy_entered.assign(heavy_moves.begin(), heavy_moves.begin() + static_cast<std::ptrdiff_t>(P));
  sim.flows.heavy_left.assign(heavy_moves.begin() + static_cast<std::ptrdiff_t>(P), heavy_moves.end());
  for (const auto flow : {StepFlows::Id::need_flows, StepFlows::Id::heavy_entered, StepFlows::Id::heavy_left})
    sim.flows.mark_summed(flow);
  plans.publish(sim);
  DemandPass::publish(sim);
}

}  // namespace valinta

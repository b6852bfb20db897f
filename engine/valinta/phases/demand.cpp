// Phase 3: M2 demand. Contacts per step ~ Poisson(visit_rate[level] x age factor x
// (1 - ohc_offload if covered by occupational health care)). Contacts join the queue of the
// listed producer, in this step's arrival cohort, counted by need level. A resident remembers
// where their oldest waiting contact queues, so M3 can tell them how it was resolved.
#include "valinta/phases/demand.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/payment.hpp"

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

double demand_rate(const DemandParams& p, int level, int age_band, bool ohc) {
  return p.visit_rate[level] * p.age_factor[age_band] * (ohc ? 1.0 - p.ohc_offload : 1.0);
}

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
      screen_(contact_screen(exp_rate_)),
      path_(detail::simd_best_path()) {
  const Scenario& s = sim.scenario;
  // Fee-for-service pay makes producers book more (return) visits, where they have room: the
  // effect fades as a producer's expected wait reaches a week.
  const double incentive = s.demand.induced_visits * fee_for_service_incentive(s.payment, 4.5);
  for (std::size_t j = 0; j < induced_.size(); ++j)
    induced_[j] = 1.0 + incentive * std::max(0.0, 1.0 - sim.producers[j].expected_wait_weeks);
  for (std::size_t z = 0; z < zone_factor_.size(); ++z) zone_factor_[z] = sim.zones[z].demand_factor;
  plain_ = std::all_of(zone_factor_.begin(), zone_factor_.end(), [](double x) { return x == 1.0; }) &&
           std::all_of(induced_.begin(), induced_.end(), [](double x) { return x == 1.0; });
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
    const int contacts =
        factor == 1.0 ? poisson_from_table(counts_[level][band][ohc], u) : poisson_from_uniform(lambda, u);
    if (contacts == 0) continue;
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
}

void DemandPass::publish(State& sim) { sim.comm->sum(sim.flows.arrivals); }

void run_demand(State& sim) {
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

}  // namespace valinta

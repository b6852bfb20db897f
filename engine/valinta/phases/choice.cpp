// Phase 6: M5 choice and switching.
//
// Each step an eligible resident reviews their producer with hazard
//   h = base + awareness x exp(-weeks since pilot start / awareness_weeks)
//       + dissatisfaction x max(0, -experience)                            (per year)
// unless still locked in (rules.min_listing_months) or out of switches for the pilot year
// (rules.max_switches_per_year). On review they pick from a consideration set (producers within
// max_travel_min, every digital-first unit, and the current one) by multinomial logit:
//   U = b_travel travel + b_wait wait_seen + b_quality quality_seen + b_fee fee
//     + b_digital digital literacy + sector constant + inertia [current] + Gumbel noise,
// its terms as choice_utility.hpp defines them (the market's entry forecast uses the same).
// What residents see depends on the information regime (transparent, word_of_mouth, none).
// Producers at their listing cap accept applicants in a random priority order and the others
// take their next choice; requests are collected first and applied after, so the result does
// not depend on the order residents are processed in.
#include "valinta/phases/choice.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <stdexcept>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/choice_utility.hpp"
#include "valinta/phases/detail/candidate_utilities.hpp"
#include "valinta/phases/detail/review_pass.hpp"
#include "valinta/phases/switching.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

double expected_fee(const State& sim, std::size_t j) {
  const Producer& p = sim.producers[j];
  const PaymentParams& pay = sim.scenario.payment;
  const int k = static_cast<int>(p.sector);
  double doctor = pay.fees_by_sector ? pay.client_fee_doctor_eur_by_sector[k] : pay.client_fee_doctor_eur;
  double nurse = pay.fees_by_sector ? pay.client_fee_nurse_eur_by_sector[k] : pay.client_fee_nurse_eur;
  if (p.sector != Sector::public_sector) {  // vouchers: the co-payment
    if (vouchers_pay_doctor(pay.voucher_services)) doctor = pay.voucher_copayment_eur;
    if (vouchers_pay_nurse(pay.voucher_services)) nurse = pay.voucher_copayment_eur;
  }
  return p.doctor_share * doctor + (1 - p.doctor_share) * nurse;
}

std::vector<double> expected_fees(const State& sim) {
  std::vector<double> fees(sim.producers.size());
  for (std::size_t j = 0; j < fees.size(); ++j) fees[j] = expected_fee(sim, j);
  return fees;
}

namespace {
// Bounds of the Gumbel noise by the top kNoiseBits bits of its draw: the noise is increasing in
// the draw, so a draw in bucket b gives noise between low[b] and high[b] (the noise at the
// bucket's first and last words).
constexpr int kNoiseBits = 12;
struct NoiseBounds {
  std::array<double, std::size_t{1} << kNoiseBits> low, high;
};
const NoiseBounds& noise_bounds() {
  static const NoiseBounds bounds = [] {
    NoiseBounds b{};
    constexpr std::uint32_t kWidth = std::uint32_t{1} << (32 - kNoiseBits);
    for (std::uint32_t k = 0; k < b.low.size(); ++k) {
      b.low[k] = gumbel_from_uniform(CounterRng::to_unit(k * kWidth));
      b.high[k] = gumbel_from_uniform(CounterRng::to_unit(k * kWidth + (kWidth - 1)));
    }
    return b;
  }();
  return bounds;
}
}  // namespace

ChoiceInputs choice_inputs(const State& sim) {
  const ChoiceParams& c = sim.scenario.choice;
  ChoiceInputs in;
  in.fee = expected_fees(sim);
  for (const Producer& p : sim.producers) {
    in.published.push_back(seen_utility(c, p.published_wait_weeks, p.published_quality));
    in.digital.push_back(p.spec.digital);
    in.open.push_back(p.active ? 1 : 0);
    in.digital_first.push_back(p.spec.digital_first ? 1 : 0);
    in.is_private.push_back(p.sector == Sector::private_sector ? 1 : 0);
  }
  // Breaches the organiser published at its latest review (M10), seen where the organiser's
  // indicators are published (rules.information: transparent).
  if (sim.scenario.organiser.enabled && sim.scenario.organiser.publication &&
      c.information == Information::transparent)
    for (std::size_t j = 0; j < sim.producers.size(); ++j) in.published[j] += sim.organiser.published[j];
  in.by_zone.resize(sim.zones.size());
  for (std::size_t z = 0; z < sim.zones.size(); ++z) {
    ChoiceCandidates& to = in.by_zone[z];
    for (const std::uint16_t j : sim.zones[z].candidates) {
      to.fee_term.push_back(c.b_fee * in.fee[j]);
      to.digital_term.push_back(c.b_digital * in.digital[j]);
      to.published.push_back(in.published[j]);
      to.open.push_back(in.open[j]);
      to.digital_first.push_back(in.digital_first[j]);
      to.is_private.push_back(in.is_private[j]);
    }
  }
  return in;
}

std::vector<std::uint16_t> rank_producers(const State& sim, std::size_t i, bool with_inertia,
                                          std::size_t limit, const ChoiceInputs* given) {
  const ChoiceInputs computed = given ? ChoiceInputs{} : choice_inputs(sim);
  const ChoiceInputs& in = given ? *given : computed;
  const Residents& r = sim.residents;
  const Scenario& s = sim.scenario;
  const ChoiceParams& c = s.choice;
  const Zone& zone = sim.zones[r.zone[i]];
  const ChoiceCandidates& columns = in.by_zone[r.zone[i]];
  const std::uint16_t current = r.listed[i];
  const bool informed = c.information != Information::none;
  const Place home = place(r.lat[i], r.lon[i]);
  const auto t = static_cast<std::uint32_t>(sim.t);
  const std::size_t n = zone.candidates.size();
  // Per candidate m of the zone: travel, the noise's draw (word m % 4 of slot m / 4), the utility
  // before the noise, whether it is considered, the lower bound of its utility.
  thread_local std::vector<double> minutes, before, lows, highs;  // reused: no allocation per call
  thread_local std::vector<std::uint32_t> noise, considered;
  thread_local std::vector<std::uint8_t> keep;
  thread_local std::vector<std::pair<double, std::uint16_t>> scored;
  scored.clear();
  candidate_travel(sim, zone, home, minutes);
  const auto slots = static_cast<std::uint32_t>((n + 3) / 4);
  noise.resize(4 * static_cast<std::size_t>(slots));
  sim.rng.slot_bits(Stream::choice_noise, r.global(i), t, slots, noise.data());
  // Only the best `limit` are wanted: a candidate whose utility, at the top of its noise bucket,
  // stays below `limit` others' utilities at the bottom of theirs cannot be among them, and its
  // noise (two logarithms) is never worked out. The margin covers rounding: the candidates kept
  // and their order are exactly those of the full ranking.
  constexpr double kMargin = 1e-6;
  constexpr int kShift = 32 - kNoiseBits;
  const NoiseBounds& bounds = noise_bounds();
  kernels::CandidateTerms terms;
  terms.literacy = r.literacy[i] / 255.0;
  // The private sector's constant for this resident (the others' is 0).
  terms.private_sector = private_constant(
      c, private_constant_parts(c, r.income_decile[i], r.age[i], (r.flags[i] & Residents::kEmployed) != 0));
  terms.informed = informed;
  terms.margin = kMargin;
  before.resize(n);
  keep.resize(n);
  lows.resize(n);
  highs.resize(n);
  kernels::candidate_utilities(c, columns, terms, minutes.data(), noise.data(), bounds.low.data(),
                               bounds.high.data(), kShift, n, before.data(), keep.data(), lows.data(),
                               highs.data());
  // The utility once the noise is added (in this order of additions, always): the current
  // producer has further terms.
  const std::size_t mine = static_cast<std::size_t>(
      std::find(zone.candidates.begin(), zone.candidates.end(), current) - zone.candidates.begin());
  const auto utility = [&](std::size_t m, double noise_value) {
    double u = before[m] + noise_value;
    if (informed) u += columns.published[m];
    if (m == mine) {
      if (with_inertia) u += c.inertia;
      if (with_inertia && (r.flags[i] & Residents::kPlan)) u += s.plans.continuity_inertia;  // M8
      if (!informed) u += c.b_quality * r.experience[i] / 20.0;
    }
    return u;
  };
  if (mine < n) {  // considered whatever its distance, if open
    keep[mine] = columns.open[mine];
    lows[mine] = utility(mine, bounds.low[noise[mine] >> kShift]) - kMargin;
    highs[mine] = utility(mine, bounds.high[noise[mine] >> kShift]);
  }
  // The considered candidates, listed without branches (whether one is considered follows no
  // pattern a branch predictor could learn).
  considered.resize(n);
  std::size_t n_considered = 0;
  for (std::size_t m = 0; m < n; ++m) {
    considered[n_considered] = static_cast<std::uint32_t>(m);
    n_considered += keep[m];
  }
  const bool prune = limit > 0 && limit < n_considered;
  double cut = -std::numeric_limits<double>::infinity();
  if (prune) {
    // The limit-th largest of the considered candidates' lower bounds: for a few wanted, kept in
    // a short list sorted descending that most candidates do not enter; otherwise by selection.
    constexpr std::size_t kShortList = 8;
    if (limit <= kShortList) {
      // A floor first: split the list into `limit` runs; the smallest of the runs' largest is
      // at most the limit-th largest, so only bounds at or above it can matter (often a tenth).
      thread_local std::vector<double> above;
      above.resize(n_considered);
      double floor = std::numeric_limits<double>::infinity();
      for (std::size_t g = 0; g < limit; ++g) {
        double most = -std::numeric_limits<double>::infinity();
        for (std::size_t q = g * n_considered / limit; q < (g + 1) * n_considered / limit; ++q)
          most = std::max(most, lows[considered[q]]);
        floor = std::min(floor, most);
      }
      std::size_t n_above = 0;
      for (std::size_t q = 0; q < n_considered; ++q) {
        const double low = lows[considered[q]];
        above[n_above] = low;
        n_above += low >= floor ? 1 : 0;
      }
      std::array<double, kShortList> top;
      top.fill(-std::numeric_limits<double>::infinity());
      double last = top[0];  // top[limit - 1]
      for (std::size_t q = 0; q < n_above; ++q) {
        const double low = above[q];
        if (!(low > last)) continue;
        std::size_t k = limit - 1;
        for (; k > 0 && top[k - 1] < low; --k) top[k] = top[k - 1];
        top[k] = low;
        last = top[limit - 1];
      }
      cut = last;
    } else {
      thread_local std::vector<double> kept;
      kept.clear();
      for (std::size_t q = 0; q < n_considered; ++q) kept.push_back(lows[considered[q]]);
      std::nth_element(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(limit - 1), kept.end(),
                       std::greater<>());
      cut = kept[limit - 1];
    }
  }
  // Those that may be among the best (all when nothing is pruned), listed as above; then their
  // noise and utility.
  std::size_t n_open = 0;
  for (std::size_t q = 0; q < n_considered; ++q) {
    const std::uint32_t m = considered[q];
    considered[n_open] = m;
    n_open += (prune && highs[m] + kMargin < cut) ? 0 : 1;
  }
  for (std::size_t q = 0; q < n_open; ++q) {
    const std::uint32_t m = considered[q];
    scored.emplace_back(utility(m, gumbel_from_uniform(CounterRng::to_unit(noise[m]))), zone.candidates[m]);
  }
  // Utility descending, ties by producer number: a strict order, so the best `limit` are the
  // same whether the rest is sorted or not.
  const auto better = [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  if (limit < scored.size()) {
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(limit), scored.end(),
                      better);
    scored.resize(limit);
  } else {
    std::sort(scored.begin(), scored.end(), better);
  }
  std::vector<std::uint16_t> ranking;
  ranking.reserve(scored.size());
  for (const auto& [u, j] : scored) ranking.push_back(j);
  return ranking;
}

ReviewRule review_rule(const Scenario& s, std::int64_t since_start) {
  const ChoiceParams& c = s.choice;
  ReviewRule rule;
  const double step_years = static_cast<double>(s.time.step_days) / 365.25;
  const double wave =
      c.awareness_per_year * std::exp(-static_cast<double>(since_start) * s.step_weeks() / c.awareness_weeks);
  const double base = c.base_review_per_year + wave;
  rule.base = base;
  rule.lock_in_steps = static_cast<int>(
      std::ceil(c.min_listing_months * 30.44 / static_cast<double>(s.time.step_days) - 1e-9));
  // The review hazard depends on the resident only through their experience (an int8): its
  // per-step exponent and the bound that settles most draws without an exponential are
  // tabulated by experience + 128.
  rule.access = c.access_review_per_year;
  for (int unmet = 0; unmet < 2; ++unmet)
    for (int e = -128; e < 128; ++e) {
      const double d = c.dissatisfaction_per_year * std::max(0.0, -e / 20.0);
      rule.dissatisfaction_of[e + 128] = d;
      const double x = (base + d + (unmet ? rule.access : 0.0)) * step_years;
      rule.p_hazard_of[unmet][e + 128] = 1.0 - std::exp(-x);
      // 1 - exp(-x) <= x; the margin covers rounding, so the decisions are those of the exact test.
      rule.bound_of[unmet][e + 128] = 1.000001 * x + 1e-12;
    }
  rule.max_switches_per_year = c.max_switches_per_year;
  return rule;
}

std::vector<SwitchRequest> household_requests(
    const State& sim, const std::vector<std::pair<std::uint32_t, std::uint16_t>>& asked) {
  std::vector<SwitchRequest> out;
  if (!sim.scenario.choice.minors_follow_guardian) return out;
  const Residents& r = sim.residents;
  for (const auto& [guardian, before] : asked) {
    if (r.listed[guardian] == before) continue;  // not placed
    auto it =
        std::lower_bound(sim.minors_of.begin(), sim.minors_of.end(), std::pair{guardian, std::uint32_t{0}});
    for (; it != sim.minors_of.end() && it->first == guardian; ++it) {
      const std::uint32_t minor = it->second;
      if (!(r.flags[minor] & Residents::kEligible) || r.listed[minor] == r.listed[guardian]) continue;
      out.push_back(switch_request(sim, minor, SwitchReason::household));
      out.back().add(r.listed[guardian]);
    }
  }
  return out;
}

double neighbour_probability(const Scenario& s, double recent_switchers) {
  const double step_years = static_cast<double>(s.time.step_days) / 365.25;
  return 1.0 - std::exp(-s.choice.neighbour_review_per_year * recent_switchers * step_years);
}

double updated_recent_switchers(const Scenario& s, double recent_switchers, std::int64_t own_switches,
                                std::int64_t eligible) {
  const double kept = std::exp(-s.step_weeks() / s.choice.neighbour_memory_weeks);
  return recent_switchers * kept +
         (eligible > 0 ? static_cast<double>(own_switches) / static_cast<double>(eligible) : 0.0);
}

void run_choice(State& sim) {
  const Scenario& s = sim.scenario;
  const ChoiceParams& c = s.choice;
  // Campaigns and nudges last one choice phase (set by events this step or the market last step).
  struct ClearNudges {
    State& sim;
    ~ClearNudges() {
      for (Zone& z : sim.zones) z.extra_review = 0;
    }
  } clear_nudges{sim};
  if (!sim.pilot_active()) {
    sim.flows.mark_summed(StepFlows::Id::reviews);  // no reviews: zero on every rank
    return;
  }
  Residents& r = sim.residents;
  const std::int64_t since_start = sim.t - s.pilot_start_step;
  const auto steps_per_year =
      std::max<std::int64_t>(1, std::llround(365.25 / static_cast<double>(s.time.step_days)));
  if (since_start % steps_per_year == 0)
    std::fill(r.switches_this_year.begin(), r.switches_this_year.end(), 0);
  if (since_start == 0 && c.default_assignment == DefaultAssignment::nearest) assign_nearest(sim);

  // Who reviews, and the switch requests of those who find a better producer.
  std::int64_t reviews = 0;
  std::vector<double> neighbours(sim.zones.size());
  for (std::size_t z = 0; z < sim.zones.size(); ++z)
    neighbours[z] = neighbour_probability(s, sim.zones[z].recent_switchers);
  std::vector<SwitchRequest> requests =
      kernels::review_pass(sim, review_rule(s, since_start), neighbours, reviews);
  sim.flows.reviews += sim.comm->sum(reviews);
  sim.flows.mark_summed(StepFlows::Id::reviews);
  if (!c.minors_follow_guardian) {
    apply_switches(sim, std::move(requests));
  } else {
    std::vector<std::pair<std::uint32_t, std::uint16_t>> asked;  // local resident, listed before
    for (const SwitchRequest& q : requests) asked.emplace_back(q.resident - r.offset, q.from);
    apply_switches(sim, std::move(requests));
    // Minors are listed where their guardian chose (every rank takes part: the rule is the same
    // on every rank, with or without any minor to move).
    apply_switches(sim, household_requests(sim, asked));
  }
  // What the neighbours saw this step (switch counts are alike on every rank).
  for (std::size_t z = 0; z < sim.zones.size(); ++z)
    sim.zones[z].recent_switchers = updated_recent_switchers(
        s, sim.zones[z].recent_switchers, sim.flows.own_switches_by_zone[z], sim.zones[z].n_eligible);
}

}  // namespace valinta

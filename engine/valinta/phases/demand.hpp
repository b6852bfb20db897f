#pragma once
// M2 demand: each resident's care contacts per step.

#include <array>
#include <cstdint>

#include "valinta/model/params/demand.hpp"
#include "valinta/model/types.hpp"

namespace valinta {

struct Scenario;
struct State;

// Expected contacts per week of one resident.
double demand_rate(const DemandParams& p, int level, int age_band, bool ohc);

// The factor on the contacts of a producer's listed residents from how it is paid (visits per care
// episode): fee-for-service pay makes producers book more (return) visits where they have room,
// 1 + induced_visits x the fee-for-service incentive s, fading as the producer's expected wait
// reaches a week; capitation pulls private and third-sector producers the other way, a factor
// 1 - capitation_visit_pull x (1 - s) (public stations, whose salaried staff the visit rates were
// calibrated on, feel no such pull).
double induced_visit_factor(const Scenario& s, double expected_wait_weeks, bool public_station);

// The probability that a contact joins a producer's queue whose expected wait is this long:
// (1 + wait / wait_scale_weeks)^-wait_elasticity (exactly 1 with an elasticity of 0).
double join_probability(const DemandParams& p, double expected_wait_weeks);
// How many of a resident's `contacts` join, each with probability `join`, given a uniform `u`: the
// inverse of the binomial distribution function at u. `rest`, if given, gets u's position within
// the count's bin (position_in_bin): a uniform of its own for what happens to the others.
int joined_contacts(int contacts, double join, double u, double* rest = nullptr);
// The same for a join probability that many draws use: the distribution functions joined_contacts
// sums for 1 .. kJoinTabled contacts, term by term in the same order (so the same numbers),
// worked out once: cdf[contacts][k] = P(joined <= k); joined_from_bins then only compares.
inline constexpr int kJoinTabled = 3;
struct JoinBins {
  double join = 1.0;
  std::array<std::array<double, kJoinTabled + 1>, kJoinTabled + 1> cdf{};
};
JoinBins join_bins(double join);
// joined_contacts(contacts, bins.join, u, rest) for 0 <= contacts <= kJoinTabled.
int joined_from_bins(const JoinBins& bins, int contacts, double u, double* rest = nullptr);
// Where a resident's contacts that did not join go, given a uniform `u`: occupational health care
// if they are covered; otherwise a private clinic at their own cost with probability
// self_pay_share x income decile / 5.5 (at most 1), or self-care.
Elsewhere elsewhere_for(const DemandParams& p, bool ohc, int income_decile, double u);

// M2 runs in the needs phase's pass over the residents (phases/detail/resident_pass.cpp); this
// runs it alone over every resident (the micro-benchmarks time it on its own).
void run_demand(State& sim);

}  // namespace valinta

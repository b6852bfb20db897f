// Phase 3: M2 demand. Contacts per step ~ Poisson(visit_rate[level] x age factor x
// (1 - ohc_offload if covered by occupational health care)). Contacts join the queue of the
// listed producer, in this step's arrival cohort, counted by need level - each with a probability
// that falls with the producer's expected wait (the others go to occupational health care, a
// private clinic or self-care). A resident remembers where their oldest waiting contact queues, so
// M3 can tell them how it was resolved.
#include "valinta/phases/demand.hpp"

#include <algorithm>
#include <cmath>

#include "valinta/model/state.hpp"
#include "valinta/phases/detail/resident_pass.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/util/rng.hpp"

namespace valinta {

double demand_rate(const DemandParams& p, int level, int age_band, bool ohc) {
  return p.visit_rate[level] * p.age_factor[age_band] * (ohc ? 1.0 - p.ohc_offload : 1.0);
}

double induced_visit_factor(const Scenario& s, double expected_wait_weeks, bool public_station) {
  const double fee_share = fee_for_service_incentive(s.payment, 4.5);
  const double up = 1.0 + s.demand.induced_visits * fee_share * std::max(0.0, 1.0 - expected_wait_weeks);
  return public_station ? up : up * (1.0 - s.demand.capitation_visit_pull * (1.0 - fee_share));
}

double join_probability(const DemandParams& p, double expected_wait_weeks) {
  if (p.wait_elasticity == 0) return 1.0;
  return std::pow(1.0 + std::max(0.0, expected_wait_weeks) / p.wait_scale_weeks, -p.wait_elasticity);
}

int joined_contacts(int contacts, double join, double u, double* rest) {
  if (join >= 1.0) {
    if (rest != nullptr) *rest = u;
    return contacts;
  }
  // P(joined <= k), summed from k = 0 until it passes u (the power by multiplication: contacts
  // are few, and this runs for every resident with a contact).
  double term = 1.0;
  for (int c = 0; c < contacts; ++c) term *= 1.0 - join;
  double cumulative = term, below = 0;
  int k = 0;
  while (u >= cumulative && k < contacts) {
    term *= static_cast<double>(contacts - k) / static_cast<double>(k + 1) * join / (1.0 - join);
    ++k;
    below = cumulative;
    cumulative += term;
  }
  if (rest != nullptr) *rest = position_in_bin(u, below, k == contacts ? 1.0 : cumulative);
  return k;
}

JoinBins join_bins(double join) {
  JoinBins bins;
  bins.join = join;
  if (join >= 1.0) return bins;
  for (int contacts = 1; contacts <= kJoinTabled; ++contacts) {
    // joined_contacts's sums, every one of them.
    double term = 1.0;
    for (int c = 0; c < contacts; ++c) term *= 1.0 - join;
    double cumulative = term;
    bins.cdf[contacts][0] = cumulative;
    for (int k = 0; k < contacts; ++k) {
      term *= static_cast<double>(contacts - k) / static_cast<double>(k + 1) * join / (1.0 - join);
      cumulative += term;
      bins.cdf[contacts][k + 1] = cumulative;
    }
  }
  return bins;
}

int joined_from_bins(const JoinBins& bins, int contacts, double u, double* rest) {
  if (bins.join >= 1.0) {
    if (rest != nullptr) *rest = u;
    return contacts;
  }
  const auto& cdf = bins.cdf[static_cast<std::size_t>(contacts)];
  int k = 0;
  while (k < contacts && u >= cdf[static_cast<std::size_t>(k)]) ++k;
  if (rest != nullptr)
    *rest = position_in_bin(u, k == 0 ? 0.0 : cdf[static_cast<std::size_t>(k - 1)],
                            k == contacts ? 1.0 : cdf[static_cast<std::size_t>(k)]);
  return k;
}

Elsewhere elsewhere_for(const DemandParams& p, bool ohc, int income_decile, double u) {
  if (ohc) return Elsewhere::occupational;
  return u < std::min(1.0, p.self_pay_share * income_decile / 5.5) ? Elsewhere::self_pay
                                                                   : Elsewhere::self_care;
}

void run_demand(State& sim) { kernels::run_demand_alone(sim); }

}  // namespace valinta

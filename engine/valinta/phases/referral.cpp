// Phase 5: M4 referral to specialised care. A served visit is referred with probability
// probability[level] x the producer's referral propensity x the payment response; the
// organiser pays cost_eur per referral, except the share cost_share that the rules make the
// referring producer pay. The payment response lowers referrals as that share rises:
// factor = 1 - response x cost_share (response 0: no reaction; 1: proportional).
#include "valinta/phases/referral.hpp"

#include <algorithm>
#include <boost/random/binomial_distribution.hpp>

#include "valinta/model/state.hpp"
#include "valinta/phases/payment.hpp"

namespace valinta {

double referral_payment_response(const ReferralParams& p) {
  return std::max(0.0, 1.0 - p.response * p.cost_share);
}

void run_referral(State& sim) {
  const ReferralParams& rp = sim.scenario.referral;
  const double response =
      referral_payment_response(rp) *
      (1.0 - rp.fee_for_service_substitution * fee_for_service_incentive(sim.scenario.payment, 4.5));
  StepFlows& f = sim.flows;
  const std::int64_t P = static_cast<std::int64_t>(sim.producers.size());
#pragma omp parallel for schedule(static) num_threads(sim.threads())
  for (std::int64_t j = 0; j < P; ++j) {
    const Producer& p = sim.producers[j];
    KeyedEngine engine(sim.rng, Stream::referral, static_cast<std::uint64_t>(j),
                       static_cast<std::uint32_t>(sim.t));
    // Customer plans (M8) lower referrals of plan holders' heavy-level visits: the producer's
    // heavy-level visits are referred less in proportion to its heavy users who hold a plan.
    const double plan_share = f.n_heavy_listed[j] > 0 ? static_cast<double>(f.n_heavy_plan_listed[j]) /
                                                            static_cast<double>(f.n_heavy_listed[j])
                                                      : 0.0;
    std::int64_t referred = 0;
    for (int l = 0; l < kNeedLevels; ++l) {
      const std::int64_t served = f.served[j * kNeedLevels + l];
      double prob = std::min(1.0, rp.probability[l] * p.spec.referral_propensity * response);
      if (l == kNeedLevels - 1) prob *= 1.0 - plan_share * (1.0 - sim.scenario.plans.referral_multiplier);
      if (served > 0 && prob > 0)
        referred += boost::random::binomial_distribution<std::int64_t>(served, prob)(engine);
    }
    // A business unit that is not neutral turns away some of the other producers' referrals.
    std::int64_t refused = 0;
    if (p.sector != Sector::public_sector && rp.favouritism > 0 && referred > 0) {
      KeyedEngine gate(sim.rng, Stream::favouritism, static_cast<std::uint64_t>(j),
                       static_cast<std::uint32_t>(sim.t));
      refused = boost::random::binomial_distribution<std::int64_t>(referred, rp.favouritism)(gate);
    }
    f.referrals[j] = referred - refused;
    f.referrals_refused[j] = refused;
  }
}

}  // namespace valinta

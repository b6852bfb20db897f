#pragma once
// M4 referral of served visits to specialised care.
#include <vector>

#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;

struct ReferralParams {
  std::vector<double> probability;  // per served visit, by need level
  double cost_eur = 600;
  double cost_share = 0;  // share of the referral cost the referring producer pays (rule)
  double response = 0.5;  // how strongly producers' referral propensity falls with that share
  double fee_for_service_substitution = 0.3;  // fewer referrals under fee-for-service pay
  double favouritism = 0;                     // share of other producers' referrals the business unit refuses
};

void declare_referral_params(ParamRegistry& registry, ReferralParams& p);

// The payment-response factor on a producer's referral propensity.
double referral_payment_response(const ReferralParams& p);

void run_referral(Simulation& sim);

}  // namespace valinta

#pragma once
// The parameters of M4 referral: their fields, and their declarations (meaning, unit,
// default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct ReferralParams {
  std::vector<double> probability;  // per served visit, by need level
  double cost_eur{};
  double cost_share{};                    // share of the referral cost the referring producer pays (rule)
  double response{};                      // how strongly producers' referral propensity falls with that share
  double fee_for_service_substitution{};  // fewer referrals under fee-for-service pay
  double favouritism{};                   // share of other producers' referrals the business unit refuses
};

void declare_referral_params(ParamRegistry& registry, ReferralParams& p);

}  // namespace valinta

#pragma once
// The parameters of M8 customer plans: their fields, and their declarations (meaning, unit,
// default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct PlanParams {
  double prob_per_week{};        // chance a heavy user without a plan gets one, per week
  double up_rate_multiplier{};   // on need up-rates of plan holders
  double referral_multiplier{};  // on referrals of plan holders' heavy-level visits
  double continuity_inertia{};   // extra utility of staying, for plan holders
};

void declare_plan_params(ParamRegistry& registry, PlanParams& p);

}  // namespace valinta

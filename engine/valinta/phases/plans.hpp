#pragma once
// M8 customer plans and integration: heavy-need residents get a customer plan; a plan lowers
// escalation (M1) and referral (M4) and favours continuity with one producer (M5).
#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;

struct PlanParams {
  double prob_per_week = 0.0;          // chance a heavy user without a plan gets one, per week
  double up_rate_multiplier = 0.7;     // on need up-rates of plan holders
  double referral_multiplier = 0.8;    // on referrals of plan holders' heavy-level visits
  double continuity_inertia = 1.0;     // extra utility of staying, for plan holders
};

void declare_plan_params(ParamRegistry& registry, PlanParams& p);

void run_plans(Simulation& sim);

}  // namespace valinta

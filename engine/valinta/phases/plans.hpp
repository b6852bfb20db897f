#pragma once
// M8 customer plans and integration: heavy-need residents get a customer plan; a plan lowers
// escalation (M1) and referral (M4) and favours continuity with one producer (M5).

#include "valinta/model/params/plans.hpp"

namespace valinta {

struct State;

// The chance that a heavy user without a plan gets one within a step of `step_weeks` weeks.
double plan_probability(const PlanParams& p, double step_weeks);

// M8 runs in the needs phase's pass over the residents, chunk by chunk right after the chunk's
// need transitions (phases/detail/resident_pass.cpp).

}  // namespace valinta

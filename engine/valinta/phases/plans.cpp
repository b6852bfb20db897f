// M8 customer plans and integration (run in the need phase, right after each chunk's
// transitions: see PlanPass in plans.hpp). Each step a heavy-need resident without a customer
// plan gets one with probability plans.prob_per_week (per week); a plan stays once made. A plan multiplies
// the resident's need up-rates by plans.up_rate_multiplier (M1), the referral probability of plan holders'
// heavy-level visits by plans.referral_multiplier (M4, applied per producer in proportion to its heavy users
// holding a plan) and adds plans.continuity_inertia to staying with the current producer (M5). Indicators:
// the share of heavy users with a plan, and continuity (the share of plan holders' resolved contacts served,
// within the care guarantee, by the producer they are listed at).
#include "valinta/phases/plans.hpp"

#include <cmath>

namespace valinta {

double plan_probability(const PlanParams& p, double step_weeks) {
  return 1.0 - std::pow(1.0 - p.prob_per_week, step_weeks);
}

}  // namespace valinta

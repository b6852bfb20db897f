#include "valinta/model/params/plans.hpp"

namespace valinta {

void declare_plan_params(ParamRegistry& r, PlanParams& p) {
  r.real(
      "plans.prob_per_week", p.prob_per_week, 0.0, probability(),
      {"weekly probability that a heavy-need resident without a customer plan gets one (0: no plans)",
       "per week",
       "HE 16/2018: a customer plan for residents with many services (docs/facts.md, Law: freedom-of-choice "
       "bills); rate assumed"});
  r.real("plans.up_rate_multiplier", p.up_rate_multiplier, 0.7, at_least(0),
         {"multiplier on a plan holder's need up-rates (integrated care slows escalation)", "",
          "assumption (docs/ODD.md 7.8)"});
  r.real("plans.referral_multiplier", p.referral_multiplier, 0.8, at_least(0),
         {"multiplier on referrals of plan holders' heavy-level visits", "", "assumption (docs/ODD.md 7.8)"});
  r.real("plans.continuity_inertia", p.continuity_inertia, 1.0, at_least(0),
         {"extra utility of staying with the current producer for plan holders", "",
          "assumption (docs/ODD.md 7.8)"});
}

}  // namespace valinta

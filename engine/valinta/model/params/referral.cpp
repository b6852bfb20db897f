#include "valinta/model/params/referral.hpp"

namespace valinta {

void declare_referral_params(ParamRegistry& r, ReferralParams& p) {
  r.real_list("referral.probability", p.probability, {0.01, 0.02, 0.06, 0.12}, kNeedLevels, probability(),
              {"probability that a served visit is referred, by need level", "per visit",
               "design value (docs/ODD.md 7.4)"});
  r.real("referral.cost_eur", p.cost_eur, 600, at_least(0),
         {"cost of one referral to specialised care", "EUR", "design value (docs/ODD.md 7.4)"});
  r.real("rules.referral_cost_share", p.cost_share, 0.0, probability(),
         {"share of the referral cost paid by the referring producer", "share",
          "pilots: referrals 'as before', paid by the organiser (docs/facts.md, Pilots: common rules)"});
  r.real("rules.referral_favouritism", p.favouritism, 0, probability(),
         {"share of private and third-sector producers' referrals that the business unit does not accept "
          "(0: neutral routing, as the rules require)",
          "share", "design value (docs/ODD.md 7.4)"});
  r.real("referral.fee_for_service_substitution", p.fee_for_service_substitution, 0.3, probability(),
         {"under fee-for-service pay producers treat more themselves: referrals x (1 - this x the fee share "
          "of pay per visit)",
          "", "assumption; capitation rewards passing costs on, fees reward treating"});
  r.real("referral.response", p.response, 0.5, probability(),
         {"how strongly producers cut referrals when they pay a share of their cost", "",
          "design value (docs/ODD.md 7.4)"});
}

}  // namespace valinta

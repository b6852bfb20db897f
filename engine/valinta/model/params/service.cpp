#include "valinta/model/params/service.hpp"

namespace valinta {

void declare_service_params(ParamRegistry& r, ServiceParams& p) {
  r.real("service.capacity_ratio", p.capacity_ratio, 1.0, at_least(0),
         {"capacity of `auto` producers relative to the expected demand of their initial list", "",
          "assumption: stations sized to their population"});
  r.real(
      "service.flex_max_share", p.flex_max_share, 0.1, between(0, 1),
      {"how much a public station's capacity can flex above its staff's (overtime, locums, moved staff) "
       "when its queue grows: capacity x (1 + this x min(1, expected wait / service.flex_full_weeks))",
       "share",
       "assumption; THL: a 7-day guarantee would need 1,600-2,600 more health-centre doctors (docs/facts.md, "
       "Access: doctor workforce), so the flex is a fraction"});
  r.real("service.flex_full_weeks", p.flex_full_weeks, 4, above(0),
         {"expected wait at which a public station uses all of its flex", "weeks", "assumption"});
  r.real("service.flex_cost_premium", p.flex_cost_premium, 0.5, at_least(0),
         {"extra cost of a visit served on flexed capacity, as a share of the station's cost per visit",
          "share", "assumption: overtime and locum pay"});
  r.real("service.queue_max_weeks", p.queue_max_weeks, 26, Range{0, 520, true},
         {"contacts still waiting at this age go to emergency", "weeks", "assumption"});
  r.real("service.er_threshold_weeks", p.er_threshold_weeks, 4, at_least(0),
         {"waiting longer than this, a contact may go to emergency", "weeks",
          "assumption (design value: 2); in 2015 about 90 % of non-urgent visits were within 30 days and 1 % "
          "over 3 months (docs/facts.md, Access: timeliness of non-urgent care): most who wait are served"});
  r.real(
      "service.er_prob_per_week", p.er_prob_per_week, 0.05, probability(),
      {"weekly probability that a contact past the threshold goes to emergency", "per week",
       "assumption (design value: 0.15, which sent most contacts of a 5-week queue to emergency and capped "
       "every wait at 4-5 weeks; docs/ODD.md section 11)"});
  r.real("service.er_cost_eur", p.er_cost_eur, 250, at_least(0),
         {"organiser's cost of one emergency diversion", "EUR", "design value (docs/ODD.md 7.3.3)"});
  r.real_list(
      "service.emergency_per_year", p.emergency_per_year, {0.05, 0.15, 0.4, 1.0}, kNeedLevels, at_least(0),
      {"baseline emergency visits per resident-year by need level well, light, basic, heavy, whatever the "
       "queues (diversions from a queue come on top), each costing service.er_cost_eur",
       "visits/year", "assumption"});
  r.real("service.doctor_share_public", p.doctor_share_public, 0.3, probability(),
         {"doctor share of visits at public producers", "share",
          "design value; STM interim report 2018 (docs/facts.md, Pilots: who switched and why)"});
  r.real("service.doctor_share_private", p.doctor_share_private, 0.6, probability(),
         {"doctor share of visits at private producers", "share",
          "design value; STM interim report 2018 (docs/facts.md, Pilots: who switched and why)"});
  r.real("service.doctor_share_third_sector", p.doctor_share_third_sector, 0.4, probability(),
         {"doctor share of visits at third-sector producers", "share", "assumption"});
  r.real("service.wait_smoothing", p.wait_smoothing, 0.2, Range{0, 1, true},
         {"weight of the newest backlog/capacity in the expected wait", "", "assumption"});
  r.real("rules.care_guarantee_days", p.care_guarantee_days, 90, at_least(0),
         {"care guarantee for non-urgent primary care: longest acceptable wait", "days",
          "3 months until 8/2023; 14 days from 1.9.2023 (docs/facts.md, Law: care guarantee)"});
  r.real("rules.service_promise_days", p.promise_days, 14, at_least(0),
         {"service promise: the wait the organiser promises for non-urgent visits", "days",
          "service promise of the freedom-of-choice reform; 14 days as in the 2023 care guarantee "
          "(docs/facts.md, Law: care guarantee)"});
  r.real(
      "rules.service_promise_target", p.promise_target, 0.8, probability(),
      {"service promise: share of visits to be served within service_promise_days", "share", "assumption"});
  r.real("service.experience_weight", p.experience_weight, 0.3, Range{0, 1, true},
         {"weight of the newest resolved contact in a resident's experience score", "", "assumption"});
  r.real("service.experience_wait_per_week", p.experience_wait_per_week, 0.25, at_least(0),
         {"experience lost per week waited", "SD/week", "assumption"});
  r.real("service.experience_diverted", p.experience_diverted, -2.0, between(-6, 0),
         {"experience score of a contact sent to emergency", "SD", "assumption"});
}

}  // namespace valinta

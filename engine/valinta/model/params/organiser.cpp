#include "valinta/model/params/organiser.hpp"

namespace valinta {

void declare_organiser_params(ParamRegistry& r, OrganiserParams& p) {
  r.boolean("organiser.enabled", p.enabled, false,
            {"the organiser follows up the service promise (rules.service_promise_days, "
             "rules.service_promise_target) producer by producer and acts on breaches (docs/ODD.md 7.10)",
             "", "off: the promise is an indicator only, as in the pilots"});
  r.real("organiser.review_weeks", p.review_weeks, 4, between(1, 52),
         {"length of a follow-up period: the organiser reviews every producer at its end, over the visits "
          "of the period, and its actions last for the next one",
          "weeks", "assumption: monthly follow-up"});
  r.real("organiser.min_visits", p.min_visits, 20, at_least(0),
         {"fewest visits a producer must have served in a period for the organiser to find it in breach",
          "visits", "assumption: a share over a handful of visits says little"});
  r.real("organiser.satisfaction_target", p.satisfaction_target, -7, between(-7, 7),
         {"lowest mean experience of a producer's listed residents that is not a breach (-7, below the "
          "lowest score: satisfaction is reported, not followed up)",
          "SD", "assumption"});
  r.boolean("organiser.zone_follow_up", p.zone_follow_up, true,
            {"the promise is also followed up zone by zone: a zone whose producers together served fewer "
             "than the target share within the promise (with at least min_visits visits), none of them "
             "in breach on its own, is in breach, and the organiser acts at its public station with the "
             "lowest share, as for a station in breach",
             "",
             "assumption: the promise is made to the residents of an area, so a shortfall is followed up "
             "where they live"});
  r.boolean("organiser.temporary_capacity", p.temporary_capacity, true,
            {"a public station in breach gets temporary capacity for the next period, staffed from the "
             "free workforce",
             "", "assumption: locums and moved staff"});
  r.real("organiser.temporary_capacity_share", p.temporary_capacity_share, 0.1, between(0, 2),
         {"temporary capacity added at a public station in breach, as a share of its base capacity", "share",
          "assumption; THL: a 7-day guarantee would need 1,600-2,600 more health-centre doctors "
          "(docs/facts.md, Access: doctor workforce)"});
  r.real(
      "organiser.temporary_capacity_eur_per_visit", p.temporary_capacity_eur_per_visit, 120, at_least(0),
      {"organiser's cost of a visit of temporary capacity, paid to the station (payment kind "
       "temporary_capacity)",
       "EUR/visit", "assumption: a public visit's cost with the locum premium (service.flex_cost_premium)"});
  r.boolean("organiser.vouchers", p.vouchers, false,
            {"a public station in breach gets capacity bought from private and third-sector producers of "
             "its zone with spare capacity (service vouchers for its waiting residents)",
             "", "Service Voucher Act (docs/facts.md, Pilots: the 2017-2019 programme)"});
  r.real("organiser.voucher_eur_per_visit", p.voucher_eur_per_visit, 80, at_least(0),
         {"organiser's payment per visit of capacity bought by voucher (booked as voucher)", "EUR/visit",
          "assumption"});
  r.boolean(
      "organiser.performance_pay", p.performance_pay, false,
      {"organiser.withheld_share of each producer's capitation is held back and paid at the review "
       "as performance pay to a producer that kept the promise, kept by the organiser otherwise",
       "", "HE 16/2018 incentives; Sweden: a few per cent by indicator (docs/facts.md, Elsewhere: Sweden)"});
  r.real("organiser.withheld_share", p.withheld_share, 0.05, between(0, 0.5),
         {"share of capitation held back until the review", "share",
          "assumption: a few per cent (docs/facts.md, Elsewhere: Sweden)"});
  r.boolean("organiser.publication", p.publication, false,
            {"breaches found at a review are published until the next review: where the organiser publishes "
             "its indicators (rules.information: transparent), residents see them in choice",
             "", "assumption"});
  r.real("organiser.breach_utility", p.breach_utility, -0.5, between(-10, 0),
         {"utility of a producer published in breach, for residents who see published information", "utility",
          "assumption: about half the weight of a standard deviation of quality"});
  r.real("organiser.budget_eur_per_year", p.budget_eur_per_year, 0, at_least(0),
         {"budget of temporary capacity and vouchers per calendar year (0: none); an action that would "
          "exceed what is left is not taken",
          "EUR/year", "assumption"});
}

}  // namespace valinta

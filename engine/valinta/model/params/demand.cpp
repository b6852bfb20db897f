#include "valinta/model/params/demand.hpp"

namespace valinta {

void declare_demand_params(ParamRegistry& r, DemandParams& p) {
  r.real_list("demand.visit_rate", p.visit_rate, {0.010, 0.05, 0.20, 0.60}, kNeedLevels, at_least(0),
              {"primary-care contacts per week by need level well, light, basic, heavy", "contacts/week",
               "design value (docs/ODD.md 7.2)"});
  // Calibrated so that need-driven use follows the age shape of GP visits (SSB Norway 2023:
  // 1.9, 1.6, 2.5, 3.05, 3.4, 3.8, 4.35, 4.4 visits a year in these bands; docs/facts.md, Use:
  // visits by age) and the default population, after occupational health care takes its share,
  // makes 4.5 health-centre contacts per resident-year (Statistics Finland 2018; docs/facts.md,
  // Use: visits). With factors of 1 the need ladder's stationary distribution gives about 2.0
  // contacts a year.
  r.real_list("demand.age_factor", p.age_factor, {2.05, 3.32, 5.25, 5.14, 3.70, 2.29, 1.45, 0.94}, kAgeBands,
              at_least(0),
              {"multiplier on contacts by age band 0-6, 7-17, 18-24, 25-44, 45-64, 65-74, 75-84, 85+", "",
               "calibrated to 4.5 visits/resident-year (docs/facts.md, Use: visits)"});
  r.real(
      "demand.induced_visits", p.induced_visits, 0.4, at_least(0),
      {"producer-induced contacts (e.g. return visits) under fee-for-service pay: contacts x (1 + this x "
       "the fee share of pay per visit x the producer's room, 1 - expected wait in weeks, at least 0)",
       "",
       "assumption: visit volumes rose markedly under the fee-for-service-heavy pay of Stockholm 2008; with "
       "0.4, a fee that is three quarters of pay adds about 30 % more contacts at a producer with room"});
  r.real("demand.capitation_visit_pull", p.capitation_visit_pull, 0.05, between(0, 1),
         {"the opposite pull of capitation: a private or third-sector producer's listed residents make "
          "contacts x (1 - this x (1 - the fee share of pay per visit)); public stations, whose salaried "
          "staff the visit rates describe, feel none",
          "", "assumption: a producer paid per resident gains nothing from return visits"});
  r.real(
      "demand.wait_elasticity", p.wait_elasticity, 0.2, at_least(0),
      {"how strongly contacts shy away from a long queue: a contact joins its producer's queue with "
       "probability (1 + expected wait / demand.wait_scale_weeks)^-this, and otherwise goes to "
       "occupational health care (if covered), private self-pay or self-care (0: every contact joins)",
       "",
       "assumption: waiting-time elasticities of demand for health care are small, of the order of "
       "-0.1 to -0.3; with 0.2, capacity 10 % short of demand gives waits of about 5 days, 30 % short about "
       "5 weeks (docs/ODD.md 7.2)"});
  r.real("demand.wait_scale_weeks", p.wait_scale_weeks, 1.0, above(0),
         {"the wait against which demand.wait_elasticity measures a queue", "weeks", "assumption"});
  r.real("demand.self_pay_share", p.self_pay_share, 0.3, probability(),
         {"share of the contacts that go elsewhere which residents without occupational health care take to "
          "a private clinic at their own cost, at the mean income (x income decile / 5.5, at most 1); the "
          "rest is self-care",
          "share",
          "assumption; private clinics were the best-rated for access (78 % said good, 2007 survey; "
          "docs/facts.md, Access: access by provider)"});
  r.real("demand.ohc_offload", p.ohc_offload, 0.5, probability(),
         {"share of primary-care use that occupational health care takes over", "share",
          "Oulu: EUR 62 vs 127 per resident (docs/facts.md, Use: occupational health care)"});
}

}  // namespace valinta

#include "valinta/model/scenario.hpp"

namespace valinta {

Scenario::Scenario() { set_declared_defaults(*this, declare_scenario_params); }

std::int64_t step_of_day(const Scenario& s, std::int64_t day) {
  const std::int64_t offset = day - s.first_day();
  return offset <= 0 ? 0 : (offset + s.time.step_days - 1) / s.time.step_days;
}

std::int64_t step_containing_day(const Scenario& s, std::int64_t day) {
  const std::int64_t offset = day - s.first_day();
  return offset <= 0 ? 0 : offset / s.time.step_days;
}

std::int64_t day_of_step(const Scenario& s, std::int64_t t) { return s.first_day() + t * s.time.step_days; }

void declare_scenario_params(ParamRegistry& r, Scenario& s) {
  r.text("name", s.name, "unnamed", {"short name of the scenario, stored in the results", "", ""});
  r.text("description", s.description, "", {"what the scenario represents", "", ""});
  r.integer("seed", s.seed, 1, between(0, 4294967295.0),
            {"random seed (the command line's --seed overrides it)", "", ""});

  r.date("time.start_date", s.time.start_date, "2017-02-01",
         {"date of the first step", "date",
          "JYTE pilot began February 2017 (Keskisuomalainen 10/2018; docs/facts.md, Pilots: JYTE)"});
  r.integer("time.steps", s.time.steps, 104, between(1, 30000),
            {"number of steps to simulate", "steps", "two years of weeks"});
  r.integer("time.step_days", s.time.step_days, 7, between(1, 28),
            {"length of a step", "days", "design value: a week (docs/ODD.md 3)"});
  r.real(
      "time.warm_up_weeks", s.time.warm_up_weeks, 52, between(0, 520),
      {"weeks simulated before start_date under the rules then in force (before the pilot, if it starts "
       "on start_date) and not recorded, so that queues, waits, experience, need levels, unmet need and "
       "published information start from where those rules lead rather than from empty queues",
       "weeks", "assumption: a year is long enough for queues and experience to settle (docs/ODD.md 5.2)"});

  r.text_list("pilot.zones", s.pilot.zones, {},
              {"zones whose residents may choose their producer (empty: no pilot)", "zone names",
               "the JYTE pilot covered Jyvaskyla, Hankasalmi and Uurainen (docs/facts.md, Pilots: JYTE)"});
  r.date("pilot.start_date", s.pilot.start_date, "2017-02-01",
         {"first day of free choice (before it, nobody reviews)", "date", "docs/facts.md, Pilots: JYTE"});
  r.date("pilot.end_date", s.pilot.end_date, "2019-10-31",
         {"last day of free choice; listings stay as they are after it", "date",
          "the pilots ran 2017-2019 (docs/facts.md, Pilots: JYTE); the end of October 2019 is assumed"});
  r.integer("pilot.min_age", s.pilot.min_age, 0, between(0, 120),
            {"youngest age eligible to choose", "years", "pilots covered all residents"});
  r.integer("pilot.max_age", s.pilot.max_age, 120, between(0, 120),
            {"oldest age eligible to choose", "years", "pilots covered all residents"});

  declare_population_params(r, s.population);
  declare_producer_params(r, s.producer_defaults);
  declare_need_params(r, s.needs);
  declare_demand_params(r, s.demand);
  declare_service_params(r, s.service);
  declare_referral_params(r, s.referral);
  declare_choice_params(r, s.choice);
  declare_payment_params(r, s.payment);
  declare_plan_params(r, s.plans);
  declare_market_params(r, s.market, s.workforce);
  declare_organiser_params(r, s.organiser);
}

}  // namespace valinta

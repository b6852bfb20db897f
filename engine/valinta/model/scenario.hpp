#pragma once
// A validated, immutable scenario: everything a run needs, with every default filled in.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "valinta/model/params/choice.hpp"
#include "valinta/model/params/demand.hpp"
#include "valinta/model/params/events.hpp"
#include "valinta/model/params/market.hpp"
#include "valinta/model/params/needs.hpp"
#include "valinta/model/params/organiser.hpp"
#include "valinta/model/params/payment.hpp"
#include "valinta/model/params/plans.hpp"
#include "valinta/model/params/population.hpp"
#include "valinta/model/params/producers.hpp"
#include "valinta/model/params/referral.hpp"
#include "valinta/model/params/service.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct TimeParams {
  std::string start_date;
  std::int64_t steps{};
  std::int64_t step_days{};
  double warm_up_weeks{};  // simulated before start_date, not recorded
};

struct PilotParams {
  std::vector<std::string> zones;  // empty: no pilot (nobody is eligible)
  std::string start_date;          // empty: the scenario's start
  std::string end_date;            // empty: runs to the end of the horizon
  std::int64_t min_age{};
  std::int64_t max_age{};
};

struct Scenario {
  Scenario();  // every parameter at its declared default

  std::string name;
  std::string description;
  std::int64_t seed{};
  std::filesystem::path source;  // the scenario file ("" for a scenario built in code)
  std::string source_text;       // the scenario as given (YAML)
  // Every file the scenario was read from: the scenario, the parents it extends and its zones
  // CSV (so that no output of a run can replace one of its own inputs).
  std::vector<std::filesystem::path> inputs;

  TimeParams time;
  PilotParams pilot;
  PopulationParams population;
  NeedParams needs;
  DemandParams demand;
  ServiceParams service;
  ReferralParams referral;
  ChoiceParams choice;
  PaymentParams payment;
  ProducerDefaults producer_defaults;
  PlanParams plans;
  MarketParams market;
  WorkforceParams workforce;
  OrganiserParams organiser;

  std::vector<ZoneSpec> zones;
  std::vector<ProducerSpec> producers;
  std::vector<EventSpec> events;
  std::vector<ChainSpec> chains;

  // Derived on load.
  // Steps are counted from the first simulated step: the warm-up's warm_up_steps come first, and
  // step warm_up_steps is the first recorded one, which begins on start_day.
  std::int64_t start_day = 0;  // days since 1970-01-01 of the first recorded step
  std::int64_t warm_up_steps = 0;
  std::int64_t pilot_start_step = 0;
  std::int64_t pilot_end_step = std::numeric_limits<std::int32_t>::max();
  double step_weeks() const { return static_cast<double>(time.step_days) / 7.0; }
  std::int64_t total_steps() const { return warm_up_steps + time.steps; }
  std::int64_t first_day() const { return start_day - warm_up_steps * time.step_days; }  // of the warm-up
};

// The first step that starts on or after a calendar day (0 for days before the first simulated
// step): where a period that begins on that day begins.
std::int64_t step_of_day(const Scenario& s, std::int64_t day);
// The step whose days contain a calendar day (0 for days before the first simulated step): when
// an event dated that day happens.
std::int64_t step_containing_day(const Scenario& s, std::int64_t day);
// The first day of step t (a warm-up step's day is before start_date).
std::int64_t day_of_step(const Scenario& s, std::int64_t t);
// The step as the results count it (0: the first recorded step; negative in the warm-up).
inline std::int64_t recorded_step(const Scenario& s, std::int64_t t) { return t - s.warm_up_steps; }

// Declares every scalar parameter of the scenario on `registry`, bound to `s`.
void declare_scenario_params(ParamRegistry& registry, Scenario& s);

}  // namespace valinta

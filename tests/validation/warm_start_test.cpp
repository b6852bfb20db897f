// The warm-up (docs/ODD.md 5.2): time.warm_up_weeks are simulated before time.start_date and not
// recorded. The results keep their axis (time.steps rows from start_date); the simulated timeline
// starts earlier, so dated things keep their dates; the market waits for the recorded period; and
// a run without a pilot starts its recorded period from where the rules lead, with no drift in
// waits, queues, emergency use and heavy users.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <string>

#include "support/test_support.hpp"
#include "valinta/run/run_loop.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

std::string region(const std::string& extra) {
  return "name: warm\n"
         "time: {start_date: 2017-02-01, steps: 20, step_days: 7, " +
         extra +
         "}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.40, lon: 26.43}\n"
         "pilot: {zones: [A]}\n"
         "rules: {min_listing_months: 1}\n"
         "producers:\n"
         "  - {name: StationA, zone: A}\n"
         "  - {name: StationB, zone: B}\n"
         "  - {name: Clinic, sector: private, zone: A, capacity_per_week: 50, opens: 2016-11-02}\n";
}

TEST(WarmUp, StepsAreCountedFromTheWarmUpAndRecordedFromTheStart) {
  const Scenario s = test::scenario_from_yaml(region("warm_up_weeks: 10"));
  EXPECT_EQ(s.warm_up_steps, 10);
  EXPECT_EQ(s.total_steps(), 30);
  EXPECT_EQ(s.pilot_start_step, 10);  // the pilot starts on start_date
  EXPECT_EQ(day_of_step(s, 10), s.start_day);
  EXPECT_EQ(recorded_step(s, 10), 0);
  Simulation sim(s, {1, 0, 1});
  // The clinic opened on 2016-11-02, before the warm-up's first day (2016-11-23): open throughout.
  EXPECT_TRUE(sim.producers[2].active);
  run_to_end(sim, {});
  EXPECT_EQ(sim.t, 30);
  EXPECT_EQ(sim.recorder.steps(), 20u);
}

TEST(WarmUp, ADailyStepWarmUpRoundsUpToWholeSteps) {
  const Scenario s = test::scenario_from_yaml(
      "name: daily\ntime: {start_date: 2017-02-01, steps: 30, step_days: 3, warm_up_weeks: 2}\n"
      "zones:\n  - {name: A, population: 100, lat: 62.24, lon: 25.75}\n");
  EXPECT_EQ(s.warm_up_steps, 5);  // 14 days in steps of 3
}

TEST(WarmUp, ProducersOpeningInTheWarmUpOpenThere) {
  // Opening 2017-01-04: four weeks before the start, inside a ten-week warm-up.
  std::string yaml = region("warm_up_weeks: 10");
  yaml.replace(yaml.find("2016-11-02"), 10, "2017-01-04");
  const Scenario s = test::scenario_from_yaml(yaml);
  Simulation sim(s, {1, 0, 1});
  EXPECT_FALSE(sim.producers[2].active);
  while (sim.t < 6) sim.step();
  EXPECT_FALSE(sim.producers[2].active);
  sim.step();  // step 6 contains 2017-01-04
  EXPECT_TRUE(sim.producers[2].active);
  ASSERT_FALSE(sim.event_log.empty());
  EXPECT_NE(sim.event_log.back().find("2017-01-04 step -4"), std::string::npos) << sim.event_log.back();
}

TEST(WarmUp, TooManyStepsForSixteenBitsAreRefused) {
  try {
    test::scenario_from_yaml(
        "name: long\ntime: {start_date: 2017-02-01, steps: 30000, step_days: 1, warm_up_weeks: 520}\n"
        "zones:\n  - {name: A, population: 100, lat: 62.24, lon: 25.75}\n");
    FAIL() << "33,640 steps were accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("time.warm_up_weeks"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("at most 32000"), std::string::npos) << e.what();
  }
}

// The market waits for the recorded period: no entry, exit or change of capacity in the warm-up.
TEST(WarmUp, TheMarketActsOnlyInTheRecordedPeriod) {
  const Scenario s = test::scenario_from_yaml(
      region("warm_up_weeks: 30") +
      "market: {enabled: true, min_zone_population: 1000, capacity_adjustment: true}\n"
      // (The pay response of capacity, which runs in the warm-up, is off: tests/levers/capacity_pay_test.)
      "workforce: {fee_capacity_growth: 0, capitation_capacity_pull: 0}\n"
      "chains:\n  - {name: Chain, sector: private, capacity_per_week: 30}\n");
  Simulation sim(s, {1, 0, 1});
  std::vector<double> capacity;
  for (const Producer& p : sim.producers) capacity.push_back(p.capacity_per_week);
  while (sim.t < s.warm_up_steps) sim.step();
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    EXPECT_EQ(sim.producers[j].capacity_per_week, capacity[j]) << sim.producers[j].spec.name;
    EXPECT_EQ(sim.producers[j].active, j < 3) << sim.producers[j].spec.name;
  }
}

// Means of the first and the last quarter (13 steps) of some recorded indicators of the default
// region without a pilot.
struct Drift {
  double first = 0, last = 0;
  double change() const { return first != 0 ? last / first - 1 : (last == 0 ? 0 : 1e9); }
};
std::map<std::string, Drift> drift_without_pilot(int warm_up_weeks) {
  const std::filesystem::path scenarios = std::filesystem::path(VALINTA_TEST_DIR) / ".." / "scenarios";
  const Scenario s = load_scenario(scenarios / "keski-suomi.yaml",
                                   {"pilot.zones=[]", "time.warm_up_weeks=" + std::to_string(warm_up_weeks)});
  Simulation sim(s, {static_cast<std::uint64_t>(s.seed), 0, 2});
  run_to_end(sim, {});
  std::map<std::string, Drift> out;
  const auto mean = [&](const std::string& name, std::size_t from) {
    const Recorder::Series& series = sim.recorder.at(name);
    double total = 0;
    for (std::size_t t = from; t < from + 13; ++t)
      for (std::size_t k = 0; k < series.row_length; ++k) {
        const std::size_t at = t * series.row_length + k;
        total += series.integer ? static_cast<double>(series.count[at]) : series.real[at];
      }
    return total / 13;
  };
  const std::size_t last = sim.recorder.steps() - 13;
  for (const char* name : {"wait_mean_days_all", "n_queue_by_sector", "new_er_diversions_all",
                           "new_er_baseline_all", "n_heavy", "new_contacts_elsewhere"})
    out[name] = {mean(name, 0), mean(name, last)};
  return out;
}

// Stationary under the rules: after the default warm-up a run without a pilot keeps its waits,
// queues, emergency use, heavy users and contacts gone elsewhere over its two years within these
// tolerances (relative change of the last quarter's mean against the first's). The tolerances
// cover sampling noise of a region of 270,000 residents; without a warm-up the same run drifts
// far beyond them (queues start empty: in one run the contacts turned away doubled).
TEST(WarmUp, ARunWithoutAPilotDoesNotDrift) {
  const std::map<std::string, double> tolerance = {{"wait_mean_days_all", 0.10},
                                                   {"n_queue_by_sector", 0.10},
                                                   {"new_er_baseline_all", 0.06},
                                                   {"n_heavy", 0.02},
                                                   {"new_contacts_elsewhere", 0.10}};
  const auto warm = drift_without_pilot(52);
  for (const auto& [name, limit] : tolerance)
    EXPECT_LT(std::abs(warm.at(name).change()), limit)
        << name << ": first quarter " << warm.at(name).first << ", last " << warm.at(name).last;
  // Diversions are rare once queues settle: at most a few per week, first quarter or last.
  EXPECT_LT(warm.at("new_er_diversions_all").first, 10);
  EXPECT_LT(warm.at("new_er_diversions_all").last, 10);

  const auto cold = drift_without_pilot(0);
  EXPECT_GT(std::abs(cold.at("new_contacts_elsewhere").change()), 3 * tolerance.at("new_contacts_elsewhere"))
      << "without a warm-up the queues start empty, and the contacts they turn away grow";
}

}  // namespace
}  // namespace valinta

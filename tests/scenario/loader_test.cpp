// Reading scenarios (scenario/loader.cpp, validate.cpp, data_files.cpp, yaml_values.cpp): a
// scenario is validated completely before anything runs; every error is reported as
// file:line:col: error: key: message, with did-you-mean for unknown keys, and counted at the
// end (docs/architecture.md). One small failing fixture per error kind, and a test of its message.
#include "valinta/input/loader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace valinta {
namespace {

const std::string kZone = "zones: [{name: Aa, population: 100, lat: 62.24, lon: 25.75}]\n";

// The diagnostics of a scenario that must fail to load.
std::vector<Diagnostic> errors_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_text(yaml, "fixture.yaml", overrides);
  } catch (const ScenarioError& e) {
    return e.diagnostics().list();
  }
  ADD_FAILURE() << "expected the scenario to be rejected:\n" << yaml;
  return {};
}

// Exactly one error, for `key`, whose message contains `message`, at line:column (0: unchecked).
void expect_one_error(const std::string& yaml, const std::string& key, const std::string& message,
                      int line = 0, int column = 0) {
  const std::vector<Diagnostic> errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1u) << (errors.empty() ? ""
                                                  : errors[0].format() +
                                                        (errors.size() > 1 ? "\n" + errors[1].format() : ""));
  EXPECT_EQ(errors[0].key, key);
  EXPECT_NE(errors[0].message.find(message), std::string::npos) << errors[0].format();
  EXPECT_EQ(errors[0].file, "fixture.yaml");
  if (line > 0) {
    EXPECT_EQ(errors[0].line, line) << errors[0].format();
    EXPECT_EQ(errors[0].column, column) << errors[0].format();
  }
}

TEST(Loader, MinimalScenarioGetsEveryDefault) {
  const Scenario s = load_scenario_text(kZone, "fixture.yaml");
  EXPECT_EQ(s.time.steps, 104);
  EXPECT_EQ(s.time.step_days, 7);
  EXPECT_DOUBLE_EQ(s.choice.b_wait, -0.5);
  EXPECT_DOUBLE_EQ(s.choice.inertia, 3.0);
  EXPECT_EQ(s.needs.up_rate, (std::vector<double>{0.004, 0.003, 0.002}));
  EXPECT_EQ(s.zones.size(), 1u);
  EXPECT_EQ(s.start_day, 17198);  // 2017-02-01
}

TEST(LoaderErrors, UnknownKeySuggestsTheClosestName) {
  expect_one_error(kZone + "choice:\n  b_wiat: -1\n", "choice.b_wiat",
                   "unknown key; did you mean 'choice.b_wait'?", 3, 3);
  expect_one_error(kZone + "chioce: {b_wait: -1}\n", "chioce", "did you mean 'choice'?", 2, 1);
  expect_one_error(kZone + "producers: [{name: X, zone: Aa, capcity_per_week: 3}]\n",
                   "producers[0].capcity_per_week", "did you mean 'capacity_per_week'?");
}

TEST(LoaderErrors, UnknownKeyWithoutACloseNameListsTheAllowedOnes) {
  expect_one_error(kZone + "time: {qqqqqqqqqq: 1}\n", "time.qqqqqqqqqq",
                   "allowed here: start_date, step_days, steps");
}

TEST(LoaderErrors, OutOfRange) {
  expect_one_error(kZone + "rules: {min_listing_months: -3}\n", "rules.min_listing_months",
                   "must be >= 0 (got '-3')", 2, 29);
  expect_one_error(kZone + "choice: {b_wait: 0.5}\n", "choice.b_wait", "must be <= 0");
  expect_one_error(kZone + "time: {step_days: 29}\n", "time.step_days", "between 1 and 28");
  expect_one_error(kZone + "needs: {up_rate: [0.1, 1.5, 0.1]}\n", "needs.up_rate[1]", "between 0 and 1");
  expect_one_error(kZone + "choice: {publication_interval_days: 0}\n", "choice.publication_interval_days",
                   "> 0");
}

TEST(LoaderErrors, NotANumberOrInfinite) {
  expect_one_error(kZone + "choice: {b_fee: .nan}\n", "choice.b_fee", "must be a finite number (got NaN)");
  expect_one_error(kZone + "choice: {b_fee: .inf}\n", "choice.b_fee", "must be a finite number");
  expect_one_error(kZone + "choice: {b_fee: -.inf}\n", "choice.b_fee", "must be a finite number");
  expect_one_error(kZone + "demand: {visit_rate: [0.01, .nan, 0.2, 0.6]}\n", "demand.visit_rate[1]",
                   "finite");
  expect_one_error(kZone + "service: {er_cost_eur: 1e999}\n", "service.er_cost_eur", "out of the range");
}

TEST(LoaderErrors, WrongType) {
  expect_one_error(kZone + "time: {steps: many}\n", "time.steps", "must be a whole number (got 'many')");
  expect_one_error(kZone + "time: {steps: 10.5}\n", "time.steps", "whole number");
  expect_one_error(kZone + "choice: {b_wait: [1, 2]}\n", "choice.b_wait", "must be a number (got a list)");
  expect_one_error(kZone + "choice: {b_wait: fast}\n", "choice.b_wait", "must be a number (got 'fast')");
  expect_one_error(kZone + "rules: {risk_adjustment: maybe}\n", "rules.risk_adjustment", "true or false");
  expect_one_error(kZone + "needs: {down_rate: 0.1}\n", "needs.down_rate", "must be a list of 3 numbers");
  expect_one_error(kZone + "needs: {down_rate: [0.1, 0.1]}\n", "needs.down_rate",
                   "must have 3 values (got 2)");
  expect_one_error(kZone + "choice: 3\n", "choice", "must be a mapping of settings");
  expect_one_error(
      kZone + "rules: {information: transparant}\n", "rules.information",
      "must be one of transparent, word_of_mouth, none (got 'transparant'); did you mean 'transparent'?");
}

// Known bug (scenario/yaml_values.cpp, range_text): a range open at its lower end, such as
// service.experience_weight in (0, 1], is described as "between 0 and 1", so rejecting 0 reads
// "must be between 0 and 1 (got '0')". Enable when the message names the open end.
TEST(LoaderErrors, HalfOpenRangeMessageNamesItsOpenEnd) {
  expect_one_error(kZone + "service: {experience_weight: 0}\n", "service.experience_weight", "> 0");
}

// yaml-cpp accepts duplicate keys silently; Valinta reports them.
TEST(LoaderErrors, DuplicateKeys) {
  expect_one_error(kZone + "choice: {b_wait: -1}\nchoice: {b_fee: 0}\n", "choice", "duplicate key", 3, 1);
  expect_one_error(kZone + "choice:\n  b_wait: -1\n  b_wait: -2\n", "choice.b_wait", "duplicate key", 4, 3);
  expect_one_error(kZone + "choice: {b_wait: -1, b_wait: -2}\n", "choice.b_wait", "duplicate key");
  expect_one_error(kZone + "producers: [{name: X, zone: Aa, quality: 1, quality: 2}]\n",
                   "producers[0].quality", "duplicate key");
}

TEST(LoaderErrors, BadDates) {
  expect_one_error(kZone + "time: {start_date: 2017-02-30}\n", "time.start_date",
                   "must be a date YYYY-MM-DD from 1900-01-01 to 2200-12-31 (got '2017-02-30')");
  expect_one_error(kZone + "time: {start_date: 2017-2-1}\n", "time.start_date", "YYYY-MM-DD");
  expect_one_error(kZone + "pilot: {end_date: yesterday}\n", "pilot.end_date", "YYYY-MM-DD");
  expect_one_error(kZone + "pilot: {start_date: 2018-01-01, end_date: 2017-12-31}\n", "pilot.end_date",
                   "must not be before pilot.start_date");
  expect_one_error(kZone + "time: {steps: 10}\npilot: {start_date: 2019-01-01}\n", "pilot.start_date",
                   "is after the simulated horizon");
}

TEST(LoaderErrors, CrossChecks) {
  expect_one_error(kZone + "population: {age_band_shares: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]}\n",
                   "population.age_band_shares", "shares must sum to 1 (got 0.8)");
  expect_one_error(kZone + "time: {steps: 10}\npilot: {zones: [Aa]}\n", "rules.min_listing_months",
                   "must not be longer than the whole run");
  expect_one_error(kZone + "pilot: {zones: [aa]}\n", "pilot.zones[0]",
                   "unknown zone 'aa'; did you mean 'Aa'?");
  expect_one_error(kZone + "producers: [{name: X, zone: Bb}]\n", "producers[0].zone", "unknown zone 'Bb'");
  expect_one_error(kZone + "producers: [{name: X, zone: Aa}, {name: X, zone: Aa}]\n", "producers[1].name",
                   "appears more than once");
  expect_one_error(kZone + "producers: [{name: X, zone: Aa, lat: 62.1}]\n", "producers[0]",
                   "give both lat and lon");
  expect_one_error("name: nozones\n", "zones", "no zones");
  expect_one_error("zones: [{name: Aa, population: 100, lat: 62}]\n", "zones[0].lon", "is required");
  expect_one_error("zones: [{name: Aa, population: 0, lat: 62, lon: 25}]\n", "population",
                   "the population is empty");
}

// Every error is collected (never just the first), in file order, and counted at the end.
TEST(LoaderErrors, AllErrorsAreCollectedAndCounted) {
  const std::string yaml =
      kZone + "time: {steps: many}\nchoice: {b_wiat: 1, inertia: -1}\nrules: {information: x}\n";
  try {
    load_scenario_text(yaml, "fixture.yaml");
    FAIL() << "expected errors";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 4u);
    const std::string text = e.what();
    EXPECT_NE(text.find("fixture.yaml:2:15: error: time.steps: must be a whole number (got 'many')\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("fixture.yaml:3:10: error: choice.b_wiat: unknown key"), std::string::npos) << text;
    EXPECT_EQ(text.substr(text.size() - 8), "4 errors");
  }
}

TEST(LoaderErrors, InvalidYamlAndMissingFile) {
  expect_one_error(kZone + "choice: {b_wait: -1\n", "", "invalid YAML");
  expect_one_error("- just\n- a list\n", "", "a scenario must be a mapping");
  try {
    load_scenario("/nonexistent/valinta/scenario.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("no such scenario file"), std::string::npos);
  }
}

// --set KEY=VALUE overrides apply on top of the file and are validated like it.
TEST(LoaderOverrides, ApplyAndAreValidated) {
  const Scenario s =
      load_scenario_text(kZone + "choice: {b_wait: -1}\n", "fixture.yaml",
                         {"choice.b_wait=-2", "needs.up_rate=[0.1, 0.1, 0.1]", "rules.information=none"});
  EXPECT_DOUBLE_EQ(s.choice.b_wait, -2);
  EXPECT_EQ(s.needs.up_rate, (std::vector<double>{0.1, 0.1, 0.1}));
  EXPECT_EQ(s.choice.information, Information::none);
  const auto errors = errors_of(kZone, {"choice.b_wiat=-2", "choice.inertia=-1", "nonsense"});
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].file, "--set");
  EXPECT_NE(errors[0].message.find("did you mean 'choice.b_wait'?"), std::string::npos);
  EXPECT_NE(errors[1].message.find("must be >= 0"), std::string::npos);
  EXPECT_NE(errors[2].message.find("KEY=VALUE"), std::string::npos);
}

// The resolved scenario (every default written out) loads back to the same scenario.
TEST(Loader, ResolvedYamlRoundTrips) {
  const Scenario s = load_scenario_text(kZone +
                                            "choice: {b_wait: -0.75}\nproducers: [{name: C, sector: private, "
                                            "zone: Aa, lat: 62.3, lon: 25.8}]\n",
                                        "fixture.yaml");
  const std::string resolved = resolved_yaml(s);
  const Scenario again = load_scenario_text(resolved, "fixture.yaml");
  EXPECT_EQ(resolved_yaml(again), resolved);
  EXPECT_DOUBLE_EQ(again.choice.b_wait, -0.75);
  ASSERT_EQ(again.producers.size(), 1u);
  EXPECT_DOUBLE_EQ(again.producers[0].lat, 62.3);
}

// Names with characters YAML gives meaning to (quotes, backslashes, colons, brackets, a leading
// dash, letters beyond ASCII), zones, producers, chains and rule changes: the resolved text
// loads back to the same names, numbers and events, and resolves to itself again.
TEST(Loader, ResolvedYamlKeepsNamesAndListsExactly) {
  const std::string odd = R"(Clinic \"A\": [x], {y} - #1 \\ Jyväskylä)";
  const Scenario s = load_scenario_text(
      "zones:\n"
      "  - {name: \"Zone: 'Ä'\", population: 1234, lat: 62.396007, lon: 26.43071, spread_km: 3.5}\n"
      "  - {name: B, population: 10, lat: 61.1, lon: 25.0}\n"
      "pilot: {zones: [\"Zone: 'Ä'\"]}\n"
      "producers: [{name: \"" +
          odd +
          "\", sector: private, zone: \"Zone: 'Ä'\", lat: 62.3, lon: 25.8}]\n"
          "market: {enabled: true}\n"
          "chains: [{name: \"- chain, \\\"quoted\\\"\", sector: third_sector}]\n"
          "events: [{date: 2017-06-01, type: rule_change, set: {rules.min_listing_months: 12, choice.b_wait: "
          "-0.25}}]\n",
      "fixture.yaml");
  const std::string resolved = resolved_yaml(s);
  const Scenario again = load_scenario_text(resolved, "fixture.yaml");
  EXPECT_EQ(resolved_yaml(again), resolved);
  ASSERT_EQ(again.zones.size(), 2u);
  EXPECT_EQ(again.zones[0].name, "Zone: 'Ä'");
  EXPECT_EQ(again.zones[0].population, 1234);
  EXPECT_EQ(again.zones[0].lat, 62.396007);
  EXPECT_EQ(again.zones[0].spread_km, 3.5);
  ASSERT_EQ(again.producers.size(), 1u);
  EXPECT_EQ(again.producers[0].name, s.producers[0].name);
  EXPECT_NE(again.producers[0].name.find("\\"), std::string::npos);
  ASSERT_EQ(again.chains.size(), 1u);
  EXPECT_EQ(again.chains[0].name, "- chain, \"quoted\"");
  ASSERT_EQ(again.events.size(), 1u);
  EXPECT_EQ(again.events[0].set, s.events[0].set);
}

// The built-in default scenario is valid, and its pilot timeline is derived in steps.
TEST(Loader, DefaultScenarioLoads) {
  const Scenario s = load_scenario(default_scenario_path());
  EXPECT_FALSE(s.zones.empty());
  EXPECT_FALSE(s.pilot.zones.empty());
  EXPECT_EQ(s.pilot_start_step, s.warm_up_steps);  // the pilot begins on the first recorded step
  EXPECT_EQ(s.warm_up_steps, 52);
  EXPECT_GT(s.pilot_end_step, s.total_steps());  // the pilot ran to October 2019
}

}  // namespace
}  // namespace valinta

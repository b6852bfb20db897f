// Cross-checks made once a scenario is loaded (scenario/validate.cpp) that refuse what the model
// would otherwise run without a word, and wrongly: a producer that closes before anyone could use
// it, a region where at some date no public station is open (residents' home stations, where
// everyone not choosing is listed and where a closed unit's queue goes), and a pilot zone listed
// twice.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "valinta/input/loader.hpp"

namespace valinta {
namespace {

// Two zones, weekly steps from 2017-02-01, and `extra` YAML.
std::string region(const std::string& extra) {
  return "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
         "zones:\n"
         "  - {name: North, population: 4000, lat: 62.24, lon: 25.75}\n"
         "  - {name: South, population: 2000, lat: 62.40, lon: 26.43}\n" +
         extra;
}

std::vector<Diagnostic> errors_of(const std::string& yaml) {
  try {
    load_scenario_text(yaml, "fixture.yaml");
  } catch (const ScenarioError& e) {
    return e.diagnostics().list();
  }
  return {};
}

// Exactly one error, for `key`, at line:column, whose message contains each of `words`.
void expect_one_error(const std::string& yaml, const std::string& key, int line, int column,
                      const std::vector<std::string>& words) {
  const std::vector<Diagnostic> errors = errors_of(yaml);
  ASSERT_EQ(errors.size(), 1u) << "expected one error for " << key << " in:\n"
                               << yaml << "\ngot:\n"
                               << (errors.empty() ? "none" : errors[0].format());
  EXPECT_EQ(errors[0].key, key) << errors[0].format();
  EXPECT_EQ(errors[0].line, line) << errors[0].format();
  EXPECT_EQ(errors[0].column, column) << errors[0].format();
  for (const std::string& word : words)
    EXPECT_NE(errors[0].message.find(word), std::string::npos)
        << "'" << word << "' missing from " << errors[0].format();
}

void expect_valid(const std::string& yaml) {
  const std::vector<Diagnostic> errors = errors_of(yaml);
  EXPECT_TRUE(errors.empty()) << errors.front().format() << "\nin:\n" << yaml;
}

// A unit whose closing date falls in the first step closes at that step's start, before any
// contact or choice: it would never be open. The message says from when a closing date counts.
TEST(ValidateProducers, ClosingOnOrBeforeTheFirstStepIsRefused) {
  const std::string producer = "producers:\n  - {name: Clinic, sector: private, zone: North, closes: ";
  for (const std::string date : {"2017-02-01", "2016-12-31", "2017-02-07"})
    expect_one_error(region(producer + date + "}\n"), "producers[0].closes", 6, 58,
                     {"never open", "2017-02-08", "got " + date});
  expect_valid(region(producer + "2017-02-08}\n"));
  // With daily steps the first step is the start date alone.
  const std::string daily = "time: {start_date: 2017-02-01, steps: 365, step_days: 1}\n";
  std::string yaml = region(producer + "2017-02-02}\n");
  yaml.replace(0, yaml.find('\n') + 1, daily);
  expect_valid(yaml);
}

// Both zones have a public station of their own listed (so neither gets the automatic one); when
// the last of them closes, nobody has a home station left.
TEST(ValidateProducers, NoPublicStationLeftOpenIsRefused) {
  const std::string stations =
      "producers:\n"
      "  - {name: North station, zone: North, closes: 2017-06-01}\n"
      "  - {name: South station, zone: South, closes: 2017-09-01}\n";
  expect_one_error(region(stations), "producers[1].closes", 7, 48,
                   {"no public station", "South station", "2017-09-01"});
  // One of them stays open.
  expect_valid(
      region("producers:\n"
             "  - {name: North station, zone: North, closes: 2017-06-01}\n"
             "  - {name: South station, zone: South}\n"));
  // A zone without a public station of its own gets the automatic one, which never closes.
  expect_valid(region("producers:\n  - {name: North station, zone: North, closes: 2017-06-01}\n"));
  // A station that opens before the last one closes takes over; one that opens later leaves a gap.
  expect_valid(
      region(stations + "  - {name: New station, zone: South, capacity_per_week: 100, opens: 2017-08-01}\n"));
  expect_one_error(
      region(stations + "  - {name: New station, zone: South, capacity_per_week: 100, opens: 2017-10-01}\n"),
      "producers[1].closes", 7, 48, {"no public station"});
  // A `close` event counts like a closing date.
  expect_one_error(region("producers:\n"
                          "  - {name: North station, zone: North, closes: 2017-06-01}\n"
                          "  - {name: South station, zone: South}\n"
                          "events: [{date: 2017-09-01, type: close, producer: South station}]\n"),
                   "events[0]", 8, 10, {"no public station", "South station"});
  // Private units do not count: they are nobody's home station.
  expect_one_error(region(stations + "  - {name: Clinic, sector: private, zone: South}\n"),
                   "producers[1].closes", 7, 48, {"no public station"});
}

TEST(ValidatePilot, ZoneListedTwiceIsRefusedNamingBothPositions) {
  expect_one_error(region("pilot:\n  zones: [North, South, North]\n"), "pilot.zones[2]", 6, 25,
                   {"zone 'North'", "pilot.zones[0]", "pilot.zones[2]", "once"});
  expect_valid(region("pilot:\n  zones: [North, South]\n"));
}

}  // namespace
}  // namespace valinta

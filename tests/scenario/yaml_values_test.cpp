// Values as read from a scenario's YAML (scenario/yaml_values.cpp): a date out of the supported
// range says which dates are allowed, and text that is not UTF-8, or holds a NUL character, is
// refused where it was written, wherever in the scenario it is (the results file stores names and
// the scenario as UTF-8 strings, which readers such as h5py cannot decode otherwise; a NUL would
// cut a name short).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "valinta/input/loader.hpp"

namespace valinta {
namespace {

const std::string kZones =
    "zones:\n"
    "  - {name: North, population: 4000, lat: 62.24, lon: 25.75}\n"
    "  - {name: South, population: 2000, lat: 62.40, lon: 26.43}\n";

std::vector<Diagnostic> errors_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario_text(yaml, "fixture.yaml", overrides);
  } catch (const ScenarioError& e) {
    return e.diagnostics().list();
  }
  return {};
}

// Exactly one error, for `key` (at line:column unless line is 0), whose message contains `words`.
void expect_one_error(const std::vector<Diagnostic>& errors, const std::string& key, int line, int column,
                      const std::vector<std::string>& words) {
  ASSERT_EQ(errors.size(), 1u) << "expected one error for " << key << "; got "
                               << (errors.empty() ? "none"
                                                  : errors[0].format() + " and " +
                                                        std::to_string(errors.size() - 1) + " more");
  EXPECT_EQ(errors[0].key, key) << errors[0].format();
  if (line > 0) {
    EXPECT_EQ(errors[0].line, line) << errors[0].format();
    EXPECT_EQ(errors[0].column, column) << errors[0].format();
  }
  for (const std::string& word : words)
    EXPECT_NE(errors[0].message.find(word), std::string::npos)
        << "'" << word << "' missing from " << errors[0].format();
}

// --- dates

TEST(YamlDates, OutOfRangeDateSaysWhichDatesAreAllowed) {
  expect_one_error(errors_of(kZones + "time: {start_date: 1800-01-01}\n"), "time.start_date", 4, 20,
                   {"1900-01-01", "2200-12-31", "got '1800-01-01'"});
  expect_one_error(errors_of(kZones + "pilot: {end_date: 2201-01-01}\n"), "pilot.end_date", 0, 0,
                   {"1900-01-01", "2200-12-31", "got '2201-01-01'"});
  expect_one_error(
      errors_of(kZones +
                "producers: [{name: Clinic, zone: North, capacity_per_week: 9, opens: 1899-12-31}]\n"),
      "producers[0].opens", 0, 0, {"1900-01-01", "2200-12-31"});
  expect_one_error(errors_of(kZones + "events: [{date: 1800-01-01, type: campaign, share: 0.1}]\n"),
                   "events[0].date", 0, 0, {"1900-01-01", "2200-12-31"});
  // A malformed date gets the same description of what is allowed.
  expect_one_error(errors_of(kZones + "time: {start_date: 2017-02-30}\n"), "time.start_date", 0, 0,
                   {"YYYY-MM-DD", "1900-01-01", "2200-12-31"});
}

// The range the messages state is the one dates are parsed with.
TEST(YamlDates, StatedRangeIsTheParsedRange) {
  std::int64_t day = 0;
  EXPECT_TRUE(parse_iso_date("1900-01-01", day));
  EXPECT_TRUE(parse_iso_date("2200-12-31", day));
  EXPECT_FALSE(parse_iso_date("1899-12-31", day));
  EXPECT_FALSE(parse_iso_date("2201-01-01", day));
}

// Every date parameter of a scenario, set out of range from the command line.
TEST(YamlDates, EveryDateParameterStatesTheRange) {
  Scenario scratch;
  ParamRegistry registry;
  declare_scenario_params(registry, scratch);
  int dates = 0;
  for (const Param& p : registry.params()) {
    if (p.kind != ParamKind::date) continue;
    ++dates;
    const std::vector<Diagnostic> errors = errors_of(kZones, {p.key + "=1800-01-01"});
    ASSERT_FALSE(errors.empty()) << p.key;
    EXPECT_EQ(errors[0].key, p.key);
    EXPECT_NE(errors[0].message.find("from 1900-01-01 to 2200-12-31"), std::string::npos)
        << errors[0].format();
  }
  EXPECT_GE(dates, 3);
}

// --- text

// A choice is resolved to its enum when the scenario is read, and a name outside the allowed ones
// is refused at its position with the allowed names (a chain is private or third-sector).
TEST(YamlChoices, AChoiceIsResolvedToItsEnumOrRefusedWithTheAllowedNames) {
  const Scenario s = load_scenario_text(kZones +
                                            "rules: {information: none, voucher_services: doctor, "
                                            "default_assignment: nearest}\n"
                                            "producers:\n  - {name: P, zone: North, sector: third_sector}\n"
                                            "events: [{date: 2017-03-01, type: campaign}]\n",
                                        "fixture.yaml", {});
  EXPECT_EQ(s.choice.information, Information::none);
  EXPECT_EQ(s.payment.voucher_services, VoucherServices::doctor);
  EXPECT_EQ(s.choice.default_assignment, DefaultAssignment::nearest);
  ASSERT_EQ(s.producers.size(), 1u);
  EXPECT_EQ(s.producers[0].sector, Sector::third_sector);
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].type, EventType::campaign);
  expect_one_error(errors_of(kZones + "chains:\n  - {name: C, sector: public}\n"), "chains[0].sector", 5, 23,
                   {"must be one of private, third_sector (got 'public')"});
}

TEST(YamlText, NulOrInvalidUtf8InAStringIsRefusedWhereItIsWritten) {
  // Double-quoted YAML escapes make NUL characters ("\x.." and "\u...." escapes otherwise make
  // characters, written as UTF-8: "\xff" is 'ÿ').
  expect_one_error(errors_of(kZones + "name: \"Pilot\\0\"\n"), "name", 4, 7,
                   {"UTF-8", "without NUL", "'Pilot'"});
  expect_one_error(errors_of(kZones + "description: \"one\\x00two\"\n"), "description", 4, 14,
                   {"NUL character", "'one'"});
  expect_one_error(
      errors_of("zones:\n  - {name: \"Nor\\u0000th\", population: 4000, lat: 62.24, lon: 25.75}\n"),
      "zones[0].name", 2, 12, {"NUL"});
  expect_one_error(errors_of(kZones + "producers: [{name: \"Clinic\\0\", zone: North}]\n"),
                   "producers[0].name", 4, 20, {"NUL"});
  expect_one_error(errors_of(kZones + "pilot: {zones: [North, \"South\\0\"]}\n"), "pilot.zones[1]", 4, 24,
                   {"NUL"});
  expect_one_error(errors_of(kZones + "chains: [{name: \"Chain\\0\", sector: private}]\n"), "chains[0].name",
                   0, 0, {"NUL"});
  // From the command line, bytes that are not UTF-8 reach the value as they are.
  expect_one_error(errors_of(kZones, {"name=Jyv\xe4skyl\xe4"}), "name", 0, 0,
                   {"not UTF-8", "byte 0xe4", "'Jyv'"});
  expect_one_error(errors_of(kZones, {"pilot.zones=[North, \"South\xff\"]"}), "pilot.zones[1]", 0, 0,
                   {"byte 0xff"});
  // Text beyond ASCII in UTF-8 is welcome, escaped or not.
  EXPECT_TRUE(
      errors_of(kZones + "name: \"Jyv\\xe4skyl\\xe4 \\u00e4 \\xff\"\ndescription: Jyväskylä 😀\n").empty());
}

// Bytes that are not UTF-8 written straight into the file (a scenario saved as Latin-1, say) are
// refused before the YAML is read, at their line and column: the scenario as given is stored in
// the results file.
TEST(YamlText, FileThatIsNotUtf8IsRefusedAtTheByte) {
  const std::string latin1 = kZones + "name: Jyv\xe4skyl\xe4\n";
  expect_one_error(errors_of(latin1), "", 4, 10, {"not UTF-8", "0xe4"});
  const std::string in_comment = kZones + "# Jyv\xe4skyl\xe4\nname: x\n";
  expect_one_error(errors_of(in_comment), "", 4, 6, {"not UTF-8"});
  const std::string truncated = kZones + "name: \"ab\xe2\x82\"\n";
  expect_one_error(errors_of(truncated), "", 4, 10, {"not UTF-8", "0xe2"});
}

}  // namespace
}  // namespace valinta

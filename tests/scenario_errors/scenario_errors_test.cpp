// Every kind of scenario error has one small failing fixture here, beside a valid neighbour that
// differs only in the fix (`unknown_key.yaml` and `unknown_key.ok.yaml`). `valinta validate` must
// refuse the first with exit code 2, pointing at file:line:col with the key and the words that say
// what is wrong, and accept the second (docs/architecture.md, "Users' work is safe").
//
// Files that are not fixtures: `*.parent.yaml` (scenarios that fixtures extend) and the CSVs that
// fixtures name as their zones file (`X.csv` for X.yaml, `X.ok.csv` for X.ok.yaml).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace valinta::test {
namespace {

namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 2;

fs::path fixture_dir() { return fs::path(VALINTA_TEST_DIR) / "scenario_errors"; }

std::string shell_quoted(const fs::path& path) {
  std::string out = "'";
  for (const char c : path.string()) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct ErrorCase {
  std::string fixture;             // X: the files X.yaml (failing) and X.ok.yaml (fixed)
  std::string where;               // "file:line:col" in the fixture directory; "file" alone when
                                   // the error has no position (the position is then not checked)
  std::string key;                 // the key named after "error: " ("" for CSV and syntax errors)
  std::vector<std::string> words;  // words the message must contain
  int count = 1;                   // the count line at the end ("1 error", "3 errors"); 0: not checked
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.fixture; }  // in failure messages

// Where each error must be reported: the line and column are those of the offending value (for a
// syntax error, where the parser noticed it; for a CSV, the cell in the CSV file).
const std::vector<ErrorCase>& error_cases() {
  static const std::vector<ErrorCase> cases = {
      // Not YAML at all, or not a scenario.
      {"yaml_syntax", "yaml_syntax.yaml:8:6", "", {"invalid YAML", "end of map flow not found"}},
      {"tab_indentation", "tab_indentation.yaml:8:1", "", {"tab used for indentation", "only spaces"}},
      {"empty", "empty.yaml:1:1", "", {"must be a mapping of settings", "the file is empty"}},
      {"list_document", "list_document.yaml:1:1", "", {"must be a mapping of settings", "got a list"}},
      // Keys.
      {"duplicate_key", "duplicate_key.yaml:8:1", "seed", {"duplicate key"}},
      {"duplicate_key_nested",
       "duplicate_key_nested.yaml:10:3",
       "rules.min_listing_months",
       {"duplicate key"}},
      {"duplicate_key_producer", "duplicate_key_producer.yaml:8:73", "producers[0].zone", {"duplicate key"}},
      {"unknown_key",
       "unknown_key.yaml:8:3",
       "rules.min_listing_month",
       {"unknown key", "did you mean 'rules.min_listing_months'?"}},
      {"unknown_key_producer",
       "unknown_key_producer.yaml:8:50",
       "producers[0].capacity_per_wek",
       {"unknown key", "did you mean 'capacity_per_week'?"}},
      // Types and numbers.
      {"wrong_type_text",
       "wrong_type_text.yaml:8:23",
       "rules.min_listing_months",
       {"must be a number", "'six'"}},
      {"wrong_type_mapping",
       "wrong_type_mapping.yaml:8:10",
       "pilot.zones",
       {"must be a list", "got a mapping"}},
      {"not_a_number",
       "not_a_number.yaml:8:19",
       "service.capacity_ratio",
       {"must be a finite number", "NaN"}},
      {"infinity",
       "infinity.yaml:8:28",
       "rules.capitation_eur_per_year",
       {"must be a finite number", "'.inf'"}},
      {"number_overflow", "number_overflow.yaml:8:13", "referral.cost_eur", {"out of the range", "'1e999'"}},
      // Ranges and cross-checks.
      {"negative_capacity",
       "negative_capacity.yaml:8:69",
       "producers[0].capacity_per_week",
       {"must be >= 0", "'-40'"}},
      {"probability_above_one",
       "probability_above_one.yaml:8:21",
       "service.er_prob_per_week",
       {"must be between 0 and 1", "'1.5'"}},
      {"shares_not_summing_to_one",
       "shares_not_summing_to_one.yaml:8:20",
       "population.age_band_shares",
       {"must sum to 1", "0.99"}},
      {"lock_in_longer_than_horizon",
       "lock_in_longer_than_horizon.yaml:10:23",
       "rules.min_listing_months",
       {"longer than the whole run", "364 days", "24 months"}},
      // An out-of-range value is reported once and never used (no follow-on errors, no crash:
      // step_days 0 once divided by zero).
      {"steps_zero", "steps_zero.yaml:3:39", "time.steps", {"must be between 1 and 30000", "'0'"}},
      {"step_days_zero", "step_days_zero.yaml:3:54", "time.step_days", {"must be between 1 and 28", "'0'"}},
      // Zones and dates.
      {"unknown_zone_pilot",
       "unknown_zone_pilot.yaml:8:18",
       "pilot.zones[1]",
       {"unknown zone 'Suoth'", "did you mean 'South'?"}},
      {"unknown_zone_producer",
       "unknown_zone_producer.yaml:8:43",
       "producers[0].zone",
       {"unknown zone 'Nrth'", "did you mean 'North'?"}},
      {"bad_date", "bad_date.yaml:3:20", "time.start_date", {"must be a date YYYY-MM-DD", "'2017-02-30'"}},
      {"region_all",
       "region_all.yaml:7:69",
       "zones[1].region",
       {"names the whole area in the service package", "another name"}},
      {"event_sector",
       "event_sector.yaml:9:54",
       "events[0].sector",
       {"must be public, private or third_sector", "'privat'"}},
      {"end_date_before_start_date",
       "end_date_before_start_date.yaml:10:13",
       "pilot.end_date",
       {"must not be before pilot.start_date 2017-06-01", "2017-05-31"}},
      {"date_out_of_range",
       "date_out_of_range.yaml:3:20",
       "time.start_date",
       {"from 1900-01-01 to 2200-12-31", "'1800-01-01'"}},
      {"pilot_zone_twice",
       "pilot_zone_twice.yaml:8:25",
       "pilot.zones[2]",
       {"zone 'North'", "pilot.zones[0]", "pilot.zones[2]"}},
      // Producers' life cycle: a unit that is never open, a region left without a public station.
      {"closes_before_start",
       "closes_before_start.yaml:8:58",
       "producers[0].closes",
       {"never open", "2017-02-08"}},
      {"no_public_station_open",
       "no_public_station_open.yaml:9:48",
       "producers[1].closes",
       {"no public station", "2017-09-01"}},
      // Text: UTF-8 without NUL characters, in the file and in every string of it.
      {"not_utf8", "not_utf8.yaml:6:15", "", {"not UTF-8", "0xe4"}},
      {"nul_in_name", "nul_in_name.yaml:6:12", "zones[1].name", {"NUL"}},
      // The population: zones files and their contents (CSV errors carry the CSV's file:line:col).
      {"missing_zones_file",
       "../../scenarios/data/keski-suomi-2021.csv",
       "population.zones_file",
       {"cannot open the zones file"},
       0},
      {"zones_csv_header",
       "zones_csv_header.csv:2:1",
       "",
       {"the header must name the columns municipality, population_2020_12_31, lat and lon",
        "got 'region,municipality,population,lat,lon'"}},
      {"zones_csv_field_count",
       "zones_csv_field_count.csv:4:1",
       "",
       {"expected 5 fields (as many as the header names), found 4"}},
      {"zones_csv_population", "zones_csv_population.csv:4:22", "", {"'about 3600'", "must be a number"}},
      {"empty_population", "empty_population.yaml", "population", {"population is empty", "0 residents"}},
      // extends: chains.
      {"extends_missing_parent",
       "extends_missing_parent.yaml:2:10",
       "extends",
       {"cannot read", "basse.parent.yaml", "no such scenario file"}},
      {"extends_cycle",
       "extends_cycle.parent.yaml:2:10",
       "extends",
       {"'extends_cycle.yaml' extends this file again", "cycle"}},
      // Every error of a file is reported, and counted at the end.
      {"several_errors", "several_errors.yaml:8:3", "rules.min_listing_month", {"unknown key"}, 3},
  };
  return cases;
}

// The line of `output` reporting the error at `c.where` with `c.key` ("" if there is none).
std::string reported_line(const std::string& output, const ErrorCase& c) {
  const std::string prefix =
      (fixture_dir() / c.where).string() + ": error: " + (c.key.empty() ? "" : c.key + ": ");
  for (const std::string& line : lines_of(output))
    if (line.rfind(prefix, 0) == 0) return line;
  return "";
}

class ScenarioErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ScenarioErrors, FailingFixtureIsRefusedAtItsPositionAndFixedNeighbourValidates) {
  const ErrorCase& c = GetParam();
  const fs::path bad = fixture_dir() / (c.fixture + ".yaml");
  const fs::path ok = fixture_dir() / (c.fixture + ".ok.yaml");

  const CliResult refused = run_cli("validate " + shell_quoted(bad));
  EXPECT_EQ(refused.exit_code, kExitBadInput) << refused.output;
  const std::string line = reported_line(refused.output, c);
  EXPECT_FALSE(line.empty()) << "expected a line starting with " << (fixture_dir() / c.where).string()
                             << ": error: " << c.key << "\ngot:\n"
                             << refused.output;
  for (const std::string& word : c.words)
    EXPECT_NE(line.find(word), std::string::npos) << "'" << word << "' missing from: " << line;
  const std::vector<std::string> lines = lines_of(refused.output);
  if (c.count > 0) {
    const std::string count = std::to_string(c.count) + (c.count == 1 ? " error" : " errors");
    EXPECT_TRUE(!lines.empty() && lines.back() == count)
        << "the last line must count the errors (" << count << "):\n"
        << refused.output;
  }
  EXPECT_EQ(refused.output.find(": ok"), std::string::npos) << refused.output;

  const CliResult accepted = run_cli("validate " + shell_quoted(ok));
  EXPECT_EQ(accepted.exit_code, kExitOk) << accepted.output;
  EXPECT_NE(accepted.output.find(ok.string() + ": ok"), std::string::npos) << accepted.output;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ScenarioErrors, ::testing::ValuesIn(error_cases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.fixture; });

// The directory and the table agree: every failing fixture has its fixed neighbour and a case
// above, so a fixture cannot be added (or lose its neighbour) without a test of its message.
TEST(ScenarioErrorFixtures, EveryFixtureHasAFixedNeighbourAndACase) {
  std::set<std::string> in_table;
  for (const ErrorCase& c : error_cases()) in_table.insert(c.fixture);
  std::set<std::string> on_disk;
  const auto ends_with = [](const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
  };
  for (const auto& entry : fs::directory_iterator(fixture_dir())) {
    const std::string name = entry.path().filename().string();
    if (!ends_with(name, ".yaml") || ends_with(name, ".ok.yaml") || ends_with(name, ".parent.yaml")) continue;
    const std::string fixture = name.substr(0, name.size() - 5);
    on_disk.insert(fixture);
    EXPECT_TRUE(fs::exists(fixture_dir() / (fixture + ".ok.yaml"))) << name << " has no fixed neighbour";
    EXPECT_TRUE(in_table.count(fixture)) << name << " has no case in scenario_errors_test.cpp";
  }
  for (const std::string& fixture : in_table)
    EXPECT_TRUE(on_disk.count(fixture)) << fixture << ".yaml is missing";
}

// A file with several errors has each reported at its own position, in the order of the file, and
// counted at the end (the fixture's case above checks only the first).
TEST(ScenarioErrors, EveryErrorOfAFileIsReportedAndCounted) {
  const fs::path file = fixture_dir() / "several_errors.yaml";
  const CliResult r = run_cli("validate " + shell_quoted(file));
  EXPECT_EQ(r.exit_code, kExitBadInput) << r.output;
  const std::string at = file.string();
  const std::vector<std::string> expected = {
      at + ":8:3: error: rules.min_listing_month: unknown key; did you mean 'rules.min_listing_months'?",
      at + ":9:26: error: rules.max_switches_per_year: must be between 0 and 52 (got '-1')",
      at + ":11:11: error: pilot.zones[0]: unknown zone 'Nort'; did you mean 'North'?",
      "3 errors",
  };
  EXPECT_EQ(lines_of(r.output), expected) << r.output;
}

// `--set` overrides are checked like the file: an unknown key (with did-you-mean), a value out of
// range and a setting without `=` are refused together, with exit code 2 and nothing written.
TEST(ScenarioErrors, BadSetOnRunIsRefusedAndWritesNothing) {
  const fs::path dir = fresh_dir("scenario-errors-set");
  const fs::path out = dir / "out.h5";
  const std::string run =
      "run " + shell_quoted(fixture_dir() / "base.parent.yaml") + " -o " + shell_quoted(out);

  const CliResult refused = run_cli(
      run + " --set rules.min_listing_month=6 --set rules.min_listing_months=-3" + " --set time.steps");
  EXPECT_EQ(refused.exit_code, kExitBadInput) << refused.output;
  const std::vector<std::string> expected = {
      "--set: error: rules.min_listing_month: unknown key; did you mean 'rules.min_listing_months'?",
      "--set: error: rules.min_listing_months: must be >= 0 (got '-3')",
      "--set: error: time.steps: must be KEY=VALUE",
      "3 errors",
  };
  EXPECT_EQ(lines_of(refused.output), expected) << refused.output;
  EXPECT_TRUE(fs::is_empty(dir)) << "nothing, not even a temporary file, may be written";

  const CliResult wrong_type = run_cli(run + " --set time.steps=many");
  EXPECT_EQ(wrong_type.exit_code, kExitBadInput) << wrong_type.output;
  EXPECT_NE(wrong_type.output.find("--set: error: time.steps: must be a whole number (got 'many')"),
            std::string::npos)
      << wrong_type.output;
  EXPECT_TRUE(fs::is_empty(dir));

  // The fixed neighbour: the same run with good settings writes its results.
  const CliResult accepted = run_cli(run + " -q --set rules.min_listing_months=3 --set time.steps=4");
  EXPECT_EQ(accepted.exit_code, kExitOk) << accepted.output;
  EXPECT_TRUE(fs::exists(out)) << accepted.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace valinta::test

// Zones with their own demographics (input/demographics.cpp, run/build_population.cpp): the
// municipal files are joined to the zones by code, every problem is reported at the file's
// line:column or names the zone; a zone's age structure, sex ratio, employed share and median
// income shape its residents; without them nothing changes.
#include "valinta/input/demographics.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

namespace fs = std::filesystem;

const std::string kAgeHeader =
    "code,municipality,population_2018_12_31,males,females,age_0_6,age_7_17,age_18_24,age_25_44,age_45_64,"
    "age_65_74,age_75_84,age_85_plus\n";
const std::string kActivityHeader = "code,municipality,population_2017_12_31,employed,median_income_eur\n";

// Two coded zones (A: "001", B: "002") and `files` (name: text) in a fresh directory, loaded with
// `population` added to the scenario's population mapping.
struct Loaded {
  std::optional<Scenario> scenario;
  std::vector<Diagnostic> errors;
  fs::path dir;
};
Loaded load(const std::string& name, const std::vector<std::pair<std::string, std::string>>& files,
            const std::string& population) {
  Loaded out;
  out.dir = test::fresh_dir("demographics-" + name);
  for (const auto& [file, text] : files) std::ofstream(out.dir / file, std::ios::binary) << text;
  std::ofstream(out.dir / "scenario.yaml")
      << "name: demographics\n"
         "time: {start_date: 2017-02-01, steps: 4, step_days: 7}\n"
         "population: {"
      << population
      << "}\n"
         "zones:\n"
         "  - {name: A, code: '001', population: 20000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, code: '002', population: 20000, lat: 62.40, lon: 26.43}\n";
  try {
    out.scenario = load_scenario(out.dir / "scenario.yaml");
  } catch (const ScenarioError& e) {
    out.errors = e.diagnostics().list();
  }
  return out;
}

std::string all(const Loaded& l) {
  std::string text;
  for (const Diagnostic& d : l.errors) text += d.format() + "\n";
  return text;
}

// An old zone (A: 40 % aged 75+) and a young one (B: 40 % aged 25-44).
const std::string kAges = kAgeHeader +
                          "001,Old,1000,400,600,50,100,50,100,150,150,250,150\n"
                          "002,Young,1000,550,450,100,150,100,400,150,50,30,20\n";
const std::string kActivity = kActivityHeader +
                              "001,Old,1000,200,18000\n"
                              "002,Young,1000,600,30000\n";

TEST(Demographics, FilesGiveEachZoneItsSharesByCode) {
  const Loaded l = load("shares", {{"ages.csv", kAges}, {"activity.csv", kActivity}},
                        "age_structure_file: ages.csv, activity_file: activity.csv");
  ASSERT_TRUE(l.scenario) << all(l);
  const ZoneSpec& a = l.scenario->zones[0];
  const ZoneSpec& b = l.scenario->zones[1];
  ASSERT_EQ(a.age_band_shares.size(), static_cast<std::size_t>(kAgeBands));
  EXPECT_DOUBLE_EQ(a.age_band_shares[6], 0.25);
  EXPECT_DOUBLE_EQ(b.age_band_shares[3], 0.4);
  EXPECT_DOUBLE_EQ(a.female_share, 0.6);
  EXPECT_DOUBLE_EQ(b.female_share, 0.45);
  EXPECT_DOUBLE_EQ(a.employed_share, 0.2);
  EXPECT_DOUBLE_EQ(b.employed_share, 0.6);
  EXPECT_DOUBLE_EQ(a.median_income_eur, 18000);
  EXPECT_DOUBLE_EQ(b.median_income_eur, 30000);
}

TEST(Demographics, InlineValuesWinOverTheFile) {
  Loaded l = load("inline", {{"ages.csv", kAges}}, "age_structure_file: ages.csv");
  ASSERT_TRUE(l.scenario) << all(l);
  // The same zones with A's share of women given inline: the file fills only what is missing.
  std::ofstream(l.dir / "inline.yaml")
      << "extends: scenario.yaml\n"
         "zones:\n"
         "  - {name: A, code: '001', population: 20000, lat: 62.24, lon: 25.75, "
         "female_share: 0.3}\n"
         "  - {name: B, code: '002', population: 20000, lat: 62.40, lon: 26.43}\n";
  const Scenario s = load_scenario(l.dir / "inline.yaml");
  EXPECT_DOUBLE_EQ(s.zones[0].female_share, 0.3);
  EXPECT_DOUBLE_EQ(s.zones[0].age_band_shares[6], 0.25);
  EXPECT_DOUBLE_EQ(s.zones[1].female_share, 0.45);
}

TEST(Demographics, AZoneWithoutARowIsNamed) {
  const Loaded l =
      load("no-row", {{"ages.csv", kAgeHeader + "001,Old,1000,400,600,50,100,50,100,150,150,250,150\n"}},
           "age_structure_file: ages.csv");
  ASSERT_EQ(l.errors.size(), 1u) << all(l);
  EXPECT_EQ(l.errors[0].file, (l.dir / "ages.csv").string());
  EXPECT_NE(l.errors[0].message.find("no row for zone 'B' (code '002')"), std::string::npos) << all(l);
}

// An activity file whose second row is `row`: its only error is on line 3, at `column` (0: any),
// and says `words`.
void expect_activity_error(const std::string& name, const std::string& row, int column,
                           const std::string& words) {
  const Loaded l = load(name, {{"activity.csv", kActivityHeader + "001,Old,1000,200,18000\n" + row}},
                        "activity_file: activity.csv");
  ASSERT_EQ(l.errors.size(), 1u) << all(l);
  EXPECT_EQ(l.errors[0].line, 3);
  if (column != 0) EXPECT_EQ(l.errors[0].column, column);
  EXPECT_NE(l.errors[0].message.find(words), std::string::npos) << all(l);
}

TEST(Demographics, BadCellsAreReportedAtTheirLineAndColumn) {
  expect_activity_error("bad-cell", "002,Young,1000,many,30000\n", 16, "'many' must be a number");
  expect_activity_error("fraction", "002,Young,1000,200.5,30000\n", 16, "whole number of people");
}

TEST(Demographics, MoreEmployedThanResidentsIsRefused) {
  expect_activity_error("employed", "002,Young,1000,1200,30000\n", 0, "1200 employed of 1000 residents");
}

TEST(Demographics, DuplicateCodesAndMissingColumnsAreRefused) {
  const Loaded twice =
      load("twice", {{"ages.csv", kAges + "002,Again,1000,500,500,125,125,125,125,125,125,125,125\n"}},
           "age_structure_file: ages.csv");
  ASSERT_FALSE(twice.errors.empty());
  EXPECT_EQ(twice.errors[0].line, 4);
  EXPECT_NE(twice.errors[0].message.find("appears twice"), std::string::npos) << all(twice);

  const Loaded columns = load("columns", {{"ages.csv", "code,males,females,age_0_6\n001,1,1,2\n"}},
                              "age_structure_file: ages.csv");
  ASSERT_EQ(columns.errors.size(), 1u) << all(columns);
  EXPECT_EQ(columns.errors[0].line, 1);
  EXPECT_NE(columns.errors[0].message.find("missing: age_7_17"), std::string::npos) << all(columns);
}

TEST(Demographics, ZoneWithoutACodeIsNamed) {
  const fs::path dir = test::fresh_dir("demographics-no-code");
  std::ofstream(dir / "ages.csv") << kAges;
  std::ofstream(dir / "s.yaml") << "name: x\ntime: {start_date: 2017-02-01, steps: 4, step_days: 7}\n"
                                   "population: {age_structure_file: ages.csv}\n"
                                   "zones:\n  - {name: A, population: 100, lat: 62.24, lon: 25.75}\n";
  try {
    load_scenario(dir / "s.yaml");
    FAIL() << "a zone without a code was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(e.diagnostics().list().at(0).message.find("zone 'A' has no code"), std::string::npos)
        << e.what();
  }
}

// Residents of each zone follow its own shares (40,000 residents: sampling error well under the
// differences tested).
TEST(Demographics, ResidentsFollowTheirZonesShares) {
  const Loaded l = load("residents", {{"ages.csv", kAges}, {"activity.csv", kActivity}},
                        "age_structure_file: ages.csv, activity_file: activity.csv");
  ASSERT_TRUE(l.scenario) << all(l);
  Simulation sim(*l.scenario, {1, 0, 1});
  const Residents& r = sim.residents;
  for (std::size_t z = 0; z < 2; ++z) {
    const ZoneSpec& spec = sim.zones[z].spec;
    std::vector<double> band(kAgeBands, 0);
    double female = 0, employed = 0, decile = 0, n = 0;
    for (std::size_t i = sim.zones[z].first_resident;
         i < sim.zones[z].first_resident + sim.zones[z].n_residents; ++i) {
      band[age_band_of(r.age[i])] += 1;
      female += (r.flags[i] & Residents::kFemale) ? 1 : 0;
      employed += (r.flags[i] & Residents::kEmployed) ? 1 : 0;
      decile += r.income_decile[i];
      n += 1;
    }
    for (int b = 0; b < kAgeBands; ++b)
      EXPECT_NEAR(band[b] / n, spec.age_band_shares[b], 0.012) << "zone " << z << " band " << b;
    EXPECT_NEAR(female / n, spec.female_share, 0.012) << "zone " << z;
    EXPECT_NEAR(employed / n, spec.employed_share, 0.012) << "zone " << z;
    if (z == 0) EXPECT_LT(decile / n, 5.0) << "the old, poorer zone sits in the low deciles";
    if (z == 1) EXPECT_GT(decile / n, 6.0) << "the young, richer zone in the high ones";
  }
}

// The income shift is what the zone's median income says beyond its employment: two zones alike
// in everything but median income differ in deciles, and alike in it they do not.
TEST(Demographics, MedianIncomeShiftsDecilesBeyondEmployment) {
  const auto mean_deciles = [](const std::string& activity) {
    const Loaded l =
        load("income", {{"activity.csv", kActivityHeader + activity}}, "activity_file: activity.csv");
    EXPECT_TRUE(l.scenario) << all(l);
    Simulation sim(*l.scenario, {1, 0, 1});
    std::array<double, 2> mean{};
    for (std::size_t z = 0; z < 2; ++z) {
      for (std::size_t i = sim.zones[z].first_resident;
           i < sim.zones[z].first_resident + sim.zones[z].n_residents; ++i)
        mean[z] += sim.residents.income_decile[i];
      mean[z] /= sim.zones[z].n_residents;
    }
    return mean;
  };
  const auto alike = mean_deciles("001,A,1000,450,25000\n002,B,1000,450,25000\n");
  EXPECT_NEAR(alike[0], alike[1], 0.1);
  EXPECT_NEAR(alike[0], 5.5, 0.1);  // deciles of the simulated population
  const auto richer_b = mean_deciles("001,A,1000,450,20000\n002,B,1000,450,30000\n");
  EXPECT_GT(richer_b[1] - richer_b[0], 1.5);
  EXPECT_NEAR(0.5 * (richer_b[0] + richer_b[1]), 5.5, 0.1);
}

// Switched off: zones whose own values equal the population-wide ones build the same residents
// as zones without any.
TEST(Demographics, ZoneValuesEqualToThePopulationDefaultsChangeNothing) {
  const std::string base = test::small_region_yaml(3000, 2000);
  const Scenario plain = test::scenario_from_yaml(base);
  std::string shares;
  for (const double v : plain.population.age_band_shares)
    shares += (shares.empty() ? "" : ", ") + fmt::format("{}", v);
  const Scenario given = test::scenario_from_yaml(
      "name: small\n"
      "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
      "zones:\n"
      "  - {name: A, population: 3000, lat: 62.24, lon: 25.75, age_band_shares: [" +
      shares + "], female_share: " + fmt::format("{}", plain.population.female_share) +
      "}\n"
      "  - {name: B, population: 2000, lat: 62.40, lon: 26.43}\n");
  Simulation a(plain, {1, 0, 1}), b(given, {1, 0, 1});
  ASSERT_EQ(a.residents.size(), b.residents.size());
  for (std::size_t i = 0; i < a.residents.size(); ++i) {
    ASSERT_EQ(a.residents.age[i], b.residents.age[i]) << i;
    ASSERT_EQ(a.residents.flags[i], b.residents.flags[i]) << i;
    ASSERT_EQ(a.residents.income_decile[i], b.residents.income_decile[i]) << i;
  }
}

// The shipped national files cover every municipality of the zones file, with shares that sum
// to one and plausible employment and incomes.
TEST(Demographics, ShippedFilesCoverEveryMunicipality) {
  const fs::path data = fs::path(VALINTA_TEST_DIR) / ".." / "scenarios" / "data";
  const fs::path dir = test::fresh_dir("demographics-national");
  std::ofstream(dir / "s.yaml") << "name: national\ntime: {start_date: 2017-02-01, steps: 4, step_days: 7}\n"
                                   "population:\n  zones_file: "
                                << (data / "municipalities_all_2020.csv").string()
                                << "\n  age_structure_file: " << (data / "age_structure_2018.csv").string()
                                << "\n  activity_file: " << (data / "income_activity_2017.csv").string()
                                << "\n";
  const Scenario s = load_scenario(dir / "s.yaml");
  ASSERT_EQ(s.zones.size(), 309u);
  for (const ZoneSpec& z : s.zones) {
    ASSERT_EQ(z.code.size(), 3u) << z.name;
    EXPECT_NEAR(std::accumulate(z.age_band_shares.begin(), z.age_band_shares.end(), 0.0), 1.0, 1e-9)
        << z.name;
    EXPECT_GT(z.female_share, 0.4) << z.name;
    EXPECT_LT(z.female_share, 0.6) << z.name;
    EXPECT_GT(z.employed_share, 0.2) << z.name;
    EXPECT_LT(z.employed_share, 0.7) << z.name;
    EXPECT_GT(z.median_income_eur, 10000) << z.name;
  }
}

}  // namespace
}  // namespace valinta

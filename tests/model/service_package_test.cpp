// The service package (docs/ODD.md 9.6) against values worked out by hand from a small set of
// recorded series: three producers over two steps of a year each, in two named regions and one
// producer whose zone names none.
#include "valinta/model/service_package.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace valinta {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A series [step, producer] of counts or reals, rows in step order.
Recorder::Series counts(const std::string& name, std::vector<std::int64_t> rows) {
  Recorder::Series s;
  s.name = name;
  s.dims = {"producer"};
  s.integer = true;
  s.count.assign(rows.begin(), rows.end());
  s.row_length = 3;
  return s;
}
Recorder::Series reals(const std::string& name, std::vector<double> rows) {
  Recorder::Series s;
  s.name = name;
  s.dims = {"producer"};
  s.real.assign(rows.begin(), rows.end());
  s.row_length = 3;
  return s;
}

// Producers A (region North), B (South) and C (no region, never listed anyone), two steps:
// each row is {A, B, C} of step 1, then of step 2.
std::vector<Recorder::Series> recorded() {
  return {
      counts("n_listed", {1000, 500, 0, 1000, 1500, 0}),
      reals("cost_eur", {100000, 50000, 0, 140000, 150000, 0}),
      reals("revenue_eur", {110000, 0, 0, 130000, 200000, 0}),
      counts("new_visits_doctor", {1000, 0, 0, 1000, 1000, 0}),
      counts("new_visits_nurse", {1000, 0, 0, 2000, 3000, 0}),
      reals("wait_mean_days", {10, kNaN, kNaN, 4, 14, kNaN}),
      counts("new_served_within_guarantee", {1590, 0, 0, 3000, 3000, 0}),
      counts("new_er_diversions", {100, 0, 0, 0, 1000, 0}),
      counts("new_promise_breaches", {400, 0, 0, 600, 2000, 0}),
      counts("new_plan_contacts", {50, 0, 0, 50, 0, 0}),
      counts("new_plan_contacts_continuous", {40, 0, 0, 35, 0, 0}),
      counts("n_heavy_listed", {50, 0, 0, 70, 100, 0}),
      counts("n_heavy_with_plan_listed", {20, 0, 0, 40, 0, 0}),
      counts("new_heavy_entered", {10, 0, 0, 20, 0, 0}),
      counts("new_heavy_left", {5, 0, 0, 5, 0, 0}),
      counts("new_referrals", {100, 0, 0, 140, 100, 0}),
      counts("new_er_baseline", {300, 0, 0, 300, 400, 0}),
  };
}

PackageSetup setup() {
  PackageSetup s;
  s.step_days = 365.25;  // a step of one year, so resident-years are residents x steps
  s.regions = {"all", "North", "South"};
  s.producer_region = {1, 2, 0};
  s.experience = {-4000, 6000, 0};  // stored units: SD x 20
  s.experienced = {1000, 1500, 0};
  return s;
}

// The value of indicator `name` in `rows` ([indicator][k]).
double value(const std::vector<std::vector<double>>& rows, const std::string& name, std::size_t k) {
  const auto& list = package_indicators();
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].name == name) return rows[i][k];
  ADD_FAILURE() << "no package indicator " << name;
  return kNaN;
}

struct Expected {
  const char* name;
  double a, b, c, all;
};

TEST(ServicePackage, MatchesHandComputedValues) {
  const ServicePackage p = compute_service_package(recorded(), setup());
  EXPECT_EQ(p.steps, 2);
  EXPECT_DOUBLE_EQ(p.years, 2.0);
  ASSERT_EQ(p.regions, (std::vector<std::string>{"all", "North", "South"}));
  // A: 2,000 resident-years, 5,000 visits (2,000 by doctors), EUR 240,000 cost and revenue.
  // B: 2,000 resident-years, 4,000 visits (1,000 by doctors), EUR 200,000 cost, 200,000 revenue.
  // C: nobody listed, nothing done: undefined everywhere. All: A and B together.
  const Expected expected[] = {
      {"residents_listed", 1000, 1000, 0, 2000},
      {"cost_per_resident_eur", 120, 100, kNaN, 110},
      {"cost_per_visit_eur", 48, 50, kNaN, 440000.0 / 9000},
      {"revenue_per_resident_eur", 120, 100, kNaN, 110},
      {"visits_per_resident", 2.5, 2.0, kNaN, 2.25},
      {"doctor_visits_per_resident", 1.0, 0.5, kNaN, 0.75},
      // A: (10 x 2,000 + 4 x 3,000) / 5,000; B: its first step served nobody (NaN, no weight).
      {"wait_mean_days", 6.4, 14, kNaN, (32000.0 + 56000.0) / 9000},
      // Served within the guarantee / (served + diverted).
      {"share_within_guarantee", 4590.0 / 5100, 3000.0 / 5000, kNaN, 7590.0 / 10100},
      {"share_within_promise", 4000.0 / 5000, 2000.0 / 4000, kNaN, 6000.0 / 9000},
      {"continuity_plan", 0.75, kNaN, kNaN, 0.75},
      {"heavy_user_share", 120.0 / 2000, 100.0 / 2000, kNaN, 220.0 / 4000},
      {"heavy_with_plan_share", 0.5, 0.0, kNaN, 60.0 / 220},
      {"heavy_entered_per_1000", 15, 0, kNaN, 7.5},
      {"heavy_left_per_1000", 5, 0, kNaN, 2.5},
      {"referrals_per_1000", 120, 50, kNaN, 85},
      // Baseline visits and diversions: A (600 + 100) / 2, B (400 + 1,000) / 2, all 2,100 / 4.
      {"emergency_visits_per_1000", 350, 700, kNaN, 525},
      {"emergency_diverted_per_1000", 50, 500, kNaN, 275},
      // -4,000 / 20 / 1,000 and 6,000 / 20 / 1,500; all: 2,000 / 20 / 2,500.
      {"satisfaction", -0.2, 0.2, kNaN, 0.04},
  };
  ASSERT_EQ(std::size(expected), package_indicators().size());
  const auto check = [](double got, double want, const std::string& what) {
    if (std::isnan(want))
      EXPECT_TRUE(std::isnan(got)) << what << " = " << got << ", expected undefined";
    else
      EXPECT_NEAR(got, want, 1e-12 * std::max(1.0, std::abs(want))) << what;
  };
  for (const Expected& e : expected) {
    check(value(p.by_producer, e.name, 0), e.a, std::string(e.name) + " of A");
    check(value(p.by_producer, e.name, 1), e.b, std::string(e.name) + " of B");
    check(value(p.by_producer, e.name, 2), e.c, std::string(e.name) + " of C");
    check(value(p.by_region, e.name, 0), e.all, std::string(e.name) + " of all");
    // Each named region holds its one producer.
    check(value(p.by_region, e.name, 1), e.a, std::string(e.name) + " of North");
    check(value(p.by_region, e.name, 2), e.b, std::string(e.name) + " of South");
  }
}

TEST(ServicePackage, NamesTheSeriesItNeeds) {
  std::vector<Recorder::Series> series = recorded();
  series.erase(series.begin() + 9);  // new_plan_contacts
  try {
    compute_service_package(series, setup());
    FAIL() << "a missing series was not noticed";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("new_plan_contacts"), std::string::npos) << e.what();
  }
}

TEST(ServicePackage, DeclaresUnitsAndMeanings) {
  for (const PackageIndicator& i : package_indicators()) {
    EXPECT_FALSE(i.units.empty()) << i.name;
    EXPECT_FALSE(i.meaning.empty()) << i.name;
    EXPECT_FALSE(i.display_unit.empty()) << i.name;
  }
}

}  // namespace
}  // namespace valinta

// The pay response of capacity (M7, docs/ODD.md 7.7.4): producers paid per visit staff up toward
// their demand, within a ceiling that rises with the fee share of pay and within the free
// workforce; under capitation private and third-sector producers keep fewer staff; switched off,
// no capacity ever moves. Staff are conserved: the producers' staff plus the free workforce stay
// what they were at the start.
#include <gtest/gtest.h>

#include <string>

#include "levers/lever_helpers.hpp"
#include "valinta/phases/market.hpp"

namespace valinta {
namespace {

// A public station sized to 0.8 of its expected demand and a private clinic of 20 visits a week
// in one pilot zone; every contact joins its queue (queues form), under the given pay and
// workforce.
std::string region(const std::string& pay, const std::string& workforce) {
  return "name: capacity-pay\n"
         "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 6000, lat: 62.24, lon: 25.75}\n"
         "pilot: {zones: [A]}\n"
         "rules: {" +
         pay +
         "}\n"
         "service: {capacity_ratio: 0.8}\n"
         "demand: {wait_elasticity: 0}\n"
         "choice: {awareness_per_year: 4, inertia: 1.0}\n"
         "workforce: {" +
         workforce +
         "}\n"
         "producers:\n"
         "  - {name: Station, zone: A}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, quality: 1,\n"
         "     capacity_per_week: 20}\n";
}

const std::string kFees = "capitation_eur_per_year: 10, fee_for_service_eur: 60";
const std::string kCapitation = "capitation_eur_per_year: 230, fee_for_service_eur: 0";
const double kFeeShare = 60.0 / (60.0 + 10.0 / 4.5);

double staff_in_all(const Simulation& sim) {
  double staff = sim.workforce_free_fte;
  for (const Producer& p : sim.producers) staff += p.staff_fte;
  return staff;
}

TEST(CapacityPay, TargetFollowsDemandWithinTheCeilingOfTheFeeShare) {
  const Scenario fees = test::scenario_from_yaml(region(kFees, "fee_capacity_growth: 0.3"));
  Producer station;
  station.base_capacity_per_week = 100;
  Producer clinic = station;
  clinic.sector = Sector::private_sector;
  const double ceiling = 100 * (1 + 0.3 * kFeeShare);
  const double pull = 1 - 0.05 * (1 - kFeeShare);
  // Demand above the ceiling: the ceiling; between: demand plus the slack; below: the start.
  EXPECT_NEAR(pay_capacity_target(fees, station, 500), ceiling, 1e-9);
  EXPECT_NEAR(pay_capacity_target(fees, station, 110), 110 * 1.05, 1e-9);
  EXPECT_NEAR(pay_capacity_target(fees, station, 50), 100, 1e-9);
  EXPECT_NEAR(pay_capacity_target(fees, clinic, 500), ceiling * pull, 1e-9);
  // Pure capitation: no room to grow, and the private clinic's pull in full.
  const Scenario capitation = test::scenario_from_yaml(region(kCapitation, ""));
  EXPECT_NEAR(pay_capacity_target(capitation, station, 500), 100, 1e-9);
  EXPECT_NEAR(pay_capacity_target(capitation, clinic, 500), 95, 1e-9);
  EXPECT_TRUE(pay_response_on(capitation.workforce));
}

TEST(CapacityPay, SwitchedOffNoCapacityMoves) {
  Simulation sim(test::scenario_from_yaml(
                     region(kFees, "fee_capacity_growth: 0, capitation_capacity_pull: 0, free_share: 0.5")),
                 {21, 0, 1});
  EXPECT_FALSE(pay_response_on(sim.scenario.workforce));
  std::vector<double> start;
  for (const Producer& p : sim.producers) start.push_back(p.capacity_per_week);
  for (int step = 0; step < 52; ++step) {
    sim.step();
    for (std::size_t j = 0; j < start.size(); ++j)
      ASSERT_EQ(sim.producers[j].capacity_per_week, start[j]) << "step " << step;
  }
}

// Fee-for-service with staff to hire: both grow toward their demand within the ceiling (the
// clinic's demand is far above it), by at most a tenth a quarter, and serve more visits than under
// capitation, whose public station stays at its start and whose clinic shrinks by the pull.
TEST(CapacityPay, FeesGrowCapacityToTheCeilingAndCapitationPullsTheClinicDown) {
  const auto run = [](const std::string& pay, std::vector<double>& base, std::int64_t& served) {
    Simulation sim(test::scenario_from_yaml(region(pay, "free_share: 0.5")), {21, 0, 1});
    const double staff = staff_in_all(sim);
    served = 0;
    for (int step = 0; step < 52; ++step) {
      std::vector<double> before;
      for (const Producer& p : sim.producers) before.push_back(p.capacity_per_week);
      sim.step();
      for (std::size_t j = 0; j < sim.producers.size(); ++j) {
        EXPECT_LE(std::abs(sim.producers[j].capacity_per_week - before[j]), 0.1 * before[j] + 1e-9);
        served += test::served_at(sim.flows, j);
      }
      EXPECT_NEAR(staff_in_all(sim), staff, 1e-9 * staff) << "step " << step;
    }
    std::vector<double> ratio;
    for (const Producer& p : sim.producers) {
      base.push_back(p.base_capacity_per_week);
      ratio.push_back(p.capacity_per_week / p.base_capacity_per_week);
    }
    return ratio;
  };
  std::vector<double> base_fees, base_capitation;
  std::int64_t served_fees = 0, served_capitation = 0;
  const std::vector<double> fees = run(kFees, base_fees, served_fees);
  const std::vector<double> capitation = run(kCapitation, base_capitation, served_capitation);
  EXPECT_GT(fees[0], 1.15);  // the station's demand, after the clinic took its share, or the ceiling
  EXPECT_LE(fees[0], 1 + 0.3 * kFeeShare + 1e-9);
  EXPECT_NEAR(fees[1], (1 + 0.3 * kFeeShare) * (1 - 0.05 * (1 - kFeeShare)), 1e-6);
  EXPECT_DOUBLE_EQ(capitation[0], 1.0);
  EXPECT_NEAR(capitation[1], 0.95, 1e-9);
  EXPECT_GT(static_cast<double>(served_fees), 1.05 * static_cast<double>(served_capitation));
}

// The workforce bounds it: with 3 % of staff free, growth stops when the free workforce is used
// up, and only the private clinic, recruiting from the public station, grows further.
TEST(CapacityPay, GrowthStopsWhereTheWorkforceEnds) {
  Simulation sim(test::scenario_from_yaml(region(kFees, "free_share: 0.03")), {21, 0, 1});
  const double staff = staff_in_all(sim);
  const double free_at_start = sim.workforce_free_fte;
  for (int step = 0; step < 52; ++step) sim.step();
  EXPECT_NEAR(sim.workforce_free_fte, 0.0, 1e-9);
  EXPECT_NEAR(staff_in_all(sim), staff, 1e-9 * staff);
  const Producer& station = sim.producers[0];
  const Producer& clinic = sim.producers[1];
  EXPECT_LT(station.capacity_per_week, station.base_capacity_per_week * (1 + 0.3 * kFeeShare) - 1);
  EXPECT_GT(clinic.staff_fte - clinic.base_capacity_per_week / sim.scenario.workforce.visits_per_fte_week,
            0.0);
  EXPECT_GT(free_at_start, 0.0);
}

}  // namespace
}  // namespace valinta

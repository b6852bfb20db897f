// M7 market dynamics and workforce (phases/market.cpp): every market.interval_days chains may
// enter where the forecast margin beats their hurdle, loss-making private units leave, and
// capacity moves toward demand by at most market.max_capacity_change; capacity is staff hired
// from one regional workforce pool, so staff are neither created nor lost.
#include "valinta/phases/market.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// A pilot town large enough for entry, a chain eager to enter (negative hurdle) and a private
// unit that loses money on every visit; monthly market decisions keep the run short.
std::string market_yaml(const std::string& extra = "") {
  return "name: market\n"
         "time: {start_date: 2017-02-01, steps: 104, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 12000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 3000, lat: 62.40, lon: 26.43}\n"
         "pilot: {zones: [A, B]}\n"
         "choice: {awareness_per_year: 2}\n"
         "market: {enabled: true, interval_days: 28, entry_hurdle: -0.5}\n"
         "workforce: {free_share: 0.1, private_recruits_from_public: false}\n"
         "chains: [{name: Chain, sector: private, capacity_per_week: 150, quality: 0.5, digital: 0.8}]\n"
         "producers:\n"
         "  - {name: StationA, zone: A}\n"
         "  - {name: StationB, zone: B}\n"
         "  - {name: Loser, sector: private, zone: A, lat: 62.25, lon: 25.76, capacity_per_week: 60,\n"
         "     quality: 1, cost_per_visit_eur: 400}\n" +
         extra;
}

double total_staff(const Simulation& sim) {
  double staff = sim.workforce_free_fte;
  for (const Producer& p : sim.producers) staff += p.staff_fte;
  return staff;
}

// Staff move between producers and the free pool but are never created or lost; capacity is
// staff x productivity and never negative; entry and exit happen only on market steps.
TEST(Market, WorkforceIsConservedAndDecisionsAreQuarterly) {
  const Scenario s = test::scenario_from_yaml(market_yaml());
  Simulation sim(s, {41, 0, 1});
  const double staff = total_staff(sim);
  const int quarter_steps = 4;  // 28 days
  std::int64_t entries = 0, exits = 0;
  for (int step = 0; step < 60; ++step) {
    const std::vector<bool> was_active = [&] {
      std::vector<bool> a;
      for (const Producer& p : sim.producers) a.push_back(p.active);
      return a;
    }();
    sim.step();
    ASSERT_NEAR(total_staff(sim), staff, 1e-9 * staff) << "step " << step;
    ASSERT_GE(sim.workforce_free_fte, -1e-9);
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      const Producer& p = sim.producers[j];
      ASSERT_GE(p.capacity_per_week, 0.0);
      ASSERT_GE(p.staff_fte, -1e-9);
      if (p.active != was_active[j]) {
        EXPECT_EQ((step + 1) % quarter_steps, 0)
            << "producer " << j << " opened or closed off the market step " << step;
        (p.active ? entries : exits) += 1;
      }
      if (!p.active) ASSERT_EQ(p.n_listed, 0);
    }
  }
  EXPECT_GT(entries, 0) << "the chain should have entered";
  EXPECT_GT(exits, 0) << "the loss-making unit should have left";
  EXPECT_FALSE(sim.producers[2].active);
}

// Capacity moves toward demand by at most max_capacity_change (10 %) a quarter, and only on
// market steps (no public staff are recruited away in this scenario).
TEST(Market, CapacityMovesAtMostTheMaximumChangePerQuarter) {
  const Scenario s = test::scenario_from_yaml(market_yaml());
  Simulation sim(s, {42, 0, 1});
  for (int step = 0; step < 40; ++step) {
    std::vector<double> before;
    for (const Producer& p : sim.producers) before.push_back(p.capacity_per_week);
    std::vector<bool> was_active;
    for (const Producer& p : sim.producers) was_active.push_back(p.active);
    sim.step();
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      const Producer& p = sim.producers[j];
      if (!was_active[j] || !p.active) continue;
      if ((step + 1) % 4 != 0) {
        ASSERT_EQ(p.capacity_per_week, before[j]) << "producer " << j << ", step " << step;
      } else {
        ASSERT_LE(std::abs(p.capacity_per_week - before[j]), 0.1 * before[j] + 1e-9)
            << "producer " << j << ", step " << step;
      }
    }
  }
}

// A capacity shock (staff off sick, a unit half closed) is not undone by the next quarterly
// adjustment: capacity still moves by at most max_capacity_change from the shocked level.
TEST(Market, CapacityShockIsNotUndoneByTheQuarterlyAdjustment) {
  const Scenario s = test::scenario_from_yaml(
      market_yaml("events: [{date: 2017-03-15, type: capacity_shock, producer: StationA, factor: 0.5}]\n"));
  Simulation sim(s, {43, 0, 1});
  while (sim.t < 6) sim.step();  // the shock applies in step 6 (2017-03-15)
  const double unshocked = sim.producers[0].capacity_per_week;
  sim.step();
  const double shocked = sim.producers[0].capacity_per_week;
  ASSERT_NEAR(shocked, 0.5 * unshocked, 1e-9 * unshocked);
  sim.step();  // step 7: a market step ((7 + 1) % 4 == 0)
  EXPECT_LE(sim.producers[0].capacity_per_week, 1.1 * shocked + 1e-9);
}

// A producer that opens on a scheduled date comes with the staff for its capacity: the next
// quarterly adjustment moves its capacity by at most max_capacity_change, not back to zero.
TEST(Market, ScheduledOpeningKeepsItsCapacity) {
  const Scenario s =
      test::scenario_from_yaml(market_yaml() +
                               "  - {name: Late, sector: third_sector, zone: A, lat: 62.23, lon: 25.74,\n"
                               "     capacity_per_week: 80, opens: 2017-03-15}\n");
  Simulation sim(s, {44, 0, 1});
  ASSERT_EQ(sim.producers[3].spec.name, "Late");
  while (sim.t < 7) sim.step();  // opens in step 6
  ASSERT_TRUE(sim.producers[3].active);
  const double opened = sim.producers[3].capacity_per_week;
  ASSERT_DOUBLE_EQ(opened, 80.0);
  sim.step();  // step 7: a market step
  EXPECT_GE(sim.producers[3].capacity_per_week, 0.9 * opened - 1e-9);
}

}  // namespace
}  // namespace valinta

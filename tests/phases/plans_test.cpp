// M8 customer plans (phases/plans.cpp): heavy-need residents get a customer plan with
// plans.prob_per_week; a plan stays, lowers the holder's need up-rates (M1) and adds
// continuity inertia to staying with the current producer (M5).
#include "valinta/phases/plans.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/phases/needs.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// Old residents (many heavy users) with fast need dynamics and no unmet-need feedback.
std::string plans_yaml(const std::string& plans, int step_days = 7) {
  return test::with_time(test::small_region_yaml(10000, 0), 400, step_days) +
         "population: {age_band_shares: [0, 0, 0, 0, 0, 0, 0, 1]}\n"
         "needs: {up_rate: [0.04, 0.03, 0.02], down_rate: [0.2, 0.08, 0.06], unmet_multiplier: 1}\n"
         "plans: {" +
         plans + "}\n";
}

// Default rules make no plans at all (probability 0).
TEST(Plans, NoPlansWithoutTheRule) {
  const Scenario s = test::scenario_from_yaml(plans_yaml(""));
  Simulation sim(s, {1, 0, 1});
  for (int step = 0; step < 10; ++step) {
    sim.step();
    EXPECT_EQ(sim.flows.n_plans, 0);
  }
}

// Each step a heavy user without a plan gets one with probability 1 - (1 - p)^(step weeks);
// nobody else gets a new plan; plans are kept (also after leaving the heavy level).
TEST(Plans, HeavyUsersGetPlansAtTheWeeklyRate) {
  for (const int step_days : {7, 1}) {
    const Scenario s = test::scenario_from_yaml(plans_yaml("prob_per_week: 0.1", step_days));
    Simulation sim(s, {2, 0, 1});
    const Residents& r = sim.residents;
    const double p = 1 - std::pow(1 - 0.1, step_days / 7.0);
    double candidates = 0, new_plans = 0;
    for (int step = 0; step < 70 / step_days + 3; ++step) {
      const std::vector<std::uint8_t> flags(r.flags.begin(), r.flags.end());
      sim.step();
      std::int64_t holders = 0;
      for (std::size_t i = 0; i < r.size(); ++i) {
        const bool had = flags[i] & Residents::kPlan, has = r.flags[i] & Residents::kPlan;
        holders += has;
        ASSERT_TRUE(has || !had) << "resident " << i << " lost a plan";
        if (had) continue;
        if (r.need[i] != 3) {
          ASSERT_FALSE(has) << "resident " << i << " got a plan without being a heavy user";
          continue;
        }
        candidates += 1;
        new_plans += has;
      }
      ASSERT_EQ(sim.flows.n_plans, holders);
    }
    EXPECT_NEAR(new_plans / candidates, p, 4 * std::sqrt(p * (1 - p) / candidates))
        << "step_days " << step_days;
  }
}

// A plan holder's up-rates are multiplied by plans.up_rate_multiplier; down-rates unchanged.
TEST(Plans, PlanHoldersEscalateMoreSlowly) {
  const Scenario s = test::scenario_from_yaml(plans_yaml("up_rate_multiplier: 0.5"));
  Simulation sim(s, {3, 0, 1});
  for (auto& f : sim.residents.flags) f |= Residents::kPlan;
  std::array<std::array<double, kNeedLevels>, kNeedLevels> moves{};
  for (int step = 0; step < 10; ++step) {
    sim.step();
    for (int a = 0; a < kNeedLevels; ++a)
      for (int b = 0; b < kNeedLevels; ++b) moves[a][b] += static_cast<double>(sim.flows.need_flows[a][b]);
  }
  const int band_85_plus = 7;
  for (int k = 0; k < kNeedLevels; ++k) {
    double n = 0;
    for (int b = 0; b < kNeedLevels; ++b) n += moves[k][b];
    const NeedRates with_plan = need_rates(s.needs, k, band_85_plus, false, 1.0, 0.5);
    const NeedRates without = need_rates(s.needs, k, band_85_plus, false, 1.0);
    if (k < 3) {
      EXPECT_NEAR(with_plan.up, 0.5 * without.up, 1e-12);
      EXPECT_NEAR(moves[k][k + 1] / n, with_plan.up, 4 * std::sqrt(with_plan.up * (1 - with_plan.up) / n))
          << k;
    }
    if (k > 0) {
      EXPECT_NEAR(moves[k][k - 1] / n, without.down, 4 * std::sqrt(without.down * (1 - without.down) / n))
          << k;
    }
  }
}

}  // namespace
}  // namespace valinta

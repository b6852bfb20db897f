// Lever: M8 customer plans (plans.prob_per_week). Probability 0: nobody ever has a plan. Above 0:
// the share of heavy users with a plan rises over time, referrals of heavy-level visits fall
// (plans.referral_multiplier) and plan holders escalate less (plans.up_rate_multiplier on their
// need up-rates, so fewer residents climb from basic to heavy).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"

namespace valinta {
namespace {

// Only heavy-level visits are referred, so every referral is one a plan may prevent; heavy
// users step down often, so many basic-level residents are former heavy users holding a plan.
// Stations have room for everyone (no unmet need feeding back into the need ladder).
std::string region(double prob_per_week) {
  return "name: plans\n"
         "time: {start_date: 2017-02-01, steps: 80, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 4000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 2000, lat: 62.30, lon: 25.95}\n"
         "needs: {up_rate: [0.004, 0.01, 0.03], down_rate: [0.03, 0.01, 0.15]}\n"
         "referral: {probability: [0, 0, 0, 0.5]}\n"
         "plans: {prob_per_week: " +
         std::to_string(prob_per_week) +
         "}\n"
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 1e5}\n"
         "  - {name: StationB, zone: B, capacity_per_week: 1e5}\n";
}

struct PlanRun {
  std::vector<double> share_heavy_with_plan;  // per step
  std::int64_t n_plans_max = 0;
  std::int64_t heavy_served = 0, referrals = 0, basic_to_heavy = 0, basic_resident_steps = 0;
};

PlanRun run(double prob_per_week) {
  Simulation sim(test::scenario_from_yaml(region(prob_per_week)), {33, 0, 1});
  PlanRun out;
  for (int step = 0; step < 80; ++step) {
    sim.step();
    const StepFlows& f = sim.flows;
    out.share_heavy_with_plan.push_back(
        test::recorded(sim, "share_heavy_with_plan", static_cast<std::size_t>(step)));
    out.n_plans_max = std::max(out.n_plans_max, f.n_plans);
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      out.heavy_served += f.served[j * kNeedLevels + 3];
      out.referrals += f.referrals[j];
    }
    out.basic_to_heavy += f.need_flows[2][3];
    for (int to = 0; to < kNeedLevels; ++to) out.basic_resident_steps += f.need_flows[2][to];
  }
  return out;
}

TEST(PlansLever, NoPlansWithProbabilityZero) {
  const PlanRun none = run(0.0);
  EXPECT_EQ(none.n_plans_max, 0);
  for (const double share : none.share_heavy_with_plan) EXPECT_EQ(share, 0.0);
}

TEST(PlansLever, PlansReachMoreHeavyUsersAndCutTheirReferralsAndEscalation) {
  const PlanRun none = run(0.0), plans = run(0.3);
  // The share of heavy users with a plan rises: about 30 % in the first week, most of them later.
  const std::vector<double>& share = plans.share_heavy_with_plan;
  EXPECT_NEAR(share.front(), 0.3, 0.1);
  EXPECT_GT(share.back(), 0.8);
  EXPECT_GT(share[20], share[2]);

  // Referrals per heavy-level visit fall toward x 0.8 as plans spread.
  const double rate_none = static_cast<double>(none.referrals) / static_cast<double>(none.heavy_served);
  const double rate_plans = static_cast<double>(plans.referrals) / static_cast<double>(plans.heavy_served);
  EXPECT_GT(none.referrals, 2000);
  EXPECT_NEAR(rate_none, 0.5, 0.02);
  EXPECT_LT(rate_plans, 0.9 * rate_none) << "with plans " << rate_plans << ", without " << rate_none;
  EXPECT_GT(rate_plans, 0.8 * rate_none - 0.02);

  // Escalation from basic to heavy (per basic-level resident-week) falls.
  const double up_none =
      static_cast<double>(none.basic_to_heavy) / static_cast<double>(none.basic_resident_steps);
  const double up_plans =
      static_cast<double>(plans.basic_to_heavy) / static_cast<double>(plans.basic_resident_steps);
  EXPECT_GT(none.basic_to_heavy, 300);
  EXPECT_LT(up_plans, 0.92 * up_none) << "with plans " << up_plans << ", without " << up_none;
}

}  // namespace
}  // namespace valinta

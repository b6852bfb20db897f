// M1 need dynamics (phases/needs.cpp): the weekly Markov chain over the service ladder well ->
// light -> basic -> heavy. Per-step rates for any step length, the stationary distribution,
// and the verification of docs/ODD.md 10.4: without the unmet-need feedback, the simulated
// level shares settle at the chain's stationary distribution, for weekly and daily steps.
#include "valinta/phases/needs.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// The design values of docs/ODD.md 7.1, written out (the engine's defaults may be recalibrated).
NeedParams model_need_params() {
  const Scenario s = test::scenario_from_yaml(
      test::small_region_yaml() +
      "needs: {up_rate: [0.004, 0.003, 0.002], down_rate: [0.03, 0.01, 0.008],\n"
      "        age_multiplier: [1.2, 0.6, 0.6, 0.8, 1.2, 1.8, 2.6, 3.5], unmet_multiplier: 1.5}\n");
  return s.needs;
}

// Weekly steps use the rates of docs/ODD.md 7.1 as they are: up-rates times the age multiplier
// (and times 1.5 after unmet need), down-rates unchanged; no move up from heavy, none down from well.
TEST(NeedRates, WeeklyRatesAreTheModelRates) {
  const NeedParams p = model_need_params();
  const int band_75_84 = 6;
  EXPECT_DOUBLE_EQ(need_rates(p, 0, band_75_84, false, 1.0).up, 0.004 * 2.6);
  EXPECT_DOUBLE_EQ(need_rates(p, 1, band_75_84, false, 1.0).up, 0.003 * 2.6);
  EXPECT_DOUBLE_EQ(need_rates(p, 2, band_75_84, true, 1.0).up, 0.002 * 2.6 * 1.5);
  EXPECT_DOUBLE_EQ(need_rates(p, 3, band_75_84, false, 1.0).up, 0.0);
  EXPECT_DOUBLE_EQ(need_rates(p, 0, band_75_84, false, 1.0).down, 0.0);
  EXPECT_DOUBLE_EQ(need_rates(p, 1, band_75_84, true, 1.0).down, 0.03);
  EXPECT_DOUBLE_EQ(need_rates(p, 3, 0, false, 1.0).down, 0.008);
}

// A step of d days has the probability that makes d/7 weekly steps' worth of "not moving"
// compound exactly: seven daily steps without moving up are as likely as one weekly step.
TEST(NeedRates, DailyRatesCompoundToTheWeeklyRates) {
  const NeedParams p = model_need_params();
  for (int level = 0; level < kNeedLevels; ++level)
    for (int band = 0; band < kAgeBands; ++band) {
      const NeedRates week = need_rates(p, level, band, false, 1.0);
      const NeedRates day = need_rates(p, level, band, false, 1.0 / 7.0);
      EXPECT_NEAR(std::pow(1 - day.up, 7), 1 - week.up, 1e-12);
      EXPECT_NEAR(std::pow(1 - day.down, 7), 1 - week.down, 1e-12);
      EXPECT_LT(day.up, week.up + 1e-15);
    }
}

// Up and down come from one uniform draw, so together they never exceed certainty.
TEST(NeedRates, UpAndDownNeverExceedOne) {
  NeedParams p = model_need_params();
  p.up_rate = {0.9, 0.9, 0.9};
  p.down_rate = {0.8, 0.8, 0.8};
  p.age_multiplier.assign(kAgeBands, 1.0);
  const NeedRates r = need_rates(p, 1, 0, false, 1.0);
  EXPECT_DOUBLE_EQ(r.up, 0.9);
  EXPECT_NEAR(r.up + r.down, 1.0, 1e-12);
}

// The stationary distribution of the 4x4 chain, solved independently of the engine's
// birth-death formula: pi P = pi with sum(pi) = 1 by Gaussian elimination, where P is built
// from the model's weekly rates turned into per-step probabilities 1 - (1 - w)^(step weeks).
std::array<double, kNeedLevels> solve_stationary(const NeedParams& p, int band, double step_weeks) {
  auto per_step = [&](double weekly) { return 1 - std::pow(1 - std::min(1.0, weekly), step_weeks); };
  double P[kNeedLevels][kNeedLevels] = {};
  for (int k = 0; k < kNeedLevels; ++k) {
    const double up = k < 3 ? per_step(p.up_rate[k] * p.age_multiplier[band]) : 0.0;
    const double down = k > 0 ? std::min(per_step(p.down_rate[k - 1]), 1 - up) : 0.0;
    if (k < 3) P[k][k + 1] = up;
    if (k > 0) P[k][k - 1] = down;
    P[k][k] = 1 - up - down;
  }
  // Rows of (P^T - I) pi = 0, the last replaced by sum(pi) = 1.
  double A[kNeedLevels][kNeedLevels + 1] = {};
  for (int r = 0; r < kNeedLevels; ++r) {
    for (int c = 0; c < kNeedLevels; ++c) A[r][c] = P[c][r] - (r == c ? 1.0 : 0.0);
    A[r][kNeedLevels] = 0;
  }
  for (int c = 0; c < kNeedLevels; ++c) A[kNeedLevels - 1][c] = 1;
  A[kNeedLevels - 1][kNeedLevels] = 1;
  for (int c = 0; c < kNeedLevels; ++c) {
    int pivot = c;
    for (int r = c + 1; r < kNeedLevels; ++r)
      if (std::abs(A[r][c]) > std::abs(A[pivot][c])) pivot = r;
    for (int k = 0; k <= kNeedLevels; ++k) std::swap(A[c][k], A[pivot][k]);
    for (int r = 0; r < kNeedLevels; ++r) {
      if (r == c) continue;
      const double f = A[r][c] / A[c][c];
      for (int k = c; k <= kNeedLevels; ++k) A[r][k] -= f * A[c][k];
    }
  }
  std::array<double, kNeedLevels> pi{};
  for (int k = 0; k < kNeedLevels; ++k) pi[k] = A[k][kNeedLevels] / A[k][k];
  return pi;
}

TEST(NeedStationary, MatchesAnIndependentSolutionOfTheChain) {
  const NeedParams p = model_need_params();
  for (const double step_weeks : {1.0, 1.0 / 7.0, 2.0})
    for (int band = 0; band < kAgeBands; ++band) {
      const std::vector<double> engine = stationary_need_distribution(p, band, step_weeks);
      const std::array<double, kNeedLevels> mine = solve_stationary(p, band, step_weeks);
      ASSERT_EQ(engine.size(), static_cast<std::size_t>(kNeedLevels));
      for (int k = 0; k < kNeedLevels; ++k)
        EXPECT_NEAR(engine[k], mine[k], 1e-12)
            << "band " << band << ", level " << k << ", step weeks " << step_weeks;
    }
  // Limits: without escalation everyone is well; without recovery (down-rates 0) heavy is the
  // only recurrent level, so everyone ends up heavy; without recovery from light only, nobody
  // stays well.
  NeedParams no_escalation = p, no_recovery = p, no_recovery_from_light = p;
  no_escalation.up_rate = {0, 0, 0};
  no_recovery.down_rate = {0, 0, 0};
  no_recovery_from_light.down_rate = {0, 0.01, 0.008};
  const std::vector<double> well = stationary_need_distribution(no_escalation, 3, 1.0);
  const std::vector<double> heavy = stationary_need_distribution(no_recovery, 3, 1.0);
  const std::vector<double> ill = stationary_need_distribution(no_recovery_from_light, 3, 1.0);
  const auto mine = solve_stationary(no_recovery_from_light, 3, 1.0);
  for (int k = 0; k < kNeedLevels; ++k) {
    EXPECT_NEAR(well[k], k == 0 ? 1.0 : 0.0, 1e-12) << "no escalation, level " << k;
    EXPECT_NEAR(heavy[k], k == 3 ? 1.0 : 0.0, 1e-9) << "no recovery, level " << k;
    EXPECT_NEAR(ill[k], mine[k], 1e-9) << "no recovery from light, level " << k;
  }
  EXPECT_NEAR(ill[0], 0.0, 1e-9);
  // Older residents need more care: the heavy share rises with the age multiplier.
  EXPECT_GT(stationary_need_distribution(p, 7, 1.0)[3], stationary_need_distribution(p, 3, 1.0)[3]);
}

// A scenario with faster need dynamics (so the chain mixes within a short run) and without the
// unmet-need feedback (unmet_multiplier 1). Everyone starts well; after a burn-in the time
// average of the level shares must match the mixture of each age band's stationary distribution.
void expect_long_run_shares_are_stationary(int step_days, int residents, int burn_in, int steps) {
  const std::string yaml =
      "name: needs\n"
      "time: {start_date: 2017-02-01, steps: 10000, step_days: " +
      std::to_string(step_days) +
      "}\n"
      "zones: [{name: A, population: " +
      std::to_string(residents) +
      ", lat: 62.24, lon: 25.75}]\n"
      "needs: {up_rate: [0.04, 0.03, 0.02], down_rate: [0.2, 0.08, 0.06], unmet_multiplier: 1}\n";
  const Scenario s = test::scenario_from_yaml(yaml);
  Simulation sim(s, {17, 0, 1});
  Residents& r = sim.residents;
  std::array<double, kNeedLevels> expected{};
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto pi = solve_stationary(s.needs, age_band_of(r.age[i]), s.step_weeks());
    for (int k = 0; k < kNeedLevels; ++k) expected[k] += pi[k] / static_cast<double>(r.size());
    r.need[i] = 0;
  }
  std::array<double, kNeedLevels> observed{};
  for (int step = 0; step < burn_in + steps; ++step) {
    sim.step();
    // The flows matrix accounts for everyone, and moves are at most one level.
    std::int64_t total = 0;
    for (int a = 0; a < kNeedLevels; ++a)
      for (int b = 0; b < kNeedLevels; ++b) {
        total += sim.flows.need_flows[a][b];
        if (std::abs(a - b) > 1) {
          ASSERT_EQ(sim.flows.need_flows[a][b], 0);
        }
      }
    ASSERT_EQ(total, static_cast<std::int64_t>(r.size()));
    if (step < burn_in) continue;
    for (std::size_t i = 0; i < r.size(); ++i)
      observed[r.need[i]] += 1.0 / (static_cast<double>(r.size()) * steps);
  }
  for (int k = 0; k < kNeedLevels; ++k) {
    // Tolerance: four standard errors of a share estimated from about residents x 20
    // independent looks (the chain forgets its state within a twentieth of the averaging window).
    const double se = std::sqrt(expected[k] * (1 - expected[k]) / (residents * 20.0));
    EXPECT_NEAR(observed[k], expected[k], 4 * se) << "level " << k << ", step_days " << step_days;
  }
}

TEST(NeedChain, LongRunSharesMatchTheStationaryDistributionWeekly) {
  expect_long_run_shares_are_stationary(7, 8000, 150, 250);
}

TEST(NeedChain, LongRunSharesMatchTheStationaryDistributionDaily) {
  expect_long_run_shares_are_stationary(1, 2000, 1000, 1500);
}

// The simulated one-step transition frequencies are the per-step rates (one age band, so every
// resident of a level has the same rates), for weekly and daily steps; after unmet need the
// up-rates are 1.5 times higher.
TEST(NeedChain, TransitionFrequenciesAreThePerStepRates) {
  for (const auto& [unmet, step_days] :
       std::vector<std::pair<bool, int>>{{false, 7}, {true, 7}, {false, 1}}) {
    const Scenario s = test::scenario_from_yaml(
        test::with_time(test::small_region_yaml(20000, 0), 52, step_days) +
        "population: {age_band_shares: [0, 0, 0, 0, 0, 0, 1, 0]}\n"
        "needs: {up_rate: [0.04, 0.03, 0.02], down_rate: [0.2, 0.08, 0.06], unmet_multiplier: 1.5,\n"
        "        age_multiplier: [1.2, 0.6, 0.6, 0.8, 1.2, 1.8, 2.6, 3.5]}\n");
    Simulation sim(s, {5, 0, 1});
    std::array<std::array<double, kNeedLevels>, kNeedLevels> moves{};
    for (int step = 0; step < 10; ++step) {
      if (unmet) std::fill(sim.residents.unmet_steps.begin(), sim.residents.unmet_steps.end(), 50);
      sim.step();
      for (int a = 0; a < kNeedLevels; ++a)
        for (int b = 0; b < kNeedLevels; ++b) moves[a][b] += static_cast<double>(sim.flows.need_flows[a][b]);
    }
    const int band = 6;
    for (int k = 0; k < kNeedLevels; ++k) {
      double n = 0;
      for (int b = 0; b < kNeedLevels; ++b) n += moves[k][b];
      const NeedRates rate = need_rates(s.needs, k, band, unmet, step_days / 7.0);
      if (k < 3) {
        EXPECT_NEAR(moves[k][k + 1] / n, rate.up, 4 * std::sqrt(rate.up * (1 - rate.up) / n)) << k;
      }
      if (k > 0) {
        EXPECT_NEAR(moves[k][k - 1] / n, rate.down, 4 * std::sqrt(rate.down * (1 - rate.down) / n)) << k;
      }
    }
    if (unmet) {
      EXPECT_NEAR(need_rates(s.needs, 0, band, true, 1.0).up, 1.5 * 0.04 * 2.6, 1e-12);
    }
  }
}

}  // namespace
}  // namespace valinta

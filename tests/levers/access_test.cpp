// Access that settles (M2, M3; docs/ODD.md 7.2 and 7.3): contacts shy away from long queues
// (demand.wait_elasticity), public capacity flexes with the queue at a cost (service.flex_*), and
// everyone has baseline emergency visits (service.emergency_per_year) with the diversions from
// queues on top. Each rule alone, then switched off (nothing changes) and pushed (results move the
// expected way). The same population and seed in every run, so only the lever differs.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/phases/service.hpp"
#include "valinta/util/rng.hpp"

namespace valinta {
namespace {

TEST(AccessRules, JoinProbabilityFallsWithTheWait) {
  DemandParams p;
  p.wait_elasticity = 0;
  p.wait_scale_weeks = 1;
  EXPECT_EQ(join_probability(p, 10), 1.0);
  p.wait_elasticity = 0.2;
  EXPECT_EQ(join_probability(p, 0), 1.0);
  EXPECT_DOUBLE_EQ(join_probability(p, 3), std::pow(4.0, -0.2));
  EXPECT_GT(join_probability(p, 1), join_probability(p, 2));
}

TEST(AccessRules, JoinedContactsAreBinomial) {
  EXPECT_EQ(joined_contacts(3, 1.0, 0.999), 3);
  EXPECT_EQ(joined_contacts(1, 0.7, 0.29), 0);  // P(none joins) = 0.3
  EXPECT_EQ(joined_contacts(1, 0.7, 0.31), 1);
  // The mean over evenly spread uniforms is contacts x join, and every count is possible.
  const int n = 200000;
  double sum = 0;
  std::array<int, 5> seen{};
  for (int k = 0; k < n; ++k) {
    const int joined = joined_contacts(4, 0.35, (k + 0.5) / n);
    sum += joined;
    ++seen[joined];
  }
  EXPECT_NEAR(sum / n, 4 * 0.35, 1e-3);
  for (const int s : seen) EXPECT_GT(s, 0);
  EXPECT_NEAR(seen[0] / static_cast<double>(n), std::pow(0.65, 4), 1e-4);
}

// The demand pass's tabled form gives exactly joined_contacts's counts and positions, at the edges
// of the bins too (u equal to a bin's bound), for any join probability including 1.
TEST(AccessRules, JoinBinsGiveJoinedContactsExactly) {
  for (const double join : {1.0, 0.999999, 0.93, 0.5, 0.35, 0.01, 0.0}) {
    const JoinBins bins = join_bins(join);
    for (int contacts = 0; contacts <= kJoinTabled; ++contacts) {
      std::vector<double> us = {0.0, 1e-300, 0.5, std::nextafter(1.0, 0.0)};
      for (int k = 0; k < 1000; ++k) us.push_back((k + 0.37) / 1000);
      for (int k = 0; k <= contacts; ++k) {  // the bounds themselves and their neighbours
        const double b = bins.cdf[static_cast<std::size_t>(contacts)][static_cast<std::size_t>(k)];
        us.insert(us.end(), {b, std::nextafter(b, 0.0), std::nextafter(b, 1.0)});
      }
      for (const double u : us) {
        double rest_tabled = -1, rest = -1;
        ASSERT_EQ(joined_from_bins(bins, contacts, u, &rest_tabled),
                  joined_contacts(contacts, join, u, &rest))
            << "join " << join << " contacts " << contacts << " u " << u;
        ASSERT_EQ(rest_tabled, rest) << "join " << join << " contacts " << contacts << " u " << u;
      }
    }
  }
}

// One draw decides the count of contacts, then (by its position within the count's bin) whether
// they join: that position is uniform whatever the count, and the bins are the inversion's.
TEST(AccessRules, ADrawsPositionWithinItsBinIsAUniformOfItsOwn) {
  const double lambda = 0.4, e = std::exp(-lambda);
  const PoissonTable table = poisson_table(lambda, e);
  for (int k = 0; k < 4; ++k) {
    const auto [lo, hi] = poisson_bin(lambda, e, k);
    EXPECT_DOUBLE_EQ(hi, table[static_cast<std::size_t>(k)]);
    if (k > 0) EXPECT_DOUBLE_EQ(lo, table[static_cast<std::size_t>(k - 1)]);
  }
  const int n = 400000;
  std::array<double, 3> sum{}, count{};
  for (int m = 0; m < n; ++m) {
    const double u = (m + 0.5) / n;
    const int k = poisson_from_table(table, u);
    if (k > 2) continue;
    const auto [lo, hi] = poisson_bin(lambda, e, k);
    const double v = position_in_bin(u, lo, hi);
    ASSERT_GE(v, 0.0);
    ASSERT_LT(v, 1.0);
    sum[k] += v;
    count[k] += 1;
  }
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(sum[k] / count[k], 0.5, 1e-3) << "count " << k;
}

TEST(AccessRules, ContactsGoElsewhereByCoverAndIncome) {
  DemandParams p;
  p.self_pay_share = 0.3;
  EXPECT_EQ(elsewhere_for(p, true, 1, 0.0), Elsewhere::occupational);
  EXPECT_EQ(elsewhere_for(p, false, 10, 0.5), Elsewhere::self_pay);  // 0.3 x 10 / 5.5 = 0.545
  EXPECT_EQ(elsewhere_for(p, false, 10, 0.6), Elsewhere::self_care);
  EXPECT_EQ(elsewhere_for(p, false, 1, 0.06), Elsewhere::self_care);  // 0.3 / 5.5 = 0.055
}

TEST(AccessRules, OnlyPublicCapacityFlexesAndOnlyUpToItsLimit) {
  ServiceParams sp;
  sp.flex_max_share = 0.1;
  sp.flex_full_weeks = 4;
  EXPECT_EQ(capacity_flex(sp, true, 0), 1.0);
  EXPECT_DOUBLE_EQ(capacity_flex(sp, true, 2), 1.05);
  EXPECT_DOUBLE_EQ(capacity_flex(sp, true, 40), 1.1);
  EXPECT_EQ(capacity_flex(sp, false, 40), 1.0);
}

// One station short of capacity; the region runs long enough for its queue to settle.
// `service` adds to the service mapping, `extra` to the scenario.
std::string region(double capacity, const std::string& extra = "", const std::string& service = "") {
  return "name: access\n"
         "time: {start_date: 2017-02-01, steps: 60, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 8000, lat: 62.24, lon: 25.75}\n"
         "service: {capacity_ratio: " +
         std::to_string(capacity) + service + "}\n" + extra;
}

struct Outcome {
  double wait = 0;       // mean wait of the visits served in the last 20 steps (days)
  double elsewhere = 0;  // contacts gone elsewhere, all steps
  double flex = 0;       // visits on flexed capacity, all steps
  double cost = 0;       // producer cost, all steps
  double er_baseline = 0, diverted = 0;
  std::int64_t served = 0;
};

Outcome run(const std::string& yaml) {
  const Scenario s = test::scenario_from_yaml(yaml);
  Simulation sim(s, {3, 0, 1});
  Outcome o;
  double waited = 0, late_served = 0;
  for (int step = 0; step < static_cast<int>(s.time.steps); ++step) {
    sim.step();
    const StepFlows& f = sim.flows;
    o.elsewhere += std::accumulate(f.contacts_elsewhere.begin(), f.contacts_elsewhere.end(), 0.0);
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      o.flex += static_cast<double>(f.flex_visits[j]);
      o.cost += f.producer_cost[j];
      o.er_baseline += static_cast<double>(f.er_baseline[j]);
      o.diverted += static_cast<double>(f.diverted[j]);
      o.served += test::served_at(f, j);
      if (step >= 40)
        for (int a = 0; a < sim.queue_steps; ++a) {
          waited += static_cast<double>(f.wait_histogram[j * sim.queue_steps + a]) * a * 7;
          late_served += static_cast<double>(f.wait_histogram[j * sim.queue_steps + a]);
        }
    }
  }
  o.wait = late_served > 0 ? waited / late_served : 0;
  return o;
}

const std::string kAllOff =
    "demand: {wait_elasticity: 0}\n"
    "service: {capacity_ratio: 0.8, flex_max_share: 0, emergency_per_year: [0, 0, 0, 0]}\n";

TEST(AccessLever, WithoutTheRulesNothingGoesElsewhereNothingFlexesAndNoBaselineEmergency) {
  const Outcome off =
      run("name: off\ntime: {start_date: 2017-02-01, steps: 60, step_days: 7}\n"
          "zones:\n  - {name: A, population: 8000, lat: 62.24, lon: 25.75}\n" +
          kAllOff);
  EXPECT_EQ(off.elsewhere, 0);
  EXPECT_EQ(off.flex, 0);
  EXPECT_EQ(off.er_baseline, 0);
  EXPECT_GT(off.diverted, 0) << "without the rules a short station diverts";
}

TEST(AccessLever, WaitsGrowSmoothlyAsCapacityFalls) {
  double previous = -1;
  for (const double capacity : {0.95, 0.85, 0.75, 0.65}) {
    const Outcome o = run(region(capacity));
    EXPECT_GT(o.wait, previous) << "capacity " << capacity;
    previous = o.wait;
  }
  EXPECT_LT(previous, 60) << "a station a third short still serves within two months";
  EXPECT_GT(previous, 10);
}

TEST(AccessLever, StrongerResponseToWaitsMeansShorterWaitsAndMoreContactsElsewhere) {
  const Outcome weak = run(region(0.7, "demand: {wait_elasticity: 0.1}\n"));
  const Outcome strong = run(region(0.7, "demand: {wait_elasticity: 0.4}\n"));
  EXPECT_LT(strong.wait, weak.wait);
  EXPECT_GT(strong.elsewhere, weak.elsewhere);
}

TEST(AccessLever, FlexServesMoreAtACost) {
  const Outcome none = run(region(0.75, "", ", flex_max_share: 0"));
  const Outcome flex = run(region(0.75, "", ", flex_max_share: 0.3"));
  EXPECT_EQ(none.flex, 0);
  EXPECT_GT(flex.flex, 0);
  EXPECT_GT(flex.served, none.served);
  EXPECT_LT(flex.wait, none.wait);
  EXPECT_GT(flex.cost, none.cost);
}

TEST(AccessLever, BaselineEmergencyVisitsFollowTheirRates) {
  const Outcome low = run(region(1.0, "", ", emergency_per_year: [0.05, 0.1, 0.2, 0.5]"));
  const Outcome high = run(region(1.0, "", ", emergency_per_year: [0.5, 1, 2, 5]"));
  EXPECT_GT(low.er_baseline, 0);
  // Ten times the rates, ten times the visits (within sampling error: a few hundred visits).
  EXPECT_NEAR(high.er_baseline / low.er_baseline, 10.0, 1.5);
}

}  // namespace
}  // namespace valinta

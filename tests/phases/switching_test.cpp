// Switching (phases/switching.cpp and the rules in phases/choice.cpp): the lock-in
// (min_listing_months), max_switches_per_year, listing caps (a full producer refuses and the
// resident takes the next choice), opt-in (non-eligible residents stay at their home station),
// default assignment to the nearest producer, and the reason recorded for every switch.
#include "valinta/phases/switching.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/phases/record.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// Minors choose for themselves here (choice.minors_follow_guardian: false): these tests follow
// every eligible resident's own review and choice.

// Five identical producers, no inertia and a very high review hazard: residents would switch
// almost every week if the rules let them.
std::string restless_yaml(const std::string& rules, int residents = 2000, int steps = 120,
                          int step_days = 7) {
  std::string yaml =
      "name: restless\n"
      "time: {start_date: 2017-02-01, steps: " +
      std::to_string(steps) + ", step_days: " + std::to_string(step_days) +
      "}\n"
      "zones: [{name: A, population: " +
      std::to_string(residents) +
      ", lat: 62.24, lon: 25.75}]\n"
      "pilot: {zones: [A]}\n"
      "rules: {" +
      rules +
      "}\n"
      "choice: {minors_follow_guardian: false, inertia: 0, base_review_per_year: 50, awareness_per_year: 0}\n"
      "producers:\n";
  for (int k = 0; k < 5; ++k)
    yaml += "  - {name: P" + std::to_string(k) + ", zone: A, capacity_per_week: 1e6}\n";
  return yaml;
}

// min_listing_months: a resident listed at a producer stays at least that long
// (months of 30.44 days, rounded up to whole steps) before switching again.
TEST(SwitchingRules, LockInIsRespected) {
  const Scenario s =
      test::scenario_from_yaml(restless_yaml("min_listing_months: 2, max_switches_per_year: 52"));
  Simulation sim(s, {1, 0, 1});
  const Residents& r = sim.residents;
  std::vector<int> last_switch(r.size(), -1);
  int shortest_gap = 1 << 30;
  for (int step = 0; step < 40; ++step) {
    const std::vector<std::uint16_t> before(r.listed.begin(), r.listed.end());
    sim.step();
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (r.listed[i] == before[i]) continue;
      ASSERT_EQ(r.listed_since[i], step);
      if (last_switch[i] >= 0) {
        ASSERT_GE((step - last_switch[i]) * 7, 2 * 30.44) << "resident " << i << " switched again too soon";
        shortest_gap = std::min(shortest_gap, step - last_switch[i]);
      }
      last_switch[i] = step;
    }
  }
  // The lock-in binds and is not longer than the rule: 2 months = 60.9 days -> 9 weeks.
  EXPECT_EQ(shortest_gap, 9);
}

// The lock-in runs from a resident's own choice: residents listed at their home station since
// before the run may choose at once, even under a long lock-in counted in daily steps
// (36 months = 1096 steps).
TEST(SwitchingRules, ResidentsWhoNeverChoseAreNotLockedIn) {
  const Scenario s = test::scenario_from_yaml(
      restless_yaml("min_listing_months: 36, max_switches_per_year: 52", 1000, 1200, 1));
  Simulation sim(s, {1, 0, 1});
  sim.step();
  EXPECT_GT(test::total_switches(sim.flows), 0) << "nobody could switch at the pilot start";
}

// max_switches_per_year: at most that many switches in each pilot year (52 weekly steps from
// the pilot start); the count starts afresh in the next pilot year.
TEST(SwitchingRules, MaxSwitchesPerYearIsRespected) {
  const Scenario s =
      test::scenario_from_yaml(restless_yaml("min_listing_months: 0, max_switches_per_year: 2"));
  Simulation sim(s, {2, 0, 1});
  const Residents& r = sim.residents;
  std::vector<std::array<int, 2>> per_year(r.size(), {0, 0});
  for (int step = 0; step < 70; ++step) {
    const std::vector<std::uint16_t> before(r.listed.begin(), r.listed.end());
    sim.step();
    for (std::size_t i = 0; i < r.size(); ++i)
      if (r.listed[i] != before[i]) ++per_year[i][step / 52];
  }
  std::size_t at_limit = 0, again_next_year = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    ASSERT_LE(per_year[i][0], 2) << "resident " << i;
    ASSERT_LE(per_year[i][1], 2) << "resident " << i;
    at_limit += per_year[i][0] == 2;
    again_next_year += per_year[i][0] == 2 && per_year[i][1] > 0;
    EXPECT_EQ(r.switches[i], per_year[i][0] + per_year[i][1]);
  }
  EXPECT_GT(at_limit, r.size() / 2);
  EXPECT_GT(again_next_year, r.size() / 2);
}

// Opt-in (the Finnish pilots): only eligible residents (pilot zones, at least min_age) choose;
// everyone else stays listed at their home station, the nearest public station of their zone.
TEST(SwitchingRules, OptInNonEligibleResidentsNeverLeaveTheirHomeStation) {
  const Scenario s = test::scenario_from_yaml(
      test::small_region_yaml(3000, 2000) +
      "pilot: {zones: [A], min_age: 18}\n"
      "choice: {minors_follow_guardian: false, inertia: 0, base_review_per_year: 20}\n"
      "producers:\n"
      "  - {name: StationA, zone: A}\n"
      "  - {name: StationB, zone: B}\n"
      "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: "
      "25.76, capacity_per_week: 1e6, quality: 1}\n"
      "  - {name: Online, sector: private, zone: B, digital_first: "
      "true, capacity_per_week: 1e6, digital: 1}\n");
  Simulation sim(s, {3, 0, 1});
  const Residents& r = sim.residents;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const bool eligible = sim.zones[r.zone[i]].in_pilot && r.age[i] >= 18;
    ASSERT_EQ(static_cast<bool>(r.flags[i] & Residents::kEligible), eligible) << "resident " << i;
    ASSERT_EQ(sim.producers[r.home[i]].sector, Sector::public_sector);
    ASSERT_EQ(sim.producers[r.home[i]].zone, r.zone[i]);
  }
  std::size_t eligible_away = 0;
  for (int step = 0; step < 30; ++step) {
    sim.step();
    for (std::size_t i = 0; i < r.size(); ++i)
      if (!(r.flags[i] & Residents::kEligible)) {
        ASSERT_EQ(r.listed[i], r.home[i]) << "resident " << i << ", step " << step;
      }
  }
  for (std::size_t i = 0; i < r.size(); ++i) eligible_away += r.listed[i] != r.home[i];
  EXPECT_GT(eligible_away, 500u);
}

// default_assignment: nearest (the Swedish opt-out): at the pilot start every eligible resident
// is listed at the nearest producer (reason "assignment", not counted as their own switch);
// nothing moves before the pilot starts, and non-eligible residents stay at home.
TEST(SwitchingRules, DefaultAssignmentListsEligibleResidentsAtTheNearestProducer) {
  const Scenario s = test::scenario_from_yaml(
      test::small_region_yaml(3000, 1000) +
      "pilot: {zones: [A], start_date: 2017-03-01}\n"
      "rules: {default_assignment: nearest}\n"
      "choice: {minors_follow_guardian: false, base_review_per_year: 0, awareness_per_year: 0, "
      "dissatisfaction_per_year: 0}\n"
      "producers:\n"
      "  - {name: StationA, zone: A}\n"
      "  - {name: StationB, zone: B}\n"
      "  - {name: North, sector: private, zone: A, lat: 62.27, lon: 25.75, capacity_per_week: 1e6}\n"
      "  - {name: South, sector: third_sector, zone: A, lat: 62.21, lon: 25.75, capacity_per_week: 1e6}\n");
  ASSERT_EQ(s.pilot_start_step, 4);
  Simulation sim(s, {4, 0, 1});
  const Residents& r = sim.residents;
  for (int step = 0; step < 4; ++step) {
    sim.step();
    ASSERT_EQ(test::total_switches(sim.flows), 0);
  }
  sim.step();  // the pilot's first step
  std::int64_t moved = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (!(r.flags[i] & Residents::kEligible)) {
      ASSERT_EQ(r.listed[i], r.home[i]);
      continue;
    }
    std::size_t nearest = 0;
    double best = INFINITY;
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      const double minutes =
          travel_minutes(s.choice, r.lat[i], r.lon[i], sim.producers[j].lat, sim.producers[j].lon);
      if (minutes < best) best = minutes, nearest = j;
    }
    ASSERT_EQ(r.listed[i], nearest) << "resident " << i;
    ASSERT_EQ(r.switches[i], 0);
    moved += r.listed[i] != r.home[i];
  }
  EXPECT_GT(moved, 500);
  EXPECT_EQ(sim.flows.switches_by_reason[static_cast<int>(SwitchReason::assignment)], moved);
  EXPECT_EQ(test::total_switches(sim.flows), moved);
}

// A producer at its listing cap refuses; the refused resident takes their next choice. Everyone
// reviews at once with no inertia; the engine's own ranking (the same draw as in the choice
// phase) says what each resident wanted.
TEST(SwitchingRules, FullProducerRefusesAndResidentTakesNextChoice) {
  const Scenario s = test::scenario_from_yaml(
      "name: cap\n"
      "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
      "zones: [{name: A, population: 4000, lat: 62.24, lon: 25.75}]\n"
      "pilot: {zones: [A]}\n"
      "choice: {minors_follow_guardian: false, inertia: 0, base_review_per_year: 100000, awareness_per_year: "
      "0}\n"
      "producers:\n"
      "  - {name: Home, zone: A, capacity_per_week: 1e6}\n"
      "  - {name: Popular, sector: third_sector, zone: A, capacity_per_week: 1e6, quality: 3, listing_cap: "
      "300}\n"
      "  - {name: Second, sector: third_sector, zone: A, capacity_per_week: 1e6, quality: 2}\n");
  Simulation sim(s, {5, 0, 1});
  const Residents& r = sim.residents;
  std::vector<std::vector<std::uint16_t>> ranking(r.size());
  std::size_t wanted_popular = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    ranking[i] = rank_producers(sim, i, true);
    wanted_popular += ranking[i].front() == 1;
  }
  ASSERT_GT(wanted_popular, 600u);
  sim.step();
  EXPECT_EQ(sim.producers[1].n_listed, 300);
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (ranking[i].front() != 1) {
      ASSERT_EQ(r.listed[i], ranking[i].front()) << "resident " << i;
    } else if (r.listed[i] != 1) {
      ASSERT_EQ(r.listed[i], ranking[i][1]) << "refused resident " << i << " should take the next choice";
    }
  }
}

// A listing cap is never exceeded, step after step, with residents leaving and joining.
TEST(SwitchingRules, ListingCapIsNeverExceeded) {
  std::string yaml = restless_yaml("min_listing_months: 1, max_switches_per_year: 52", 3000, 60);
  yaml +=
      "  - {name: Capped, sector: private, zone: A, capacity_per_week: 1e6, quality: 2, listing_cap: 250}\n";
  const Scenario s = test::scenario_from_yaml(yaml);
  Simulation sim(s, {6, 0, 1});
  std::int64_t fullest = 0;
  for (int step = 0; step < 40; ++step) {
    sim.step();
    ASSERT_LE(sim.producers[5].n_listed, 250) << "step " << step;
    ASSERT_EQ(sim.producers[5].n_listed, test::listed_counts(sim)[5]);
    fullest = std::max(fullest, sim.producers[5].n_listed);
  }
  EXPECT_EQ(fullest, 250);
}

// Every switch records one reason: the counts by reason add up to the switches, which are the
// residents whose listing changed, and to the same total by producer, age band, income decile
// and zone. Dissatisfaction is a reason of its own.
TEST(SwitchingRules, EverySwitchHasAReason) {
  const Scenario s = test::scenario_from_yaml(
      test::small_region_yaml(3000, 2000) +
      "pilot: {zones: [A, B]}\n"
      "service: {capacity_ratio: 0.8}\n"
      "rules: {min_listing_months: 1}\n"
      "choice: {minors_follow_guardian: false, awareness_per_year: 3, dissatisfaction_per_year: 5}\n"
      "producers:\n"
      "  - {name: StationA, zone: A}\n"
      "  - {name: StationB, zone: B}\n"
      "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: "
      "25.76, capacity_per_week: 50, listing_cap: 200}\n");
  Simulation sim(s, {7, 0, 1});
  std::array<std::int64_t, kSwitchReasons> by_reason{};
  for (int step = 0; step < 52; ++step) {
    const std::vector<std::uint16_t> before(sim.residents.listed.begin(), sim.residents.listed.end());
    sim.step();
    const StepFlows& f = sim.flows;
    std::int64_t changed = 0;
    for (std::size_t i = 0; i < before.size(); ++i) changed += sim.residents.listed[i] != before[i];
    const std::int64_t total = test::total_switches(f);
    auto sum = [](const auto& v) { return std::accumulate(v.begin(), v.end(), std::int64_t{0}); };
    ASSERT_EQ(total, changed);
    ASSERT_EQ(sum(f.switches_in), total);
    ASSERT_EQ(sum(f.switches_out), total);
    ASSERT_EQ(sum(f.switches_by_age_band), total);
    ASSERT_EQ(sum(f.switches_by_income_decile), total);
    ASSERT_EQ(sum(f.switches_by_zone), total);
    ASSERT_LE(total, f.reviews);
    for (int k = 0; k < kSwitchReasons; ++k) by_reason[k] += f.switches_by_reason[k];
  }
  EXPECT_GT(by_reason[static_cast<int>(SwitchReason::review)], 0);
  EXPECT_GT(by_reason[static_cast<int>(SwitchReason::dissatisfaction)], 0);
}

// A step's switches are applied on all threads (each thread writes its share of the movers' rows
// and the counts of its share of producers and zones): any number of threads moves the same
// residents, and the running counts of risk cells and of residents away from home always equal a
// recount from the residents. Thousands switch every step, with a capped producer among the five.
TEST(SwitchingRules, ManySwitchesAreAppliedAlikeOnAnyNumberOfThreads) {
  std::string yaml = restless_yaml("min_listing_months: 1, max_switches_per_year: 52", 20000, 12);
  yaml +=
      "  - {name: Capped, sector: private, zone: A, capacity_per_week: 1e6, quality: 2, listing_cap: 1500}\n";
  const Scenario s = test::scenario_from_yaml(yaml);
  Simulation one(s, {8, 0, 1}), four(s, {8, 0, 4});
  std::int64_t most = 0;
  for (int step = 0; step < 12; ++step) {
    one.step();
    four.step();
    most = std::max(most, test::total_switches(one.flows));
    ASSERT_EQ(test::total_switches(one.flows), test::total_switches(four.flows)) << "step " << step;
    ASSERT_EQ(one.flows.switches_in, four.flows.switches_in) << "step " << step;
    ASSERT_EQ(one.flows.switches_by_reason, four.flows.switches_by_reason) << "step " << step;
    const Residents &a = one.residents, &b = four.residents;
    ASSERT_TRUE(std::equal(a.listed.begin(), a.listed.end(), b.listed.begin())) << "step " << step;
    ASSERT_TRUE(std::equal(a.listed_since.begin(), a.listed_since.end(), b.listed_since.begin()))
        << "step " << step;
    ASSERT_TRUE(std::equal(a.switches.begin(), a.switches.end(), b.switches.begin())) << "step " << step;
    ASSERT_TRUE(
        std::equal(a.switches_this_year.begin(), a.switches_this_year.end(), b.switches_this_year.begin()));
    for (const Simulation* sim : {&one, &four}) {
      ASSERT_EQ(sim->risk_cells, count_risk_cells(*sim))
          << "step " << step << ", " << sim->threads() << " threads";
      ASSERT_EQ(sim->away_from_home, count_away_from_home(*sim))
          << "step " << step << ", " << sim->threads() << " threads";
      ASSERT_EQ(sim->producers[5].n_listed, test::listed_counts(*sim)[5]);
      ASSERT_LE(sim->producers[5].n_listed, 1500);
    }
  }
  EXPECT_GT(most, 2000) << "the steps must have enough switches to be shared out among threads";
}

}  // namespace
}  // namespace valinta

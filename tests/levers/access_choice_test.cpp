// Choice that responds to access (M5, docs/ODD.md 7.5.1): a resident whose own contact went unmet
// reviews more often (choice.access_review_per_year, reason poor_access), and residents of a zone
// where neighbours switched lately review more often (choice.neighbour_review_per_year, reason
// neighbours). Switched off, neither changes anything; pushed, each moves switching the expected
// way. The same population and seed in every run, so only the lever differs.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "levers/lever_helpers.hpp"
#include "valinta/phases/choice.hpp"

namespace valinta {
namespace {

// One pilot zone whose public station is short of capacity (queues, diversions, unmet need) and
// a private clinic with room; a second pilot zone with a station of ample capacity.
std::string region(const std::string& choice) {
  return "name: access-choice\n"
         "time: {start_date: 2017-02-01, steps: 40, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 4000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 3000, lat: 62.60, lon: 26.40}\n"
         "pilot: {zones: [A, B]}\n"
         "service: {er_threshold_weeks: 1, er_prob_per_week: 0.3}\n"
         "choice: {" +
         choice +
         "}\n"
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 120}\n"
         "  - {name: StationB, zone: B, capacity_per_week: 1e5}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 1e5}\n";
}

struct Outcome {
  std::int64_t switches = 0, reviews = 0;
  std::array<std::int64_t, kSwitchReasons> by_reason{};
  std::vector<std::int64_t> by_zone;
};

Outcome run(const std::string& choice) {
  const Scenario s = test::scenario_from_yaml(region(choice));
  Simulation sim(s, {5, 0, 1});
  Outcome out;
  out.by_zone.assign(sim.zones.size(), 0);
  for (int step = 0; step < static_cast<int>(s.time.steps); ++step) {
    sim.step();
    out.switches += test::total_switches(sim.flows);
    out.reviews += sim.flows.reviews;
    for (int k = 0; k < kSwitchReasons; ++k) out.by_reason[k] += sim.flows.switches_by_reason[k];
    for (std::size_t z = 0; z < sim.zones.size(); ++z) out.by_zone[z] += sim.flows.switches_by_zone[z];
  }
  return out;
}

std::int64_t of(const Outcome& o, SwitchReason r) { return o.by_reason[static_cast<int>(r)]; }

const std::string kOff = "access_review_per_year: 0, neighbour_review_per_year: 0";

TEST(AccessChoiceLever, SwitchedOffNoSwitchHasTheseReasonsAndTheirSettingsChangeNothing) {
  const Outcome off = run(kOff);
  EXPECT_GT(off.switches, 0);
  EXPECT_EQ(of(off, SwitchReason::poor_access), 0);
  EXPECT_EQ(of(off, SwitchReason::neighbours), 0);
  // With the hazards at zero, the neighbours' memory is irrelevant.
  const Outcome other_memory = run(kOff + ", neighbour_memory_weeks: 2");
  EXPECT_EQ(other_memory.switches, off.switches);
  EXPECT_EQ(other_memory.reviews, off.reviews);
  EXPECT_EQ(other_memory.by_zone, off.by_zone);
}

TEST(AccessChoiceLever, OwnUnmetContactsRaiseReviewsWhereAccessIsPoor) {
  const Outcome off = run(kOff);
  const Outcome on = run("access_review_per_year: 20, neighbour_review_per_year: 0");
  EXPECT_GT(of(on, SwitchReason::poor_access), 0);
  EXPECT_GT(on.reviews, off.reviews);
  EXPECT_GT(on.switches, off.switches);
  // The extra switching is in the zone with the short station, not in the one with room.
  EXPECT_GT(on.by_zone[0] - off.by_zone[0],
            5 * std::max<std::int64_t>(1, std::abs(on.by_zone[1] - off.by_zone[1])));
}

TEST(AccessChoiceLever, NeighboursWhoSwitchedPromptMoreReviews) {
  const Outcome off = run(kOff);
  const Outcome some = run("access_review_per_year: 0, neighbour_review_per_year: 5");
  const Outcome more = run("access_review_per_year: 0, neighbour_review_per_year: 50");
  EXPECT_GT(of(some, SwitchReason::neighbours), 0);
  EXPECT_GT(of(more, SwitchReason::neighbours), of(some, SwitchReason::neighbours));
  EXPECT_GT(some.switches, off.switches);
  EXPECT_GT(more.switches, some.switches);
}

// The neighbours' memory: a share decays by exp(-weeks / memory) and each step adds its own
// switchers' share; the review probability is the exponential of the hazard.
TEST(AccessChoiceLever, NeighbourMemoryAndProbabilityFollowTheirFormulas) {
  const Scenario s =
      test::scenario_from_yaml(region("neighbour_review_per_year: 2, neighbour_memory_weeks: 13"));
  EXPECT_DOUBLE_EQ(updated_recent_switchers(s, 0.1, 30, 1000), 0.1 * std::exp(-1.0 / 13) + 0.03);
  EXPECT_DOUBLE_EQ(updated_recent_switchers(s, 0.1, 0, 0), 0.1 * std::exp(-1.0 / 13));
  EXPECT_DOUBLE_EQ(neighbour_probability(s, 0.05), 1 - std::exp(-2 * 0.05 * 7 / 365.25));
  EXPECT_EQ(neighbour_probability(s, 0), 0);
}

}  // namespace
}  // namespace valinta

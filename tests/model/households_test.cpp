// Households (run/build_population.cpp attach_minors, phases/choice.cpp household_requests;
// docs/ODD.md 5.1 and 7.5.1): every minor is attached to an adult of parenting age in their zone,
// at most max_minors_per_guardian to one; with choice.minors_follow_guardian minors do not review
// and are listed where their guardian chooses; switched off, nothing changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// Two pilot zones, a private clinic with room for all, residents who review often; `choice` adds
// to the choice mapping.
std::string region(const std::string& choice = "") {
  return "name: households\n"
         "time: {start_date: 2017-02-01, steps: 40, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 4000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 3000, lat: 62.30, lon: 25.95}\n"
         "pilot: {zones: [A, B]}\n"
         "rules: {min_listing_months: 1, max_switches_per_year: 52}\n"
         "choice: {awareness_per_year: 6, base_review_per_year: 2, inertia: 0.5" +
         choice +
         "}\n"
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 1e5}\n"
         "  - {name: StationB, zone: B, capacity_per_week: 1e5}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 1e5,\n"
         "     quality: 0.5, digital: 0.7}\n";
}

TEST(Households, EveryMinorHasAGuardianOfParentingAgeInTheirZone) {
  const Scenario s = test::scenario_from_yaml(region());
  Simulation sim(s, {3, 0, 1});
  const Residents& r = sim.residents;
  std::map<std::uint32_t, int> minors_per_guardian;
  std::size_t minors = 0;
  for (std::size_t i = 0; i < r.size(); ++i) minors += r.age[i] < kAdultAge ? 1 : 0;
  ASSERT_EQ(sim.minors_of.size(), minors) << "every minor is attached (there are adults enough)";
  EXPECT_TRUE(std::is_sorted(sim.minors_of.begin(), sim.minors_of.end()));
  for (const auto& [guardian, minor] : sim.minors_of) {
    EXPECT_LT(r.age[minor], kAdultAge);
    EXPECT_GE(r.age[guardian], s.population.guardian_min_age);
    EXPECT_LE(r.age[guardian], s.population.guardian_max_age);
    EXPECT_EQ(r.zone[guardian], r.zone[minor]);
    EXPECT_TRUE(r.flags[minor] & Residents::kMinor);
    ++minors_per_guardian[guardian];
  }
  for (const auto& [guardian, n] : minors_per_guardian) EXPECT_LE(n, s.population.max_minors_per_guardian);
  // The same households when built again.
  Simulation again(s, {3, 0, 1});
  EXPECT_EQ(again.minors_of, sim.minors_of);
}

struct Switching {
  std::int64_t minor_own_switches = 0, household_switches = 0, minor_switches = 0;
};

// Runs the region; checks at every step that a minor listed away from home is where their guardian is.
Switching run(const std::string& choice, bool check_follow) {
  const Scenario s = test::scenario_from_yaml(region(choice));
  Simulation sim(s, {3, 0, 1});
  const Residents& r = sim.residents;
  Switching out;
  for (int step = 0; step < static_cast<int>(s.time.steps); ++step) {
    sim.step();
    out.household_switches += sim.flows.switches_by_reason[static_cast<int>(SwitchReason::household)];
    out.minor_switches += sim.flows.switches_by_age_band[0] + sim.flows.switches_by_age_band[1];
    if (!check_follow) continue;
    for (const auto& [guardian, minor] : sim.minors_of)
      if (r.listed[minor] != r.home[minor])
        EXPECT_EQ(r.listed[minor], r.listed[guardian]) << "step " << step << ", minor " << minor;
  }
  out.minor_own_switches = out.minor_switches - out.household_switches;
  return out;
}

TEST(Households, MinorsAreListedWhereTheirGuardianChoseAndNeverChooseThemselves) {
  const Switching on = run("", true);
  EXPECT_GT(on.household_switches, 0);
  EXPECT_EQ(on.minor_own_switches, 0);
}

TEST(Households, SwitchedOffMinorsChooseAloneAndNothingFollows) {
  const Switching off = run(", minors_follow_guardian: false", false);
  EXPECT_EQ(off.household_switches, 0);
  EXPECT_GT(off.minor_own_switches, 0);
}

}  // namespace
}  // namespace valinta

// Levers of the switching rules (M5): the lock-in (rules.min_listing_months), the most switches
// a year, who is eligible (pilot.min_age / max_age), the default assignment (opt-in vs nearest)
// and client fees by sector. Each comparison runs the same population with the same seed, so
// residents draw the same random numbers in both runs and only the lever differs.
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "valinta/phases/choice.hpp"

namespace valinta {
namespace {

// Two pilot zones and a third outside the pilot; a public station in each, a private clinic in
// A and a third-sector unit in B, none of them short of capacity. Residents review often.
std::string region(const std::string& rules, const std::string& extra = "", int steps = 60) {
  return "name: choice-rules\n"
         "time: {start_date: 2017-02-01, steps: " +
         std::to_string(steps) +
         ", step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n"
         "  - {name: C, population: 600, lat: 62.40, lon: 25.90}\n"
         "pilot: {zones: [A, B]}\n"
         "rules: {" +
         rules + "}\n" + extra +
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 1e5}\n"
         "  - {name: StationB, zone: B, capacity_per_week: 1e5}\n"
         "  - {name: StationC, zone: C, capacity_per_week: 1e5}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 1e5,\n"
         "     quality: 0.5, digital: 0.7}\n"
         "  - {name: Third, sector: third_sector, zone: B, lat: 62.29, lon: 25.93, capacity_per_week: 1e5}\n";
}

const std::string kRestless = "choice: {awareness_per_year: 6, base_review_per_year: 2, inertia: 0.5}\n";

std::int64_t run_and_count_switches(const Scenario& s, std::uint64_t seed = 2) {
  Simulation sim(s, {seed, 0, 1});
  std::int64_t switches = 0;
  for (int step = 0; step < static_cast<int>(s.time.steps); ++step) {
    sim.step();
    switches += test::total_switches(sim.flows);
  }
  return switches;
}

// A longer lock-in leaves fewer chances to switch again: fewer switches.
TEST(ChoiceRulesLever, LongerLockInMeansFewerSwitches) {
  std::vector<std::int64_t> switches;
  for (const int months : {1, 3, 6, 12})
    switches.push_back(run_and_count_switches(test::scenario_from_yaml(
        region("max_switches_per_year: 52, min_listing_months: " + std::to_string(months), kRestless))));
  for (std::size_t k = 1; k < switches.size(); ++k)
    EXPECT_LT(switches[k], switches[k - 1])
        << "lock-in step " << k << ": " << switches[k] << " vs " << switches[k - 1];
  EXPECT_GT(switches.front(), 1.4 * static_cast<double>(switches.back()));
}

// max_switches_per_year 0: nobody may switch, so nobody does (and nobody even reviews); one a
// year lets them.
TEST(ChoiceRulesLever, NoSwitchesAllowedMeansNoSwitches) {
  Simulation none(
      test::scenario_from_yaml(region("max_switches_per_year: 0, min_listing_months: 1", kRestless)),
      {2, 0, 1});
  for (int step = 0; step < 60; ++step) {
    none.step();
    ASSERT_EQ(test::total_switches(none.flows), 0) << "step " << step;
    ASSERT_EQ(none.flows.reviews, 0) << "step " << step;
  }
  for (std::size_t i = 0; i < none.residents.size(); ++i)
    ASSERT_EQ(none.residents.listed[i], none.residents.home[i]);
  EXPECT_GT(run_and_count_switches(test::scenario_from_yaml(
                region("max_switches_per_year: 1, min_listing_months: 1", kRestless))),
            500);
}

// pilot.min_age / max_age: only residents of pilot zones aged within the limits may choose;
// everyone else stays at their home station, whatever the others do.
TEST(ChoiceRulesLever, PilotAgeLimitsRestrictWhoMayChoose) {
  const std::string rules = "max_switches_per_year: 52, min_listing_months: 1";
  std::string limited_yaml = region(rules, kRestless);
  const std::string pilot = "pilot: {zones: [A, B]}";
  limited_yaml.replace(limited_yaml.find(pilot), pilot.size(),
                       "pilot: {zones: [A, B], min_age: 18, max_age: 64}");
  Simulation limited(test::scenario_from_yaml(limited_yaml), {2, 0, 1});
  Simulation everyone(test::scenario_from_yaml(region(rules, kRestless)), {2, 0, 1});
  const Residents& r = limited.residents;
  const std::size_t zone_c = test::zone_named(limited, "C");
  std::int64_t eligible = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const bool should = r.zone[i] != zone_c && r.age[i] >= 18 && r.age[i] <= 64;
    ASSERT_EQ((r.flags[i] & Residents::kEligible) != 0, should)
        << "resident " << i << " aged " << int(r.age[i]);
    eligible += should;
  }
  EXPECT_GT(eligible, 1000);
  EXPECT_LT(eligible, static_cast<std::int64_t>(r.size()) - 1000);
  // Age bands 0-6, 7-17 and 65+ lie wholly outside the limits; 18-24 .. 45-64 wholly inside.
  std::array<std::int64_t, kAgeBands> limited_by_band{}, everyone_by_band{};
  for (int step = 0; step < 60; ++step) {
    limited.step();
    everyone.step();
    for (int b = 0; b < kAgeBands; ++b) {
      limited_by_band[b] += limited.flows.switches_by_age_band[b];
      everyone_by_band[b] += everyone.flows.switches_by_age_band[b];
    }
  }
  for (std::size_t i = 0; i < r.size(); ++i)
    if (!(r.flags[i] & Residents::kEligible))
      ASSERT_EQ(r.listed[i], r.home[i]) << "resident " << i << " aged " << int(r.age[i]);
  for (const int band : {0, 1, 5, 6, 7}) {
    EXPECT_EQ(limited_by_band[band], 0) << kAgeBandNames[band];
    EXPECT_GT(everyone_by_band[band], 0) << kAgeBandNames[band];
  }
  for (const int band : {2, 3, 4}) EXPECT_GT(limited_by_band[band], 0) << kAgeBandNames[band];
}

// Default assignment, with nobody ever reviewing: under opt-in everyone stays at their home
// station; under `nearest` every eligible resident is listed at the producer of the pilot area
// nearest to them from the pilot's start (reason assignment), and nobody outside the pilot moves.
TEST(ChoiceRulesLever, OptInKeepsEveryoneHomeAndNearestListsEligibleResidentsAtTheNearestProducer) {
  const std::string still =
      "choice: {awareness_per_year: 0, base_review_per_year: 0, dissatisfaction_per_year: 0}\n";
  Simulation opt_in(
      test::scenario_from_yaml(region("default_assignment: opt_in, min_listing_months: 1", still, 20)),
      {2, 0, 1});
  Simulation nearest(
      test::scenario_from_yaml(region("default_assignment: nearest, min_listing_months: 1", still, 20)),
      {2, 0, 1});
  const std::size_t clinic = test::producer_named(nearest, "Clinic");
  for (int step = 0; step < 20; ++step) {
    opt_in.step();
    nearest.step();
    test::expect_residents_conserved(nearest);
    ASSERT_EQ(test::total_switches(opt_in.flows), 0);
    const std::int64_t assigned =
        nearest.flows.switches_by_reason[static_cast<int>(SwitchReason::assignment)];
    EXPECT_EQ(test::total_switches(nearest.flows), assigned);
    if (step == 0) EXPECT_GT(assigned, 100);
    if (step > 0) EXPECT_EQ(assigned, 0);
  }
  const Residents& r = nearest.residents;
  const ChoiceParams& c = nearest.scenario.choice;
  for (std::size_t i = 0; i < r.size(); ++i) {
    ASSERT_EQ(opt_in.residents.listed[i], opt_in.residents.home[i]);
    if (!(r.flags[i] & Residents::kEligible)) {
      ASSERT_EQ(r.listed[i], r.home[i]);
      continue;
    }
    const Producer& at = nearest.producers[r.listed[i]];
    const double minutes = travel_minutes(c, r.lat[i], r.lon[i], at.lat, at.lon);
    for (const Producer& other : nearest.producers)
      if (other.active && nearest.zones[other.zone].in_pilot)
        ASSERT_LE(minutes, travel_minutes(c, r.lat[i], r.lon[i], other.lat, other.lon) + 1e-9)
            << "resident " << i;
  }
  EXPECT_EQ(opt_in.producers[clinic].n_listed, 0);
  EXPECT_GT(nearest.producers[clinic].n_listed, 100);
}

// Only open producers can take residents: under `nearest`, a unit that opens later (or a market
// entrant's empty slot) gets nobody at the pilot's start, even where it is the nearest.
TEST(ChoiceRulesLever, NearestAssignmentOnlyListsAtOpenProducers) {
  const std::string later =
      "  - {name: Later, sector: private, zone: A, lat: 62.26, lon: 25.78, capacity_per_week: 100, opens: " +
      test::date_of_week(10) + "}\n";
  // The second chain's slots lie a little north of the zone centres.
  const std::string market =
      "market: {enabled: true, min_zone_population: 1000, entry_hurdle: 1e9}\n"
      "chains: [{name: Chain}, {name: Other}]\n";
  Simulation sim(test::scenario_from_yaml(
                     region("default_assignment: nearest, min_listing_months: 1", market, 20) + later),
                 {2, 0, 1});
  const std::size_t later_unit = test::producer_named(sim, "Later");
  for (int step = 0; step < 20; ++step) {
    sim.step();
    test::expect_residents_conserved(sim);
  }
  EXPECT_TRUE(sim.producers[later_unit].active);
}

// Client fees by sector: a dearer private visit (b_fee < 0) draws fewer residents to private
// producers; with b_fee 0, fees do not matter at all.
TEST(ChoiceRulesLever, HigherPrivateFeeMeansFewerSwitchesToPrivate) {
  const std::string rules = "max_switches_per_year: 52, min_listing_months: 1, fees_by_sector: true, ";
  const std::string dear =
      rules +
      "client_fee_doctor_eur_by_sector: [20.9, 60, 20.9], client_fee_nurse_eur_by_sector: [11.4, 40, 11.4]";
  const std::string same = rules + "client_fee_doctor_eur_by_sector: [20.9, 20.9, 20.9]";
  auto switches_to_private = [](const std::string& yaml) {
    Simulation sim(test::scenario_from_yaml(yaml), {2, 0, 1});
    std::int64_t n = 0;
    for (int step = 0; step < 60; ++step) {
      sim.step();
      for (std::size_t j = 0; j < sim.producers.size(); ++j)
        if (sim.producers[j].sector == Sector::private_sector) n += sim.flows.switches_in[j];
    }
    return n;
  };
  const std::int64_t at_same_fee = switches_to_private(region(same, kRestless));
  const std::int64_t at_dear_fee = switches_to_private(region(dear, kRestless));
  EXPECT_GT(at_same_fee, 300);
  EXPECT_LT(at_dear_fee, 0.7 * at_same_fee) << "dear " << at_dear_fee << ", same " << at_same_fee;

  const std::string indifferent =
      "choice: {awareness_per_year: 6, base_review_per_year: 2, inertia: 0.5, b_fee: 0}\n";
  EXPECT_EQ(switches_to_private(region(dear, indifferent)), switches_to_private(region(same, indifferent)));
}

}  // namespace
}  // namespace valinta

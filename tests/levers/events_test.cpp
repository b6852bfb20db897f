// Lever: the scheduled events of the timeline (phases/events.cpp), each applied from the step
// its date falls in:
//   rule_change    - a rule takes its new value from that step on (not before);
//   capacity_shock - multiplies the capacity of a producer, or of every producer of a sector;
//   demand_shock   - raises the contacts of a zone's residents for its weeks, then stops;
//   campaign       - an extra share of residents reviews in that step, reason campaign;
//   stop_listing   - the producer's list is frozen: nobody new joins it after the date.
// Comparisons run the same population and seed with and without the event.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"

namespace valinta {
namespace {

// Minors choose for themselves here (choice.minors_follow_guardian: false): these tests follow
// every eligible resident's own review and choice.

// Two zones with a public station each, a private clinic and a third-sector unit; all with room
// for everyone unless a test says otherwise. `pilot` and `events` are given by each test.
std::string region(const std::string& head, const std::string& events, int steps = 60) {
  return "name: events\n"
         "time: {start_date: 2017-02-01, steps: " +
         std::to_string(steps) +
         ", step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n" +
         head +
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 1e5}\n"
         "  - {name: StationB, zone: B, capacity_per_week: 1e5}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 1e5,\n"
         "     quality: 1, digital: 0.7}\n"
         "  - {name: Third, sector: third_sector, zone: B, lat: 62.29, lon: 25.93, capacity_per_week: "
         "1e5}\n" +
         (events.empty() ? "" : "events:\n" + events);
}

const std::string kChoosing =
    "pilot: {zones: [A, B]}\n"
    "rules: {min_listing_months: 1, max_switches_per_year: 52}\n"
    "choice: {minors_follow_guardian: false, awareness_per_year: 6, base_review_per_year: 2, inertia: 0.5}\n";

// A longer lock-in from step 20 on: before it residents switch again after a month, from it
// nobody switches within twelve months of their last switch; from step 45 nobody may switch.
TEST(EventsLever, RuleChangeAppliesFromItsDateOn) {
  const std::string events = "  - {date: " + test::date_of_week(20) +
                             ", type: rule_change, set: {rules.min_listing_months: 12}}\n"
                             "  - {date: " +
                             test::date_of_week(45) +
                             ", type: rule_change, set: {rules.max_switches_per_year: 0}}\n";
  Simulation sim(test::scenario_from_yaml(region(kChoosing, events)), {14, 0, 1});
  std::vector<int> last_switch(sim.residents.size(), -1000);
  const int twelve_months = static_cast<int>(std::ceil(12 * 30.44 / 7 - 1e-9));
  std::int64_t quick_before = 0, switches_after = 0;
  for (int step = 0; step < 60; ++step) {
    const std::vector<std::uint16_t> before(sim.residents.listed.begin(), sim.residents.listed.end());
    sim.step();
    EXPECT_EQ(sim.scenario.choice.min_listing_months, step < 20 ? 1.0 : 12.0) << "step " << step;
    EXPECT_EQ(sim.scenario.choice.max_switches_per_year, step < 45 ? 52 : 0) << "step " << step;
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (sim.residents.listed[i] == before[i]) continue;
      const bool quick = step - last_switch[i] < twelve_months;
      if (step < 20) quick_before += quick;
      if (step >= 20)
        EXPECT_FALSE(quick) << "resident " << i << " switched at " << last_switch[i] << " and " << step;
      if (step >= 20 && step < 45) ++switches_after;
      last_switch[i] = step;
    }
    if (step >= 45) EXPECT_EQ(test::total_switches(sim.flows), 0) << "step " << step;
  }
  EXPECT_GT(quick_before, 200) << "before the change residents switched again within a year";
  EXPECT_GT(switches_after, 100) << "residents who never switched still may";
}

// capacity_shock multiplies capacity from its step on: one producer, or a whole sector.
TEST(EventsLever, CapacityShockMultipliesCapacity) {
  const std::string events = "  - {date: " + test::date_of_week(10) +
                             ", type: capacity_shock, producer: StationA, factor: 0.5}\n"
                             "  - {date: " +
                             test::date_of_week(15) + ", type: capacity_shock, sector: private, factor: 3}\n";
  // Capacity as given, without the flex of a busy public station or the pay response of capacity.
  std::string yaml = region(
      "service: {flex_max_share: 0}\nworkforce: {fee_capacity_growth: 0, capitation_capacity_pull: 0}\n",
      events, 20);
  yaml.replace(yaml.find("capacity_per_week: 1e5"), 22, "capacity_per_week: 300");
  Simulation sim(test::scenario_from_yaml(yaml), {14, 0, 1});
  std::vector<double> start;
  for (const Producer& p : sim.producers) start.push_back(p.capacity_per_week);
  const std::size_t station_a = test::producer_named(sim, "StationA"),
                    clinic = test::producer_named(sim, "Clinic");
  for (int step = 0; step < 20; ++step) {
    sim.step();
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      double factor = 1;
      if (j == station_a && step >= 10) factor = 0.5;
      if (sim.producers[j].sector == Sector::private_sector && step >= 15) factor = 3;
      EXPECT_DOUBLE_EQ(sim.producers[j].capacity_per_week, factor * start[j])
          << sim.producers[j].spec.name << " step " << step;
      EXPECT_LE(test::served_at(sim.flows, j),
                static_cast<std::int64_t>(std::ceil(sim.producers[j].capacity_per_week)));
    }
  }
  EXPECT_EQ(start[clinic], 1e5);
  EXPECT_EQ(test::served_at(sim.flows, station_a), 150) << "StationA is busy: it serves its halved capacity";
}

// demand_shock x2 for four weeks in zone A: zone A's residents make more contacts in those four
// steps and exactly as many as without the shock before and after; zone B's are untouched.
TEST(EventsLever, DemandShockRaisesArrivalsForItsWeeksThenStops) {
  const std::string shock =
      "  - {date: " + test::date_of_week(10) + ", type: demand_shock, zones: [A], factor: 2, weeks: 4}\n";
  Simulation with(test::scenario_from_yaml(region("", shock, 25)), {14, 0, 1});
  Simulation without(test::scenario_from_yaml(region("", "", 25)), {14, 0, 1});
  const std::size_t station_a = test::producer_named(with, "StationA"),
                    station_b = test::producer_named(with, "StationB");
  std::int64_t shocked = 0, usual = 0;
  for (int step = 0; step < 25; ++step) {
    with.step();
    without.step();
    const std::int64_t a_with = test::arrivals_at(with.flows, station_a),
                       a_without = test::arrivals_at(without.flows, station_a);
    EXPECT_EQ(test::arrivals_at(with.flows, station_b), test::arrivals_at(without.flows, station_b))
        << "step " << step;
    if (step >= 10 && step < 14) {
      EXPECT_GE(a_with, a_without);
      shocked += a_with;
      usual += a_without;
    } else {
      EXPECT_EQ(a_with, a_without) << "step " << step;
    }
  }
  EXPECT_GT(usual, 500);
  EXPECT_NEAR(static_cast<double>(shocked) / static_cast<double>(usual), 2.0, 0.3);
}

// campaign: in its step an extra half of zone A's eligible residents review (reason campaign);
// zone B's residents and every other step are as without it.
TEST(EventsLever, CampaignRaisesReviewsWithReasonCampaignInItsStep) {
  const std::string campaign =
      "  - {date: " + test::date_of_week(15) + ", type: campaign, zones: [A], share: 0.5}\n";
  // Minors choose for themselves, so that every switch the campaign prompts has its reason.
  const std::string quiet =
      "pilot: {zones: [A, B]}\nrules: {min_listing_months: 1}\nchoice: {minors_follow_guardian: false}\n";
  Simulation with(test::scenario_from_yaml(region(quiet, campaign, 16)), {14, 0, 1});
  Simulation without(test::scenario_from_yaml(region(quiet, "", 16)), {14, 0, 1});
  const std::size_t zone_b = test::zone_named(with, "B");
  const auto by_campaign = static_cast<int>(SwitchReason::campaign);
  for (int step = 0; step < 16; ++step) {
    with.step();
    without.step();
    EXPECT_EQ(with.flows.switches_by_zone[zone_b], without.flows.switches_by_zone[zone_b]) << "step " << step;
    if (step < 15) {
      EXPECT_EQ(with.flows.reviews, without.flows.reviews) << "step " << step;
      EXPECT_EQ(with.flows.switches_by_reason[by_campaign], 0) << "step " << step;
      continue;
    }
    EXPECT_GT(with.flows.reviews, without.flows.reviews + 1000);
    EXPECT_GT(with.flows.switches_by_reason[by_campaign], 20);
    EXPECT_EQ(without.flows.switches_by_reason[by_campaign], 0);
    EXPECT_EQ(test::total_switches(with.flows) - with.flows.switches_by_reason[by_campaign],
              test::total_switches(without.flows));
  }
}

// stop_listing: from its date the producer takes nobody new, even when residents leave it (its
// list only shrinks) or when it has nobody listed at all.
TEST(EventsLever, StopListingFreezesTheList) {
  const std::string events = "  - {date: " + test::date_of_week(20) +
                             ", type: stop_listing, producer: Clinic}\n"
                             "  - {date: 2017-02-01, type: stop_listing, producer: Third}\n";
  Simulation sim(test::scenario_from_yaml(region(kChoosing, events)), {14, 0, 1});
  const std::size_t clinic = test::producer_named(sim, "Clinic"), third = test::producer_named(sim, "Third");
  std::int64_t left_clinic = 0, joined_before = 0;
  std::int64_t listed = 0;
  for (int step = 0; step < 60; ++step) {
    sim.step();
    test::expect_residents_conserved(sim);
    EXPECT_EQ(sim.flows.switches_in[third], 0) << "step " << step;
    EXPECT_EQ(sim.producers[third].n_listed, 0);
    if (step < 20) {
      joined_before += sim.flows.switches_in[clinic];
    } else {
      EXPECT_EQ(sim.flows.switches_in[clinic], 0) << "step " << step;
      EXPECT_LE(sim.producers[clinic].n_listed, listed) << "step " << step;
      left_clinic += sim.flows.switches_out[clinic];
    }
    listed = sim.producers[clinic].n_listed;
  }
  EXPECT_GT(joined_before, 200);
  EXPECT_GT(left_clinic, 20) << "residents left the frozen list, making room that must stay empty";
}

}  // namespace
}  // namespace valinta

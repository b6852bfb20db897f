// Phase 1, events (phases/events.cpp): publication of producers' waits and quality under the
// three information regimes, and scheduled events: openings and closings, capacity shocks,
// information campaigns, rule changes and producers that stop taking new clients.
#include "valinta/phases/events.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// Two stations in zone A, one of them overloaded so that its wait grows; publication every
// two weeks (14 days).
std::string publication_yaml(const std::string& information) {
  return test::small_region_yaml(3000, 500) +
         "pilot: {zones: [A]}\n"
         "rules: {information: " +
         information +
         "}\n"
         "choice: {publication_interval_days: 14, word_of_mouth_noise_sd: 0.5}\n"
         "producers:\n"
         "  - {name: Slow, zone: A, capacity_per_week: 80, quality: 0.4}\n"
         "  - {name: Fast, zone: A, lat: 62.25, lon: 25.76, capacity_per_week: 1000, quality: -0.2}\n";
}

// transparent: every publication shows the current expected wait and the true quality, and
// nothing changes between publications.
TEST(Publication, TransparentShowsCurrentValuesAtEachPublication) {
  const Scenario s = test::scenario_from_yaml(publication_yaml("transparent"));
  Simulation sim(s, {1, 0, 1});
  for (int step = 0; step < 20; ++step) {
    const double expected_before = sim.producers[0].expected_wait_weeks;
    const double published_before = sim.producers[0].published_wait_weeks;
    sim.step();
    if (step % 2 == 0) {
      EXPECT_DOUBLE_EQ(sim.producers[0].published_wait_weeks, expected_before) << "step " << step;
    } else {
      EXPECT_DOUBLE_EQ(sim.producers[0].published_wait_weeks, published_before) << "step " << step;
    }
    EXPECT_DOUBLE_EQ(sim.producers[0].published_quality, 0.4);
  }
  EXPECT_GT(sim.producers[0].published_wait_weeks, 1.0);
}

// word_of_mouth: residents hear the previous publication's wait and a quality, each off by a
// fixed error of the producer (waits never below zero).
TEST(Publication, WordOfMouthIsLaggedAndNoisy) {
  const Scenario s = test::scenario_from_yaml(publication_yaml("word_of_mouth"));
  Simulation sim(s, {1, 0, 1});
  double previous_publication = 0, last_publication = 0;
  for (int step = 0; step < 20; ++step) {
    const double expected_before = sim.producers[0].expected_wait_weeks;
    sim.step();
    if (step % 2 != 0) continue;
    previous_publication = last_publication;
    last_publication = expected_before;
    for (std::size_t j = 0; j < 2; ++j) {
      const Producer& p = sim.producers[j];
      EXPECT_DOUBLE_EQ(p.published_quality, p.spec.quality + p.word_of_mouth_bias);
    }
    const Producer& slow = sim.producers[0];
    EXPECT_DOUBLE_EQ(slow.published_wait_weeks,
                     std::max(0.0, previous_publication + slow.word_of_mouth_wait_bias));
  }
  EXPECT_NE(sim.producers[0].word_of_mouth_bias, 0.0);
  EXPECT_NE(sim.producers[0].word_of_mouth_bias, sim.producers[1].word_of_mouth_bias);
}

// none: residents choose by distance, sector, fees and their own experience only; published
// waits and quality do not change anyone's ranking.
TEST(Publication, NoInformationMeansPublishedValuesDoNotMatter) {
  const Scenario s = test::scenario_from_yaml(publication_yaml("none"));
  Simulation sim(s, {1, 0, 1});
  for (int step = 0; step < 6; ++step) sim.step();
  std::vector<std::vector<std::uint16_t>> before;
  for (std::size_t i = 0; i < 500; ++i) before.push_back(rank_producers(sim, i, true));
  sim.producers[0].published_wait_weeks = 50;
  sim.producers[1].published_quality = -5;
  for (std::size_t i = 0; i < 500; ++i)
    ASSERT_EQ(rank_producers(sim, i, true), before[i]) << "resident " << i;
}

std::string scheduled_yaml(const std::string& events) {
  return test::small_region_yaml(3000, 500) +
         "pilot: {zones: [A]}\n"
         "choice: {awareness_per_year: 1}\n"
         "producers:\n"
         "  - {name: StationA, zone: A}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: 25.76, capacity_per_week: 200, "
         "quality: 1}\n"
         "  - {name: Late, sector: private, zone: A, lat: 62.23, lon: 25.74, capacity_per_week: 150, "
         "quality: 2,\n"
         "     opens: 2017-03-01}\n" +
         events;
}

// A unit with an opening date takes no part before it (nobody lists there, nobody ranks it);
// when it opens, nearby residents get a one-time nudge to review (reason entry_nudge).
TEST(ScheduledEvents, OpeningDateIsRespectedAndNudgesResidents) {
  const Scenario s = test::scenario_from_yaml(scheduled_yaml(""));
  Simulation sim(s, {2, 0, 1});
  for (int step = 0; step < 4; ++step) {
    ASSERT_FALSE(sim.producers[2].active);
    for (std::size_t i = 0; i < 300; ++i) {
      const auto ranking = rank_producers(sim, i, true);
      ASSERT_EQ(std::count(ranking.begin(), ranking.end(), 2), 0);
    }
    sim.step();
    ASSERT_EQ(sim.producers[2].n_listed, 0);
    ASSERT_EQ(test::arrivals_at(sim.flows, 2), 0);
  }
  sim.step();  // step 4: 2017-03-01
  EXPECT_TRUE(sim.producers[2].active);
  EXPECT_GT(sim.flows.switches_by_reason[static_cast<int>(SwitchReason::entry_nudge)], 0);
  EXPECT_GT(sim.producers[2].n_listed, 0);
}

// A closing unit (nearly without staff from a shock, so contacts wait there): its waiting contacts move to
// the nearest public station, its residents choose again (reason closure) and nobody is listed there
// afterwards or ranks it.
TEST(ScheduledEvents, ClosureMovesTheQueueAndRelistsEveryone) {
  const Scenario s = test::scenario_from_yaml(
      scheduled_yaml("events:\n"
                     "  - {date: 2017-02-15, type: capacity_shock, producer: Clinic, factor: 0.001}\n"
                     "  - {date: 2017-04-05, type: close, producer: Clinic}\n"));
  Simulation sim(s, {3, 0, 1});
  while (sim.t < 9) sim.step();
  const std::int64_t listed = sim.producers[1].n_listed;
  const std::int64_t queued = test::queue_length(sim.producers[1]);
  ASSERT_GT(listed, 10);
  ASSERT_GT(queued, 0);
  sim.step();  // step 9: 2017-04-05
  EXPECT_FALSE(sim.producers[1].active);
  EXPECT_EQ(sim.producers[1].n_listed, 0);
  EXPECT_EQ(test::queue_length(sim.producers[1]), 0);
  EXPECT_EQ(sim.flows.transferred_out[1], queued);
  EXPECT_EQ(sim.flows.transferred_in[0], queued);
  EXPECT_EQ(sim.flows.switches_by_reason[static_cast<int>(SwitchReason::closure)], listed);
  for (std::size_t i = 0; i < sim.residents.size(); i += 7) {
    const auto ranking = rank_producers(sim, i, true);
    ASSERT_EQ(std::count(ranking.begin(), ranking.end(), 1), 0);
  }
}

// A capacity shock multiplies capacity from its date on; a campaign makes an extra share of
// eligible residents review in its step (reason campaign).
TEST(ScheduledEvents, CapacityShockAndCampaign) {
  const Scenario s = test::scenario_from_yaml(
      scheduled_yaml("events:\n"
                     "  - {date: 2017-02-15, type: capacity_shock, producer: Clinic, factor: 0.25}\n"
                     "  - {date: 2017-02-22, type: campaign, share: 0.3}\n"));
  Simulation sim(s, {4, 0, 1});
  sim.step();
  sim.step();
  EXPECT_DOUBLE_EQ(sim.producers[1].capacity_per_week, 200.0);
  const std::int64_t quiet_reviews = sim.flows.reviews;
  sim.step();  // step 2: the shock
  EXPECT_DOUBLE_EQ(sim.producers[1].capacity_per_week, 50.0);
  sim.step();  // step 3: the campaign
  std::int64_t eligible = 0;
  for (std::size_t i = 0; i < sim.residents.size(); ++i)
    eligible += (sim.residents.flags[i] & Residents::kEligible) != 0;
  EXPECT_GT(sim.flows.reviews, quiet_reviews + eligible / 5);
  EXPECT_GT(sim.flows.switches_by_reason[static_cast<int>(SwitchReason::campaign)], 0);
  sim.step();  // the campaign lasts one step
  EXPECT_LT(sim.flows.reviews, quiet_reviews + eligible / 10);
}

// A rule change applies from its date: here a lock-in of 12 months replaces one of 0, and
// residents who switched after it cannot switch again.
// A rule change sets a choice parameter (an enum) by its name, from its date.
TEST(ScheduledEvents, RuleChangeSetsAChoiceByItsName) {
  const Scenario s = test::scenario_from_yaml(
      scheduled_yaml("events: [{date: 2017-03-29, type: rule_change, set: {rules.information: word_of_mouth, "
                     "rules.voucher_services: all}}]\n"));
  Simulation sim(s, {5, 0, 1});
  while (sim.t < 8) sim.step();
  EXPECT_EQ(sim.scenario.choice.information, Information::transparent);
  EXPECT_EQ(sim.scenario.payment.voucher_services, VoucherServices::none);
  sim.step();  // step 8: 2017-03-29
  EXPECT_EQ(sim.scenario.choice.information, Information::word_of_mouth);
  EXPECT_EQ(sim.scenario.payment.voucher_services, VoucherServices::all);
}

TEST(ScheduledEvents, RuleChangeAppliesFromItsDate) {
  const Scenario s = test::scenario_from_yaml(scheduled_yaml(
      "rules: {min_listing_months: 0, max_switches_per_year: 52}\n"
      "events: [{date: 2017-03-29, type: rule_change, set: {rules.min_listing_months: 12}}]\n"));
  Simulation sim(s, {5, 0, 1});
  while (sim.t < 8) sim.step();
  EXPECT_DOUBLE_EQ(sim.scenario.choice.min_listing_months, 0.0);
  sim.step();  // step 8: 2017-03-29
  EXPECT_DOUBLE_EQ(sim.scenario.choice.min_listing_months, 12.0);
  std::vector<int> switched_at(sim.residents.size(), -1);
  for (int step = 8; step < 30; ++step) {
    const std::vector<std::uint16_t> before(sim.residents.listed.begin(), sim.residents.listed.end());
    if (step > 8) sim.step();
    for (std::size_t i = 0; i < before.size(); ++i) {
      if (step == 8 || sim.residents.listed[i] == before[i]) continue;
      ASSERT_LT(switched_at[i], 8) << "resident " << i << " switched twice under the 12-month lock-in";
      switched_at[i] = step;
    }
  }
}

// stop_listing: the producer keeps its list but accepts nobody new, even when some of its
// residents leave (no lock-in and no inertia here, so a good share of them do).
TEST(ScheduledEvents, StopListingClosesTheListToNewcomers) {
  const Scenario s = test::scenario_from_yaml(
      scheduled_yaml("rules: {min_listing_months: 0}\n"
                     "events: [{date: 2017-03-15, type: stop_listing, producer: Clinic}]\n"));
  Simulation sim(s, {6, 0, 1});
  sim.scenario.choice.inertia = 0;
  while (sim.t < 7) sim.step();
  std::int64_t most = 0, left = 0;
  for (int step = 7; step < 30; ++step) {
    sim.step();
    if (step == 7) most = sim.producers[1].n_listed;
    EXPECT_EQ(sim.flows.switches_in[1], 0) << "step " << step;
    EXPECT_LE(sim.producers[1].n_listed, most);
    left += sim.flows.switches_out[1];
  }
  EXPECT_GT(most, 50);
  EXPECT_GT(left, 5);
}

}  // namespace
}  // namespace valinta

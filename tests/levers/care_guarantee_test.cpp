// Lever: rules.care_guarantee_days (M3), 14 days (from 9/2023) vs 90 days (until 8/2023). The
// same queues measured against a shorter guarantee: a smaller share of visits is served within
// it, and more contacts breach it - counted per producer (recorder series
// new_guarantee_breaches: served late or diverted to emergency) and per zone of the residents
// concerned (new_unmet_by_zone). A station with room for everyone breaches neither.
//
// The share within the guarantee counts every contact whose outcome is known: served within it,
// over served and diverted to emergency (a diversion is a breach, whenever it happens); the run's
// summary also counts the contacts still waiting at its end that can no longer be served within
// it. A station without capacity serves nobody, so its contacts pull the share down.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "valinta/output/results.hpp"
#include "valinta/run/run_loop.hpp"

namespace valinta {
namespace {

// Zone A's station is short of capacity, so its contacts wait weeks; zone B's has room for all.
std::string region(int guarantee_days) {
  return "name: guarantee\n"
         "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n"
         "rules: {care_guarantee_days: " +
         std::to_string(guarantee_days) +
         "}\n"
         // A queue that grows (every contact joins, no flex), so that waits pass 14 days.
         "service: {er_threshold_weeks: 6, er_prob_per_week: 0.1, flex_max_share: 0}\n"
         "demand: {wait_elasticity: 0}\n"
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 200}\n"
         "  - {name: StationB, zone: B, capacity_per_week: 1e5}\n";
}

struct GuaranteeRun {
  std::int64_t served = 0, within = 0;
  std::vector<std::int64_t> breaches_by_producer, unmet_by_zone;
};

GuaranteeRun run(int guarantee_days) {
  Simulation sim(test::scenario_from_yaml(region(guarantee_days)), {17, 0, 1});
  const std::size_t P = sim.producers.size(), Z = sim.zones.size();
  const int L = sim.queue_steps;
  const int guarantee_steps = guarantee_days / 7;
  GuaranteeRun out;
  out.breaches_by_producer.assign(P, 0);
  out.unmet_by_zone.assign(Z, 0);
  for (int step = 0; step < 52; ++step) {
    sim.step();
    const StepFlows& f = sim.flows;
    for (std::size_t j = 0; j < P; ++j) {
      // Served within the guarantee: waits of at most guarantee_steps whole weeks.
      std::int64_t within = 0, served = 0;
      for (int a = 0; a < L; ++a) {
        served += f.wait_histogram[j * L + a];
        if (a <= guarantee_steps) within += f.wait_histogram[j * L + a];
      }
      EXPECT_EQ(f.served_within_guarantee[j], within);
      const double breaches =
          test::recorded(sim, "new_guarantee_breaches", static_cast<std::size_t>(step), j);
      EXPECT_EQ(breaches, static_cast<double>(served - within + f.diverted[j]));
      out.breaches_by_producer[j] += static_cast<std::int64_t>(breaches);
      out.served += served;
      out.within += within;
    }
    for (std::size_t z = 0; z < Z; ++z) {
      EXPECT_EQ(test::recorded(sim, "new_unmet_by_zone", static_cast<std::size_t>(step), z),
                static_cast<double>(f.unmet_by_zone[z]));
      out.unmet_by_zone[z] += f.unmet_by_zone[z];
    }
  }
  return out;
}

TEST(CareGuaranteeLever, ShorterGuaranteeMeansSmallerShareWithinAndMoreBreaches) {
  const GuaranteeRun days14 = run(14), days90 = run(90);
  const double share14 = static_cast<double>(days14.within) / static_cast<double>(days14.served);
  const double share90 = static_cast<double>(days90.within) / static_cast<double>(days90.served);
  EXPECT_LT(share14, share90 - 0.1) << "14 days: " << share14 << ", 90 days: " << share90;
  // StationA (producer 0, zone A) breaches more under 14 days; StationB (1, B) never does.
  EXPECT_GT(days14.breaches_by_producer[0], days90.breaches_by_producer[0] + 500);
  EXPECT_EQ(days14.breaches_by_producer[1], 0);
  EXPECT_EQ(days90.breaches_by_producer[1], 0);
  EXPECT_GT(days14.unmet_by_zone[0], days90.unmet_by_zone[0] + 200);
  EXPECT_EQ(days14.unmet_by_zone[1], 0);
  EXPECT_EQ(days90.unmet_by_zone[1], 0);
}

// Zone A's station has room for everyone; zone B gets the automatic station, sized to
// `capacity_ratio` times the expected demand of its list (0: it serves nobody).
std::string region_with_auto_station(double capacity_ratio) {
  return "name: guarantee-capacity\n"
         "time: {start_date: 2017-02-01, steps: 40, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 3000, lat: 62.30, lon: 25.95}\n"
         "service: {capacity_ratio: " +
         std::to_string(capacity_ratio) +
         "}\n"
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 1e5}\n";
}

double total_of(const Simulation& sim, const std::string& name) {
  const Recorder::Series* s = sim.recorder.find(name);
  if (s == nullptr) {
    ADD_FAILURE() << "no series " << name;
    return 0;
  }
  double sum = 0;
  for (const std::int64_t v : s->count) sum += static_cast<double>(v);
  return sum;
}

// Contacts waiting at the end of the run that would wait longer than the guarantee even if
// served at the next step (ages counted as the service phase counts them: whole steps).
std::int64_t waiting_past_guarantee(const Simulation& sim) {
  const int L = sim.queue_steps;
  const int last = sim.t - 1;
  const int guarantee_steps = static_cast<int>(sim.scenario.service.care_guarantee_days) /
                              static_cast<int>(sim.scenario.time.step_days);
  std::int64_t n = 0;
  for (const Producer& p : sim.producers)
    for (int a = guarantee_steps; a < L; ++a) {
      const std::size_t slot = static_cast<std::size_t>(((last - a) % L + L) % L);
      for (int l = 0; l < kNeedLevels; ++l) n += p.queue[slot * kNeedLevels + l];
    }
  return n;
}

// Each step's recorded shares (by producer, by sector, for the region) are the served within
// the guarantee over the served and diverted, i.e. one minus the breaches over them.
void expect_recorded_shares_count_diversions(const Simulation& sim) {
  const std::size_t P = sim.producers.size();
  for (std::size_t step = 0; step < sim.recorder.steps(); ++step) {
    std::vector<double> s_resolved(kSectors, 0), s_breaches(kSectors, 0);
    double resolved_all = 0, breaches_all = 0;
    for (std::size_t j = 0; j < P; ++j) {
      const double resolved = test::recorded(sim, "new_visits_doctor", step, j) +
                              test::recorded(sim, "new_visits_nurse", step, j) +
                              test::recorded(sim, "new_er_diversions", step, j);
      const double breaches = test::recorded(sim, "new_guarantee_breaches", step, j);
      const double share = test::recorded(sim, "share_within_guarantee", step, j);
      if (resolved > 0)
        EXPECT_DOUBLE_EQ(share, 1 - breaches / resolved) << sim.producers[j].spec.name << " step " << step;
      else
        EXPECT_TRUE(std::isnan(share)) << sim.producers[j].spec.name << " step " << step;
      const auto k = static_cast<std::size_t>(sim.producers[j].sector);
      s_resolved[k] += resolved;
      s_breaches[k] += breaches;
      resolved_all += resolved;
      breaches_all += breaches;
    }
    for (std::size_t k = 0; k < kSectors; ++k)
      if (s_resolved[k] > 0)
        EXPECT_DOUBLE_EQ(test::recorded(sim, "share_within_guarantee_by_sector", step, k),
                         1 - s_breaches[k] / s_resolved[k])
            << kSectorNames[k] << " step " << step;
    if (resolved_all > 0)
      EXPECT_DOUBLE_EQ(test::recorded(sim, "share_within_guarantee_all", step),
                       1 - breaches_all / resolved_all)
          << "step " << step;
  }
}

// A station without capacity (service.capacity_ratio 0) serves none of its contacts: they all
// breach the guarantee (diverted to emergency, or still waiting at the end), and the summary's
// share within it agrees with the recorded breaches instead of counting only the visits served.
TEST(CareGuaranteeLever, StationWithoutCapacityBreachesForEveryContact) {
  Simulation sim(test::scenario_from_yaml(region_with_auto_station(0)), {17, 0, 1});
  run_to_end(sim);
  const std::size_t b = test::producer_named(sim, "B health station");
  EXPECT_EQ(sim.producers[b].capacity_per_week, 0);

  const double served = total_of(sim, "new_visits_doctor") + total_of(sim, "new_visits_nurse");
  const double diverted = total_of(sim, "new_er_diversions");
  const double breaches = total_of(sim, "new_guarantee_breaches");
  const auto waiting = static_cast<double>(waiting_past_guarantee(sim));
  ASSERT_GT(diverted, 1000);
  ASSERT_GT(waiting, 0) << "contacts of zone B are still waiting past the guarantee at the end";

  const Summary summary = summarise(sim);
  EXPECT_LT(summary.share_within_guarantee, 0.7) << "half of the contacts have no capacity to be served";
  EXPECT_NEAR(summary.share_within_guarantee, (served + diverted - breaches) / (served + diverted + waiting),
              1e-12);
  EXPECT_NE(format_summary(summary).find(fmt::format("{:.1f}%", 100 * summary.share_within_guarantee)),
            std::string::npos);
  expect_recorded_shares_count_diversions(sim);
}

// With room for every contact nobody waits past the emergency threshold: the share within the
// guarantee stays (nearly) whole.
TEST(CareGuaranteeLever, AmpleCapacityKeepsNearlyEveryContactWithinTheGuarantee) {
  Simulation sim(test::scenario_from_yaml(region_with_auto_station(3)), {17, 0, 1});
  run_to_end(sim);
  const Summary summary = summarise(sim);
  EXPECT_GT(summary.share_within_guarantee, 0.99);
  EXPECT_LE(summary.share_within_guarantee, 1.0);
  EXPECT_EQ(waiting_past_guarantee(sim), 0);
  expect_recorded_shares_count_diversions(sim);
}

}  // namespace
}  // namespace valinta

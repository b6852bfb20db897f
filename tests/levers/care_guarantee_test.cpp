// Lever: rules.care_guarantee_days (M3), 14 days (from 9/2023) vs 90 days (until 8/2023). The
// same queues measured against a shorter guarantee: a smaller share of visits is served within
// it, and more contacts breach it - counted per producer (recorder series
// new_guarantee_breaches: served late or diverted to emergency) and per zone of the residents
// concerned (new_unmet_by_zone). A station with room for everyone breaches neither.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"

namespace valinta {
namespace {

// Zone A's station is short of capacity, so its contacts wait weeks; zone B's has room for all.
std::string region(int guarantee_days) {
  return "name: guarantee\n"
         "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n"
         "rules: {care_guarantee_days: " + std::to_string(guarantee_days) + "}\n"
         "service: {er_threshold_weeks: 6, er_prob_per_week: 0.1}\n"
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
      const double breaches = test::recorded(sim, "new_guarantee_breaches", static_cast<std::size_t>(step), j);
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

}  // namespace
}  // namespace valinta

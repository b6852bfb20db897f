// Lever: rules.information, the service packages (docs/ODD.md 7.5.4). What residents see of producers
// decides whether quality can attract them:
//   none          - only distance, sector, fees and their own experience: a producer's published
//                   quality has no effect on who chooses it;
//   transparent   - true quality and waits: better quality raises a producer's list;
//   word_of_mouth - lagged waits and quality with fixed per-producer errors: residents see
//                   something else than under transparent, and the same run gives the same result.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "valinta/run/run_loop.hpp"

namespace valinta {
namespace {

// Two pilot zones with a public station each and two private clinics in zone A; "Clinic" is
// nobody's home station, so every resident listed there chose it. Residents review often (a
// strong awareness wave, low inertia); one switch a year, so someone who moved to the clinic
// does not review again within the 50-step horizon.
std::string region(const std::string& information, double clinic_quality, const std::string& extra = "") {
  return "name: information\n"
         "time: {start_date: 2017-02-01, steps: 50, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n"
         "pilot: {zones: [A, B]}\n"
         "rules: {information: " +
         information +
         ", max_switches_per_year: 1, min_listing_months: 1}\n"
         "choice: {awareness_per_year: 4, inertia: 1.0}\n" +
         extra +
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 1e5}\n"
         "  - {name: StationB, zone: B, capacity_per_week: 1e5}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 1e5,\n"
         "     quality: " +
         std::to_string(clinic_quality) +
         ", digital: 0.5}\n"
         "  - {name: Other, sector: private, zone: A, lat: 62.235, lon: 25.74, capacity_per_week: 1e5,\n"
         "     digital: 0.5}\n";
}

// The same with a small clinic (quality +1), so its wait is long and changing and a lag shows.
std::string busy_region(const std::string& information) {
  std::string yaml = region(information, 1, "service: {queue_max_weeks: 12}\n");
  const std::string full = "capacity_per_week: 1e5,\n     quality: 1";
  yaml.replace(yaml.find(full), full.size(), "capacity_per_week: 15,\n     quality: 1");
  return yaml;
}

// With information none, raising a non-current producer's quality from 0 to +2 SD changes
// nothing anyone does: the same seed gives the same listing of every resident at every step.
TEST(InformationLever, NoneMeansPublishedQualityHasNoEffectOnChoices) {
  Simulation plain(test::scenario_from_yaml(region("none", 0)), {5, 0, 1});
  Simulation better(test::scenario_from_yaml(region("none", 2)), {5, 0, 1});
  const std::size_t clinic = test::producer_named(plain, "Clinic");
  std::int64_t switches = 0;
  for (int step = 0; step < 50; ++step) {
    plain.step();
    better.step();
    ASSERT_EQ(test::residents_listed_elsewhere(plain, better), 0) << "step " << step;
    switches += test::total_switches(plain.flows);
  }
  // The comparison is not empty: many residents chose, some of them the clinic.
  EXPECT_GT(switches, 1000);
  EXPECT_GT(plain.producers[clinic].n_listed, 300);
}

// With transparent information the same +2 SD raise draws more residents to the clinic
// (b_quality 0.3/SD: the odds of choosing it rise by exp(0.6) = 1.8 on every review, its list by less).
TEST(InformationLever, TransparentMeansBetterQualityRaisesTheList) {
  Simulation plain(test::scenario_from_yaml(region("transparent", 0)), {5, 0, 1});
  Simulation better(test::scenario_from_yaml(region("transparent", 2)), {5, 0, 1});
  run_to_end(plain);
  run_to_end(better);
  const std::size_t clinic = test::producer_named(plain, "Clinic");
  const double listed_plain = static_cast<double>(plain.producers[clinic].n_listed);
  const double listed_better = static_cast<double>(better.producers[clinic].n_listed);
  EXPECT_GT(listed_plain, 300);
  EXPECT_GT(listed_better, 1.25 * listed_plain)
      << "quality +2 SD: " << listed_better << ", quality 0: " << listed_plain;
}

// Word of mouth: residents see lagged waits and quality with a fixed error per producer, so
// they see, and choose, otherwise than under transparent information.
TEST(InformationLever, WordOfMouthShowsSomethingElseThanTransparent) {
  Simulation wom(test::scenario_from_yaml(busy_region("word_of_mouth")), {5, 0, 1});
  Simulation transparent(test::scenario_from_yaml(busy_region("transparent")), {5, 0, 1});
  const std::size_t clinic = test::producer_named(wom, "Clinic");
  bool wait_differs = false, quality_differs = false;
  for (int step = 0; step < 50; ++step) {
    wom.step();
    transparent.step();
    const Producer& seen_wom = wom.producers[clinic];
    const Producer& seen_transparent = transparent.producers[clinic];
    EXPECT_DOUBLE_EQ(seen_transparent.published_quality, seen_transparent.spec.quality);
    quality_differs = quality_differs || seen_wom.published_quality != seen_wom.spec.quality;
    wait_differs =
        wait_differs || std::abs(seen_wom.published_wait_weeks - seen_transparent.published_wait_weeks) > 0.1;
  }
  EXPECT_TRUE(quality_differs);
  EXPECT_TRUE(wait_differs);
  EXPECT_GT(test::residents_listed_elsewhere(wom, transparent), 0);
}

// ... and it is still deterministic: the same seed gives the same run, with any thread count.
TEST(InformationLever, WordOfMouthIsDeterministic) {
  const Scenario s = test::scenario_from_yaml(busy_region("word_of_mouth"));
  Simulation first(s, {9, 0, 1}), again(s, {9, 0, 1}), threaded(s, {9, 0, 2});
  for (int step = 0; step < 50; ++step) {
    first.step();
    again.step();
    if (step < 20) threaded.step();  // (two threads on a busy machine are slow; 20 steps suffice)
    ASSERT_EQ(test::residents_listed_elsewhere(first, again), 0) << "step " << step;
    if (step < 20) ASSERT_EQ(test::residents_listed_elsewhere(first, threaded), 0) << "step " << step;
    for (std::size_t j = 0; j < first.producers.size(); ++j) {
      ASSERT_EQ(first.producers[j].published_quality, again.producers[j].published_quality);
      ASSERT_EQ(first.producers[j].published_wait_weeks, again.producers[j].published_wait_weeks);
      if (step < 20)
        ASSERT_EQ(first.producers[j].published_wait_weeks, threaded.producers[j].published_wait_weeks);
    }
  }
  EXPECT_GT(first.producers[test::producer_named(first, "Clinic")].n_listed, 0);
}

}  // namespace
}  // namespace valinta

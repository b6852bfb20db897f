#include <gtest/gtest.h>

#include "support/test_support.hpp"
#include "valinta/run/run_loop.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
TEST(Smoke, SmallRegionRuns) {
  const Scenario s = test::scenario_from_yaml(test::small_region_yaml() + "pilot: {zones: [A]}\n");
  Simulation sim(s, {1, 0, 1});
  run_to_end(sim);
  EXPECT_EQ(sim.recorder.steps(), 52u);
  EXPECT_EQ(sim.residents.size(), 6000u);
}
}  // namespace valinta

// Building the population and producers (model/population.cpp, model/producers.cpp): residents
// per zone, their attributes, initial need levels in equilibrium, home stations, eligibility,
// public stations added to zones without one, and `auto` capacity.
#include "valinta/model/population.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/phases/needs.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

const std::string kRegion =
    test::small_region_yaml(20000, 5000) +
    "population: {scale: 0.5}\n"
    "pilot: {zones: [A], min_age: 18}\n"
    "producers:\n"
    "  - {name: StationA1, zone: A, lat: 62.23, lon: 25.75}\n"
    "  - {name: StationA2, zone: A, lat: 62.26, lon: 25.76}\n"
    "  - {name: Clinic, sector: private, zone: A, capacity_per_week: 100, listing_cap: 301}\n";

TEST(Population, ZonesHoldTheirScaledPopulationInContiguousBlocks) {
  const Scenario s = test::scenario_from_yaml(kRegion);
  Simulation sim(s, {1, 0, 1});
  ASSERT_EQ(sim.residents.size(), 12500u);
  EXPECT_EQ(sim.zones[0].first_resident, 0u);
  EXPECT_EQ(sim.zones[0].n_residents, 10000u);
  EXPECT_EQ(sim.zones[1].first_resident, 10000u);
  EXPECT_EQ(sim.zones[1].n_residents, 2500u);
  for (std::size_t i = 0; i < sim.residents.size(); ++i) ASSERT_EQ(sim.residents.zone[i], i < 10000 ? 0 : 1);
}

// Attributes follow the scenario's shares: age bands, sex, employment (working ages only),
// occupational health care (employed only); digital literacy falls with age.
TEST(Population, AttributesFollowTheScenarioShares) {
  const Scenario s = test::scenario_from_yaml(kRegion);
  Simulation sim(s, {2, 0, 1});
  const Residents& r = sim.residents;
  const double n = static_cast<double>(r.size());
  std::vector<double> band(kAgeBands, 0), employed(kAgeBands, 0);
  double female = 0, literacy_young = 0, literacy_old = 0, young = 0, old = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const int b = age_band_of(r.age[i]);
    band[b] += 1;
    employed[b] += (r.flags[i] & Residents::kEmployed) ? 1 : 0;
    female += (r.flags[i] & Residents::kFemale) ? 1 : 0;
    if (r.flags[i] & Residents::kOhc) {
      ASSERT_TRUE(r.flags[i] & Residents::kEmployed);
    }
    ASSERT_GE(r.income_decile[i], 1);
    ASSERT_LE(r.income_decile[i], 10);
    if (r.age[i] < 30) literacy_young += r.literacy[i] / 255.0, young += 1;
    if (r.age[i] >= 75) literacy_old += r.literacy[i] / 255.0, old += 1;
  }
  for (int b = 0; b < kAgeBands; ++b) {
    const double p = s.population.age_band_shares[b];
    EXPECT_NEAR(band[b] / n, p, 4 * std::sqrt(p * (1 - p) / n)) << "age band " << b;
    const double e = s.population.employment_rate[b];
    EXPECT_NEAR(employed[b] / band[b], e, 4 * std::sqrt(e * (1 - e) / band[b]) + 1e-12) << "age band " << b;
  }
  EXPECT_NEAR(female / n, 0.507, 4 * std::sqrt(0.25 / n));
  EXPECT_GT(literacy_young / young, literacy_old / old + 0.3);
}

// A scenario starts in equilibrium: initial need levels are drawn from each age band's
// stationary distribution.
TEST(Population, InitialNeedLevelsAreStationaryPerAgeBand) {
  const Scenario s = test::scenario_from_yaml(kRegion);
  Simulation sim(s, {3, 0, 1});
  const Residents& r = sim.residents;
  std::vector<double> expected(kNeedLevels, 0), observed(kNeedLevels, 0);
  for (std::size_t i = 0; i < r.size(); ++i) {
    const std::vector<double> pi = stationary_need_distribution(s.needs, age_band_of(r.age[i]), 1.0);
    for (int k = 0; k < kNeedLevels; ++k) expected[k] += pi[k];
    observed[r.need[i]] += 1;
  }
  for (int k = 0; k < kNeedLevels; ++k)
    EXPECT_NEAR(observed[k], expected[k], 4 * std::sqrt(expected[k]) + 1) << k;
}

// Home station: the nearest public station of the resident's own zone, where everyone starts;
// eligible residents are those of pilot zones of at least min_age.
TEST(Population, HomeIsTheNearestPublicStationOfTheOwnZone) {
  const Scenario s = test::scenario_from_yaml(kRegion);
  Simulation sim(s, {4, 0, 1});
  const Residents& r = sim.residents;
  std::vector<std::size_t> homes(sim.producers.size(), 0);
  for (std::size_t i = 0; i < r.size(); ++i) {
    std::size_t best = 0;
    double best_minutes = INFINITY;
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      const Producer& p = sim.producers[j];
      if (p.sector != Sector::public_sector || p.zone != r.zone[i]) continue;
      const double minutes = travel_minutes(s.choice, r.lat[i], r.lon[i], p.lat, p.lon);
      if (minutes < best_minutes) best_minutes = minutes, best = j;
    }
    ASSERT_EQ(r.home[i], best) << "resident " << i;
    ASSERT_EQ(r.listed[i], r.home[i]);
    ASSERT_EQ(static_cast<bool>(r.flags[i] & Residents::kEligible), r.zone[i] == 0 && r.age[i] >= 18);
    ++homes[r.home[i]];
  }
  EXPECT_GT(homes[0], 1000u);  // both stations of zone A serve part of it
  EXPECT_GT(homes[1], 1000u);
  EXPECT_EQ(homes[2], 0u);  // nobody's home is private
  EXPECT_EQ(sim.producers[0].n_listed, static_cast<std::int64_t>(homes[0]));
}

// Zone B has no public station in the scenario: one is added at its centre (or, if the rules
// say not to, the scenario is refused).
TEST(Producers, PublicStationAddedToZonesWithoutOne) {
  const Scenario s = test::scenario_from_yaml(kRegion);
  Simulation sim(s, {5, 0, 1});
  ASSERT_EQ(sim.producers.size(), 4u);
  EXPECT_EQ(sim.producers[3].spec.name, "B health station");
  EXPECT_EQ(sim.producers[3].sector, Sector::public_sector);
  EXPECT_DOUBLE_EQ(sim.producers[3].lat, 62.40);
  const Scenario strict =
      test::scenario_from_yaml(kRegion + "producers_default: {public_station_per_zone: false}\n");
  try {
    Simulation refused(strict, {5, 0, 1});
    FAIL() << "a zone without a public station must be refused";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("zone 'B' has no public station"), std::string::npos) << e.what();
  }
}

// `auto` capacity is the expected weekly demand of the producer's initial list times
// service.capacity_ratio. Declared capacities and listing caps are for the whole population:
// a run of a fraction of it (population.scale) scales them.
TEST(Producers, AutoCapacityIsExpectedDemandOfTheInitialList) {
  const Scenario s = test::scenario_from_yaml(kRegion + "service: {capacity_ratio: 1.1}\n");
  Simulation sim(s, {6, 0, 1});
  const Residents& r = sim.residents;
  std::vector<double> expected(sim.producers.size(), 0.0);
  for (std::size_t i = 0; i < r.size(); ++i)
    expected[r.listed[i]] +=
        demand_rate(s.demand, r.need[i], age_band_of(r.age[i]), r.flags[i] & Residents::kOhc);
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    if (j == 2) {
      EXPECT_DOUBLE_EQ(sim.producers[j].capacity_per_week, 100.0 * 0.5);
      EXPECT_EQ(sim.producers[j].spec.listing_cap, 151);  // 150.5 rounded
    } else {
      EXPECT_NEAR(sim.producers[j].capacity_per_week, 1.1 * expected[j], 1e-9 * expected[j]) << j;
      EXPECT_GT(sim.producers[j].capacity_per_week, 0.0);
    }
  }
}

}  // namespace
}  // namespace valinta

// M2 demand (phases/demand.cpp): contacts per step ~ Poisson(visit_rate[level] x age factor x
// (1 - ohc_offload if covered by occupational health care)) x step length, joining the queue of
// the resident's listed producer.
#include "valinta/phases/demand.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/phases/detail/resident_pass.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// Expected contacts per week are the model's product of level rate, age factor and OHC offload.
TEST(DemandRate, IsLevelRateTimesAgeFactorTimesOhcOffload) {
  const Scenario s = test::scenario_from_yaml(
      test::small_region_yaml() +
      "demand: {visit_rate: [0.01, 0.05, 0.2, 0.6], age_factor: [3.2, 2.2, 2.9, 3.0, 2.9, 2.6, 2.5, 1.8],\n"
      "         ohc_offload: 0.5}\n");
  const DemandParams& p = s.demand;
  EXPECT_DOUBLE_EQ(demand_rate(p, 0, 0, false), 0.010 * 3.2);
  EXPECT_DOUBLE_EQ(demand_rate(p, 3, 7, false), 0.60 * 1.8);
  // Occupational health care takes over half of an employee's primary-care use.
  EXPECT_DOUBLE_EQ(demand_rate(p, 2, 3, true), 0.20 * 3.0 * 0.5);
  EXPECT_DOUBLE_EQ(demand_rate(p, 2, 3, true), 0.5 * demand_rate(p, 2, 3, false));
  // With the default rates, need raises demand at every age.
  const DemandParams defaults = test::scenario_from_yaml(test::small_region_yaml()).demand;
  for (int band = 0; band < kAgeBands; ++band)
    for (int level = 1; level < kNeedLevels; ++level)
      EXPECT_GT(demand_rate(defaults, level, band, false), demand_rate(defaults, level - 1, band, false));
}

TEST(DemandRate, OffloadOfOneRemovesAllUseOfCoveredResidents) {
  DemandParams p;
  p.visit_rate = {0.01, 0.05, 0.2, 0.6};
  p.age_factor.assign(kAgeBands, 1.0);
  p.ohc_offload = 1.0;
  EXPECT_EQ(demand_rate(p, 3, 4, true), 0.0);
  EXPECT_EQ(demand_rate(p, 3, 4, false), 0.6);
}

// End to end: a step's arrivals, by producer and by need level, are Poisson with mean the sum
// of the residents' rates times the step length in weeks (need levels as left by the needs
// phase of the same step, which runs before demand). Weekly and daily steps.
void expect_arrivals_match_rates(int step_days, int steps) {
  std::string yaml =
      test::small_region_yaml(3000, 1500) +
      "pilot: {zones: [A]}\nchoice: {awareness_per_year: 10}\n"
      "producers:\n"
      "  - {name: StationA, zone: A}\n"
      "  - {name: StationB, zone: B}\n"
      "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: 25.76, capacity_per_week: 200}\n";
  const Scenario s = test::scenario_from_yaml(test::with_time(yaml, 400, step_days));
  Simulation sim(s, {8, 0, 1});
  const Residents& r = sim.residents;
  const std::size_t P = sim.producers.size();
  std::vector<double> expected(P * kNeedLevels, 0.0), observed(P * kNeedLevels, 0.0);
  for (int step = 0; step < steps; ++step) {
    const std::vector<std::uint16_t> listed(
        r.listed.begin(), r.listed.end());  // contacts go where one is listed when they arise
    sim.step();
    for (std::size_t i = 0; i < r.size(); ++i)
      expected[listed[i] * kNeedLevels + r.need[i]] +=
          demand_rate(s.demand, r.need[i], age_band_of(r.age[i]), r.flags[i] & Residents::kOhc) *
          s.step_weeks();
    for (std::size_t k = 0; k < P * kNeedLevels; ++k)
      observed[k] += static_cast<double>(sim.flows.arrivals[k]);
  }
  double all_expected = 0, all_observed = 0;
  for (std::size_t k = 0; k < P * kNeedLevels; ++k) {
    if (expected[k] > 0) {
      EXPECT_NEAR(observed[k], expected[k], 4 * std::sqrt(expected[k]) + 1)
          << "producer " << k / kNeedLevels << ", level " << k % kNeedLevels;
    }
    all_expected += expected[k];
    all_observed += observed[k];
  }
  EXPECT_NEAR(all_observed, all_expected, 4 * std::sqrt(all_expected)) << "step_days " << step_days;
  EXPECT_GT(all_observed, 1000);
}

TEST(Demand, ArrivalsArePoissonWithTheResidentsRatesWeekly) { expect_arrivals_match_rates(7, 26); }
TEST(Demand, ArrivalsArePoissonWithTheResidentsRatesDaily) { expect_arrivals_match_rates(1, 120); }

// Default rates give about 4.5 health-centre contacts per resident-year (docs/ODD.md 7.2), with
// weekly or daily steps alike (rates are per week and scaled by the step length).
TEST(Demand, DefaultPopulationMakesAboutFourAndAHalfContactsAYear) {
  for (const int step_days : {7, 1}) {
    const Scenario s =
        test::scenario_from_yaml(test::with_time(test::small_region_yaml(6000, 0), 400, step_days));
    Simulation sim(s, {2, 0, 1});
    double contacts = 0;
    const int steps = 182 / step_days;  // half a year
    for (int step = 0; step < steps; ++step) {
      sim.step();
      for (std::size_t j = 0; j < sim.producers.size(); ++j)
        contacts += static_cast<double>(test::arrivals_at(sim.flows, j));
    }
    const double per_year =
        contacts / static_cast<double>(sim.residents.size()) * 365.25 / (steps * step_days);
    EXPECT_NEAR(per_year, 4.5, 0.5) << "step_days " << step_days;
  }
}

// The demand screen lists the same residents on every instruction set: thresholds anywhere in
// [0, 2^32] (2^32: never a contact; 0: always, which the vector path hands to the scalar one),
// every age up to 255, every length of chunk.
TEST(MaybeContacts, EveryPathListsTheResidentsAtOrAboveTheirThreshold) {
  std::mt19937_64 random(11);
  for (const int table : {0, 1, 2}) {
    std::array<std::uint64_t, detail::kContactCells> no_contact{};
    for (auto& t : no_contact) t = random() % (std::uint64_t{1} << 32);
    if (table == 1) no_contact[5] = no_contact[40] = std::uint64_t{1} << 32;
    if (table == 2) no_contact[17] = 0;
    for (const std::size_t n : {0u, 1u, 15u, 16u, 17u, 1000u, 1024u}) {
      std::vector<std::uint8_t> need(n), age(n), flags(n);
      std::vector<std::uint32_t> words(n);
      std::vector<std::uint32_t> expected;
      for (std::size_t k = 0; k < n; ++k) {
        need[k] = static_cast<std::uint8_t>(random() % kNeedLevels);
        age[k] = static_cast<std::uint8_t>(random() % 256);
        flags[k] = static_cast<std::uint8_t>(random() % 32);
        const std::size_t cell =
            (need[k] * kAgeBands + kAgeBandOfAge[age[k]]) * 2 + ((flags[k] & Residents::kOhc) ? 1 : 0);
        // Draws near the threshold half of the time, to test the boundary.
        words[k] =
            random() % 2
                ? static_cast<std::uint32_t>(random())
                : static_cast<std::uint32_t>(
                      std::min<std::uint64_t>(no_contact[cell] + random() % 3, 0xFFFFFFFFu) - (random() % 2));
        if (words[k] >= no_contact[cell]) expected.push_back(500 + static_cast<std::uint32_t>(k));
      }
      for (const auto path : {detail::SimdPath::scalar, detail::SimdPath::avx2, detail::SimdPath::avx512}) {
        if (!detail::simd_path_available(path)) continue;
        std::vector<std::uint32_t> out(n + 1, 0xDEADBEEFu);
        const std::size_t m =
            detail::maybe_contacts(path, detail::ContactScreen(no_contact), need.data(), age.data(),
                                   flags.data(), words.data(), n, 500, out.data());
        ASSERT_EQ(m, expected.size())
            << "table " << table << ", n " << n << ", path " << static_cast<int>(path);
        EXPECT_EQ(out[n], 0xDEADBEEFu);
        out.resize(m);
        EXPECT_EQ(out, expected) << "table " << table << ", n " << n << ", path " << static_cast<int>(path);
      }
    }
  }
}

}  // namespace
}  // namespace valinta

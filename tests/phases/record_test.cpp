// M9 record (phases/record.cpp): the count of residents listed away from their home station,
// which switches and closures keep current instead of a recount every step.
#include "valinta/phases/record.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

constexpr int kStationCloses = 20, kClinicCloses = 26;

// Zone A has two public stations, so its residents' home stations differ; the first closes while
// many of its residents are listed at the clinic or the other station (their home station moves,
// and with it whether they count as away), then the clinic closes too.
std::string two_station_region() {
  return "name: away\n"
         "time: {start_date: 2017-02-01, steps: 40, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 4000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n"
         "pilot: {zones: [A, B]}\n"
         "rules: {min_listing_months: 1}\n"
         "choice: {awareness_per_year: 4, inertia: 0.5}\n"
         "producers:\n"
         "  - {name: StationA1, zone: A, lat: 62.22, lon: 25.70}\n"
         "  - {name: StationA2, zone: A, lat: 62.26, lon: 25.80}\n"
         "  - {name: StationB, zone: B}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 60, "
         "quality: 1.5}\n"
         "  - {name: Third, sector: third_sector, zone: B, capacity_per_week: 20, quality: 1}\n"
         "events:\n"
         "  - {date: " +
         test::date_of_week(kStationCloses) +
         ", type: close, producer: StationA1}\n"
         "  - {date: " +
         test::date_of_week(kClinicCloses) + ", type: close, producer: Clinic}\n";
}

TEST(AwayFromHome, KeptCountEqualsARecountAfterEveryStepThroughSwitchesAndClosures) {
  for (const int threads : {1, 2}) {
    Simulation sim(test::scenario_from_yaml(two_station_region()), {5, 0, threads});
    const std::size_t a1 = test::producer_named(sim, "StationA1");
    std::int64_t home_a1 = 0;
    for (std::size_t i = 0; i < sim.residents.size(); ++i) home_a1 += sim.residents.home[i] == a1;
    ASSERT_GT(home_a1, 500) << "both stations of zone A are someone's home";
    ASSERT_EQ(sim.away_from_home, count_away_from_home(sim));
    std::int64_t most_away = 0;
    for (int step = 0; step < 40; ++step) {
      sim.step();
      ASSERT_EQ(sim.away_from_home, count_away_from_home(sim))
          << "after step " << step << ", " << threads << " threads";
      std::int64_t away = 0;
      for (const std::int64_t x : sim.away_from_home) away += x;
      most_away = std::max(most_away, away);
      // The recorded indicator is the kept count (both zones are in the pilot).
      const Recorder::Series* recorded = sim.recorder.find("n_away_from_home_by_zone");
      ASSERT_NE(recorded, nullptr);
      const std::vector<std::int64_t> last(
          recorded->count.end() - static_cast<std::ptrdiff_t>(sim.away_from_home.size()),
          recorded->count.end());
      ASSERT_EQ(last, sim.away_from_home) << "step " << step;
    }
    EXPECT_GT(most_away, 300) << "residents did switch away from home";
    EXPECT_FALSE(sim.producers[a1].active);
    for (std::size_t i = 0; i < sim.residents.size(); ++i)
      ASSERT_NE(sim.residents.home[i], a1) << "resident " << i;
  }
}

// After the first step every series keeps its rows in the run's arena with room for all the
// run's rows, so no later step copies a series to grow it; the first step's row moved with it.
TEST(Recorder, AfterTheFirstStepEverySeriesHasRoomForTheWholeRunInTheArena) {
  Simulation sim(test::scenario_from_yaml(two_station_region()), {5, 0, 2});
  sim.step();
  ASSERT_FALSE(sim.recorder.series().empty());
  std::vector<std::pair<std::string, std::vector<double>>> first_rows;
  for (const Recorder::Series& s : sim.recorder.series()) {
    SCOPED_TRACE(s.name);
    ASSERT_NE(s.storage, nullptr);
    if (s.integer) {
      EXPECT_EQ(s.count.get_allocator().resource(), s.storage.get());
      EXPECT_GE(s.count.capacity(), 40 * s.row_length);
      EXPECT_EQ(s.count.size(), s.row_length);
      first_rows.emplace_back(s.name, std::vector<double>(s.count.begin(), s.count.end()));
    } else {
      EXPECT_EQ(s.real.get_allocator().resource(), s.storage.get());
      EXPECT_GE(s.real.capacity(), 40 * s.row_length);
      EXPECT_EQ(s.real.size(), s.row_length);
      first_rows.emplace_back(s.name, std::vector<double>(s.real.begin(), s.real.end()));
    }
  }
  for (int step = 1; step < 40; ++step) sim.step();
  for (const auto& [name, row] : first_rows) {
    const Recorder::Series* s = sim.recorder.find(name);
    ASSERT_NE(s, nullptr);
    for (std::size_t k = 0; k < row.size(); ++k) {
      const double kept = s->integer ? static_cast<double>(s->count[k]) : s->real[k];
      if (std::isnan(row[k]))
        EXPECT_TRUE(std::isnan(kept)) << name << " " << k;
      else
        EXPECT_EQ(kept, row[k]) << name << " " << k;
    }
    EXPECT_EQ((s->integer ? s->count.size() : s->real.size()), 40 * s->row_length) << name;
  }
}

TEST(Recorder, ASeriesThatWasNeverRecordedIsAnErrorNotZero) {
  Simulation sim(test::scenario_from_yaml(two_station_region()), {5, 0, 1});
  sim.step();
  EXPECT_EQ(&sim.recorder.at("new_visits_doctor"), sim.recorder.find("new_visits_doctor"));
  EXPECT_EQ(sim.recorder.find("new_vists_doctor"), nullptr);
  try {
    (void)sim.recorder.at("new_vists_doctor");
    FAIL() << "a misspelt series must not be found";
  } catch (const std::out_of_range& e) {
    EXPECT_NE(std::string(e.what()).find("no indicator series 'new_vists_doctor'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace valinta

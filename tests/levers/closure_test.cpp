// Lever: scheduled closures (a producer's `closes:` date, or a `close` event). When a producer
// closes, everyone listed there chooses again (reason closure) and nobody is lost; its waiting
// contacts move whole to the nearest open public station, so visits stay conserved:
//   cumulative arrivals = served + still queued + diverted + handed over - taken over
// per producer at every step. A closing public station also hands its residents' home over.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "valinta/phases/openings.hpp"
#include "valinta/phases/switching.hpp"

namespace valinta {
namespace {

constexpr int kClinicCloses = 30, kThirdCloses = 36, kStationCCloses = 42;

// Three zones, A and B in the pilot. The private clinic is attractive but small, so it has a
// list and a queue when it closes on its own date; the third-sector unit in B closes by an event,
// and so does the public station of zone C (outside the pilot), whose residents cannot choose.
std::string closing_region() {
  return "name: closures\n"
         "time: {start_date: 2017-02-01, steps: 50, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n"
         "  - {name: C, population: 800, lat: 62.40, lon: 25.90}\n"
         "pilot: {zones: [A, B]}\n"
         "rules: {min_listing_months: 1}\n"
         "service: {capacity_ratio: 0.95}\n"
         "choice: {awareness_per_year: 3, inertia: 1.0}\n"
         "producers:\n"
         "  - {name: StationA, zone: A}\n"
         "  - {name: StationB, zone: B}\n"
         "  - {name: StationC, zone: C}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 25,\n"
         "     quality: 2, digital: 0.8, closes: " +
         test::date_of_week(kClinicCloses) +
         "}\n"
         "  - {name: Third, sector: third_sector, zone: B, capacity_per_week: 15, quality: 1.5}\n"
         "events:\n"
         "  - {date: " +
         test::date_of_week(kThirdCloses) +
         ", type: close, producer: Third}\n"
         "  - {date: " +
         test::date_of_week(kStationCCloses) + ", type: close, producer: StationC}\n";
}

TEST(ClosureLever, ClosedProducersResidentsChooseAgainAndTheirQueueMovesWhole) {
  Simulation sim(test::scenario_from_yaml(closing_region()), {12, 0, 1});
  const std::size_t clinic = test::producer_named(sim, "Clinic");
  const std::size_t third = test::producer_named(sim, "Third");
  const std::size_t station_c = test::producer_named(sim, "StationC");
  const std::size_t zone_c = test::zone_named(sim, "C");
  test::VisitLedger visits;
  struct Closing {
    std::size_t producer;
    int step;
  };
  const std::vector<Closing> closings = {
      {clinic, kClinicCloses}, {third, kThirdCloses}, {station_c, kStationCCloses}};
  for (int step = 0; step < 50; ++step) {
    // The state a closure at the start of this step acts on.
    const std::vector<std::uint16_t> listed_before(sim.residents.listed.begin(), sim.residents.listed.end());
    std::vector<std::int64_t> queue_before(sim.producers.size());
    for (std::size_t j = 0; j < sim.producers.size(); ++j)
      queue_before[j] = test::queue_length(sim.producers[j]);

    sim.step();
    test::expect_residents_conserved(sim);
    visits.add_step_and_check(sim);
    test::expect_books_balance(sim);

    std::int64_t closing_lists = 0;
    for (const Closing& c : closings) {
      SCOPED_TRACE(sim.producers[c.producer].spec.name);
      EXPECT_EQ(sim.producers[c.producer].active, step < c.step) << "step " << step;
      if (step != c.step) {
        EXPECT_EQ(sim.flows.producer_event[c.producer], 0) << "step " << step;
        EXPECT_EQ(sim.flows.transferred_out[c.producer], 0) << "step " << step;
        continue;
      }
      EXPECT_EQ(sim.flows.producer_event[c.producer], static_cast<std::uint8_t>(ProducerEvent::closed));
      std::int64_t was_listed = 0;
      for (std::size_t i = 0; i < listed_before.size(); ++i) {
        if (listed_before[i] != c.producer) continue;
        ++was_listed;
        EXPECT_NE(sim.residents.listed[i], c.producer)
            << "resident " << i << " is still listed at a closed producer";
      }
      EXPECT_GT(was_listed, 20) << "the closing producer had a list";
      closing_lists += was_listed;
      // Its whole queue moves to an open public station.
      EXPECT_GT(queue_before[c.producer], 0);
      EXPECT_EQ(sim.flows.transferred_out[c.producer], queue_before[c.producer]);
      EXPECT_EQ(test::queue_length(sim.producers[c.producer]), 0);
      for (std::size_t j = 0; j < sim.producers.size(); ++j)
        if (sim.flows.transferred_in[j] > 0) {
          EXPECT_TRUE(sim.producers[j].active);
          EXPECT_EQ(sim.producers[j].sector, Sector::public_sector);
        }
    }
    // Closures are the only reason anyone changes producer for "closure", and all of them do.
    EXPECT_EQ(sim.flows.switches_by_reason[static_cast<int>(SwitchReason::closure)], closing_lists)
        << "step " << step;
  }
  // Zone C's residents (not in the pilot, so they cannot choose) now have an open public station
  // as their home and are listed there.
  const Zone& c = sim.zones[zone_c];
  for (std::size_t i = c.first_resident; i < c.first_resident + c.n_residents; ++i) {
    const Producer& home = sim.producers[sim.residents.home[i]];
    ASSERT_TRUE(home.active && home.sector == Sector::public_sector) << "resident " << i;
    ASSERT_EQ(sim.residents.listed[i], sim.residents.home[i]) << "resident " << i;
  }
}

// The `closes:` date and a `close` event on the same date do the same thing.
TEST(ClosureLever, ClosingDateAndCloseEventAreTheSame) {
  std::string by_event = closing_region();
  const std::string date = test::date_of_week(kClinicCloses);
  const std::string closes = ", closes: " + date;
  by_event.erase(by_event.find(closes), closes.size());
  by_event += "  - {date: " + date + ", type: close, producer: Clinic}\n";
  Simulation by_date(test::scenario_from_yaml(closing_region()), {12, 0, 1});
  Simulation by_close_event(test::scenario_from_yaml(by_event), {12, 0, 1});
  for (int step = 0; step < 50; ++step) {
    by_date.step();
    by_close_event.step();
    ASSERT_EQ(test::residents_listed_elsewhere(by_date, by_close_event), 0) << "step " << step;
    ASSERT_EQ(by_date.flows.transferred_in, by_close_event.flows.transferred_in) << "step " << step;
  }
}

// Several closures at once (the market's exits of a quarter) find their residents in one pass
// made before the first of them: the result is that of closing them one by one, each with its
// own pass, also for residents the first closure sends to the second producer (the batch hands
// them on).
TEST(ClosureLever, ClosuresSharingOnePassEqualClosuresOneByOne) {
  std::string yaml = closing_region();
  yaml.erase(yaml.find("events:"));  // the two are closed by hand below
  const std::string closes = ", closes: " + test::date_of_week(kClinicCloses);
  yaml.erase(yaml.find(closes), closes.size());
  Simulation shared(test::scenario_from_yaml(yaml), {12, 0, 1});
  Simulation one_by_one(test::scenario_from_yaml(yaml), {12, 0, 1});
  for (int step = 0; step < kClinicCloses; ++step) {
    shared.step();
    one_by_one.step();
  }
  const std::size_t clinic = test::producer_named(shared, "Clinic"),
                    third = test::producer_named(shared, "Third");
  const std::vector<std::uint16_t> listed_before(one_by_one.residents.listed.begin(),
                                                 one_by_one.residents.listed.end());
  ASSERT_GT(shared.producers[clinic].n_listed, 20);
  ASSERT_GT(shared.producers[third].n_listed, 20);

  ClosureBatch batch = closure_batch(shared, {clinic, third});
  close_producer(shared, clinic, ProducerEvent::exited, "test", &batch);
  close_producer(shared, third, ProducerEvent::exited, "test", &batch);
  close_producer(one_by_one, clinic, ProducerEvent::exited, "test");
  std::int64_t clinic_to_third = 0;
  for (std::size_t i = 0; i < listed_before.size(); ++i)
    clinic_to_third += listed_before[i] == clinic && one_by_one.residents.listed[i] == third;
  close_producer(one_by_one, third, ProducerEvent::exited, "test");
  EXPECT_GT(clinic_to_third, 0)
      << "no resident of the first closure went to the second: the case is not tested";

  EXPECT_EQ(shared.residents.listed, one_by_one.residents.listed);
  EXPECT_EQ(shared.residents.home, one_by_one.residents.home);
  EXPECT_EQ(shared.residents.open_producer, one_by_one.residents.open_producer);
  for (std::size_t j = 0; j < shared.producers.size(); ++j)
    EXPECT_EQ(shared.producers[j].n_listed, one_by_one.producers[j].n_listed)
        << shared.producers[j].spec.name;
  EXPECT_EQ(shared.event_log, one_by_one.event_log);
  test::expect_residents_conserved(shared);
}

}  // namespace
}  // namespace valinta

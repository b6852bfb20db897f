// Lever: the organiser's follow-up of its service promise (M10, organiser.*). Switched off it
// changes nothing; a promise always kept takes no action; a zone short of it is acted on even when
// none of its stations is in breach on its own; a station that breaks a 7-day promise
// gets temporary capacity and capacity bought by voucher that cost what the parameters say, within
// the budget; performance pay is held back from it and paid to the others; a published breach
// turns residents away; money, visits and residents stay conserved at every step.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "support/h5_compare.hpp"
#include "support/test_support.hpp"

namespace valinta {
namespace {

// Zone A's station is short of capacity (150 visits/week for about 3,000 residents' contacts), so
// its queue grows; a private clinic in zone A has room and, without a pilot, nobody listed; zone
// B's station has room for all.
std::string region(const std::string& organiser, const std::string& extra = "", int promise_days = 7,
                   const std::string& information = "transparent") {
  return "name: organiser\n"
         "time: {start_date: 2017-02-01, steps: 40, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n"
         "rules: {service_promise_days: " +
         std::to_string(promise_days) + ", service_promise_target: 0.8, information: " + information +
         "}\n"
         "service: {er_threshold_weeks: 8, er_prob_per_week: 0.05, flex_max_share: 0}\n"
         "demand: {wait_elasticity: 0}\n"
         "workforce: {free_share: 0.2}\n"
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 150}\n"
         "  - {name: StationB, zone: B, capacity_per_week: 1e4}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 120}\n" +
         extra + (organiser.empty() ? "" : "organiser: {" + organiser + "}\n");
}

struct Outcome {
  std::vector<double> cost, organiser_capacity_a, organiser_capacity_clinic;
  std::vector<std::int64_t> temporary, vouchers, refused, breaches_a;
  std::int64_t queue_a = 0;  // summed over the steps
  double wait_a = 0;         // mean of the steps' mean waits at StationA
  std::int64_t listed_a = 0;
  std::vector<std::string> organiser_events;
};

// Runs `steps` steps, checking conservation after each, and keeps what the tests look at.
Outcome run(const std::string& yaml, int steps = 40) {
  Simulation sim(test::scenario_from_yaml(yaml), {23, 0, 1});
  const std::size_t a = test::producer_named(sim, "StationA"), clinic = test::producer_named(sim, "Clinic");
  test::VisitLedger ledger;
  Outcome out;
  int waited = 0;
  for (int step = 0; step < steps; ++step) {
    sim.step();
    test::expect_residents_conserved(sim);
    test::expect_books_balance(sim);
    ledger.add_step_and_check(sim);
    out.cost.push_back(test::recorded(sim, "organiser_cost_eur", step));
    out.temporary.push_back(
        static_cast<std::int64_t>(test::recorded(sim, "new_organiser_temporary_capacity_all", step)));
    out.vouchers.push_back(
        static_cast<std::int64_t>(test::recorded(sim, "new_organiser_vouchers_all", step)));
    out.refused.push_back(static_cast<std::int64_t>(test::recorded(sim, "new_organiser_refused_all", step)));
    out.breaches_a.push_back(
        static_cast<std::int64_t>(test::recorded(sim, "new_organiser_breaches", step, a)));
    out.organiser_capacity_a.push_back(test::recorded(sim, "organiser_capacity_per_week", step, a));
    out.organiser_capacity_clinic.push_back(test::recorded(sim, "organiser_capacity_per_week", step, clinic));
    out.queue_a += test::queue_length(sim.producers[a]);
    const double wait = test::recorded(sim, "wait_mean_days", step, a);
    if (!std::isnan(wait)) {
      out.wait_a += wait;
      ++waited;
    }
  }
  out.wait_a /= std::max(1, waited);
  out.listed_a = sim.producers[a].n_listed;
  for (const std::string& line : sim.event_log)
    if (line.find("organiser:") != std::string::npos) out.organiser_events.push_back(line);
  return out;
}

double total(const std::vector<double>& v) {
  double s = 0;
  for (const double x : v) s += x;
  return s;
}
std::int64_t total(const std::vector<std::int64_t>& v) { return test::sum(v); }

constexpr const char* kTemporaryOnly =
    "enabled: true, temporary_capacity: true, temporary_capacity_share: 0.1, "
    "temporary_capacity_eur_per_visit: 100, vouchers: false";
constexpr const char* kVouchersOnly =
    "enabled: true, temporary_capacity: false, vouchers: true, voucher_eur_per_visit: 50";

TEST(Organiser, SwitchedOffChangesNothing) {
  Simulation without(test::scenario_from_yaml(region("")), {5, 0, 1});
  Simulation off(test::scenario_from_yaml(region("enabled: false, vouchers: true, performance_pay: true, "
                                                 "publication: true, budget_eur_per_year: 1000")),
                 {5, 0, 1});
  for (int step = 0; step < 30; ++step) {
    without.step();
    off.step();
  }
  const auto& a = without.recorder.series();
  const auto& b = off.recorder.series();
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    SCOPED_TRACE(a[k].name);
    EXPECT_EQ(a[k].count, b[k].count);
    ASSERT_EQ(a[k].real.size(), b[k].real.size());
    for (std::size_t i = 0; i < a[k].real.size(); ++i)  // bit for bit, NaN included
      ASSERT_EQ(std::memcmp(&a[k].real[i], &b[k].real[i], sizeof(double)), 0) << "element " << i;
  }
  EXPECT_EQ(without.event_log, off.event_log);
}

TEST(Organiser, APromiseAlwaysKeptTakesNoAction) {
  const Outcome r =
      run(region("enabled: true, vouchers: true, performance_pay: true, publication: true", "", 365));
  EXPECT_EQ(total(r.cost), 0.0);
  EXPECT_EQ(total(r.temporary) + total(r.vouchers) + total(r.refused) + total(r.breaches_a), 0);
  EXPECT_EQ(total(r.organiser_capacity_a), 0.0);
  EXPECT_TRUE(r.organiser_events.empty()) << r.organiser_events.front();
}

// Zone A gets a second, small station: each of its stations serves fewer visits in a period than
// min_visits (700: at most 600 at StationA, 240 at StationA2), so neither is in breach on its own,
// but together they fall short of the 7-day promise. Followed up zone by zone, the zone is in
// breach and the organiser acts at its station with the lower share; not followed up, nothing is.
TEST(Organiser, AZoneShortOfThePromiseIsActedOnAtItsWorstStation) {
  const std::string second =
      "  - {name: StationA2, zone: A, lat: 62.25, lon: 25.74, capacity_per_week: 60}\n";
  const std::string organiser = std::string(kTemporaryOnly) + ", min_visits: 700";
  const Outcome zones = run(region(organiser, second));
  const Outcome producers_only = run(region(organiser + ", zone_follow_up: false", second));
  EXPECT_EQ(total(zones.breaches_a) + total(producers_only.breaches_a), 0) << "no station alone is in breach";
  EXPECT_GT(total(zones.temporary), 0);
  EXPECT_GT(total(zones.cost), 0.0);
  EXPECT_EQ(total(producers_only.temporary) + total(producers_only.refused), 0);
  EXPECT_EQ(total(producers_only.cost), 0.0);
  EXPECT_TRUE(producers_only.organiser_events.empty()) << producers_only.organiser_events.front();
  bool found = false, acted = false;
  for (const std::string& line : zones.organiser_events) {
    found = found || (line.find("zone A in breach") != std::string::npos &&
                      line.find("acting at StationA") != std::string::npos);
    acted = acted || line.find("temporary capacity +") != std::string::npos;
    EXPECT_EQ(line.find("zone B"), std::string::npos) << line;  // B's station has room for all
  }
  EXPECT_TRUE(found && acted) << (zones.organiser_events.empty() ? "" : zones.organiser_events.front());
  // Recorded by zone at the reviews that found it.
  Simulation sim(test::scenario_from_yaml(region(organiser, second)), {23, 0, 1});
  std::int64_t zone_a = 0, zone_b = 0;
  for (int step = 0; step < 40; ++step) {
    sim.step();
    zone_a += static_cast<std::int64_t>(test::recorded(sim, "new_organiser_zone_breaches", step, 0));
    zone_b += static_cast<std::int64_t>(test::recorded(sim, "new_organiser_zone_breaches", step, 1));
  }
  EXPECT_GT(zone_a, 0);
  EXPECT_EQ(zone_b, 0);
}

// A station in breach on its own comes before a station acted at for its zone, whatever their
// order in the scenario. Zone A's stations serve at most 600 and 240 visits in a period, under
// min_visits (700), together more; StationB serves 800 and breaks the promise on its own. The
// budget of 17,000 EUR pays StationB's first action (8,000); at the second review, with zone A
// short too, 9,000 is left: StationB's own breach (8,000) is paid and the zone's action at
// StationA2 (2,400), listed before it, is refused.
TEST(Organiser, AStationsOwnBreachComesBeforeItsZones) {
  const std::string yaml =
      "name: order\n"
      "time: {start_date: 2017-02-01, steps: 16, step_days: 7}\n"
      "zones:\n"
      "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
      "  - {name: B, population: 6000, lat: 62.60, lon: 26.40}\n"
      "rules: {service_promise_days: 7, service_promise_target: 0.8}\n"
      "service: {er_threshold_weeks: 8, er_prob_per_week: 0.05, flex_max_share: 0}\n"
      "demand: {wait_elasticity: 0}\n"
      "workforce: {free_share: 0.2}\n"
      "producers:\n"
      "  - {name: StationA, zone: A, capacity_per_week: 150}\n"
      "  - {name: StationA2, zone: A, lat: 62.25, lon: 25.74, capacity_per_week: 60}\n"
      "  - {name: StationB, zone: B, capacity_per_week: 200}\n"
      "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 120}\n"
      "organiser: {" +
      std::string(kTemporaryOnly) + ", min_visits: 700, budget_eur_per_year: 17000}\n";
  const Outcome r = run(yaml, 16);
  bool zone_found = false, own_taken = false, zone_refused = false;
  std::string events;
  for (const std::string& line : r.organiser_events) {
    events += line + "\n";
    if (line.rfind("2017-03-22 step 7:", 0) != 0) continue;  // the second review
    const bool refused = line.find("not taken") != std::string::npos;
    zone_found = zone_found || line.find("zone A in breach") != std::string::npos;
    own_taken = own_taken || (line.find("+20 visits/week at StationB") != std::string::npos && !refused);
    zone_refused = zone_refused || (line.find("at StationA2 (zone A:") != std::string::npos && refused);
  }
  EXPECT_TRUE(zone_found && own_taken && zone_refused) << events;
}

TEST(Organiser, TemporaryCapacityCostsWhatTheParametersSay) {
  Simulation sim(test::scenario_from_yaml(region(kTemporaryOnly)), {23, 0, 1});
  const std::size_t a = test::producer_named(sim, "StationA");
  ASSERT_DOUBLE_EQ(sim.producers[a].base_capacity_per_week, 150);
  const double free_before = sim.workforce_free_fte;
  for (int step = 0; step < 4; ++step) sim.step();
  // The first review, at the end of week 4, finds the queue still young: 80 % or more of the visits within
  // the promise, no breach, no action.
  EXPECT_GE(test::recorded(sim, "share_within_promise_period", 3, a), 0.8);
  EXPECT_EQ(test::recorded(sim, "new_organiser_breaches", 3, a), 0);
  EXPECT_EQ(sim.producers[a].organiser_capacity_per_week, 0.0);
  for (int step = 4; step < 8; ++step) sim.step();
  // The second, at the end of week 8: the station broke the promise; 10 % of 150 visits/week for
  // the next 4 weeks at 100 EUR a visit: 15 x 4 x 100 = 6,000 EUR, paid to the station.
  EXPECT_EQ(test::recorded(sim, "new_organiser_breaches", 7, a), 1);
  EXPECT_DOUBLE_EQ(test::recorded(sim, "organiser_cost_eur", 7), 6000.0);
  // Booked as temporary capacity, not as fees for service (the station is paid by capitation).
  EXPECT_DOUBLE_EQ(sim.flows.payments[a * kPaymentKinds + static_cast<int>(PaymentKind::temporary_capacity)],
                   6000.0);
  EXPECT_EQ(sim.flows.payments[a * kPaymentKinds + static_cast<int>(PaymentKind::fee_for_service)], 0.0);
  EXPECT_DOUBLE_EQ(sim.flows.organiser_side[static_cast<int>(PaymentKind::temporary_capacity)], 6000.0);
  EXPECT_DOUBLE_EQ(sim.producers[a].organiser_capacity_per_week, 15.0);
  EXPECT_NEAR(free_before - sim.workforce_free_fte, 15.0 / sim.scenario.workforce.visits_per_fte_week, 1e-9);
  bool logged = false;
  for (const std::string& line : sim.event_log)
    logged =
        logged || (line.find("organiser: temporary capacity +15 visits/week at StationA (promise 7 days met "
                             "for") != std::string::npos &&
                   line.find("target 80 %) for 4 weeks, 6000 EUR") != std::string::npos);
  EXPECT_TRUE(logged) << (sim.event_log.empty() ? "" : sim.event_log.back());
  // The staff return to the workforce when the period ends (and come again if the breach goes on).
  for (int step = 8; step < 12; ++step) sim.step();
  EXPECT_NEAR(free_before - sim.workforce_free_fte,
              sim.producers[a].organiser_capacity_per_week / sim.scenario.workforce.visits_per_fte_week,
              1e-9);
}

TEST(Organiser, TheBudgetStopsActions) {
  // 6,000 EUR a review: a budget of 15,000 EUR a year pays for two (the reviews of weeks 8 and 12),
  // and the seven of the rest of 2017 are refused.
  const Outcome r = run(region(std::string(kTemporaryOnly) + ", budget_eur_per_year: 15000"));
  EXPECT_EQ(total(r.temporary), 2);
  EXPECT_DOUBLE_EQ(total(r.cost), 12000.0);
  EXPECT_EQ(total(r.refused), 7);
  bool said = false;
  for (const std::string& line : r.organiser_events)
    said = said || line.find("not taken: it would cost 6000 EUR, the budget has 3000 EUR left for 2017") !=
                       std::string::npos;
  EXPECT_TRUE(said);
}

TEST(Organiser, VouchersBuyTheClinicsSpareCapacity) {
  Simulation sim(test::scenario_from_yaml(region(kVouchersOnly)), {23, 0, 1});
  const std::size_t a = test::producer_named(sim, "StationA"), clinic = test::producer_named(sim, "Clinic");
  for (int step = 0; step < 8; ++step) sim.step();
  // The station's queue needs more than the clinic's 120 unused visits a week: all are bought, for
  // 4 weeks at 50 EUR a visit, paid to the clinic as vouchers.
  const double bought = sim.producers[a].organiser_capacity_per_week;
  EXPECT_DOUBLE_EQ(bought, 120.0);
  EXPECT_DOUBLE_EQ(sim.producers[clinic].organiser_capacity_per_week, -120.0);
  EXPECT_DOUBLE_EQ(sim.flows.payments[clinic * kPaymentKinds + static_cast<int>(PaymentKind::voucher)],
                   120.0 * 4 * 50);
  EXPECT_DOUBLE_EQ(test::recorded(sim, "organiser_cost_eur", 7), 120.0 * 4 * 50);
  EXPECT_EQ(test::recorded(sim, "new_organiser_vouchers_all", 7), 1);
  // Bought for one period: at the next review the clinic has its capacity back, and sells it again.
  for (int step = 8; step < 12; ++step) sim.step();
  EXPECT_DOUBLE_EQ(test::recorded(sim, "organiser_capacity_per_week", 10, clinic), -120.0);
  EXPECT_DOUBLE_EQ(sim.producers[a].organiser_capacity_per_week, 120.0);
}

TEST(Organiser, EachCapacityInstrumentShortensTheStationsWaits) {
  const Outcome none = run(region(""));
  const Outcome temporary = run(region(kTemporaryOnly));
  const Outcome vouchers = run(region(kVouchersOnly));
  EXPECT_GT(total(temporary.temporary), 0);
  EXPECT_GT(total(vouchers.vouchers), 0);
  EXPECT_LT(temporary.queue_a, none.queue_a);
  EXPECT_LT(temporary.wait_a, none.wait_a);
  EXPECT_LT(vouchers.queue_a, none.queue_a);
  EXPECT_LT(vouchers.wait_a, none.wait_a);
  EXPECT_EQ(total(none.cost), 0.0);
}

TEST(Organiser, PerformancePayIsHeldBackFromTheStationInBreach) {
  Simulation sim(test::scenario_from_yaml(region(
                     "enabled: true, temporary_capacity: false, performance_pay: true, withheld_share: 0.1")),
                 {23, 0, 1});
  const std::vector<std::size_t> stations = {test::producer_named(sim, "StationA"),
                                             test::producer_named(sim, "StationB")};
  constexpr int kCapitation = static_cast<int>(PaymentKind::capitation);
  constexpr int kPerformance = static_cast<int>(PaymentKind::performance);
  std::vector<double> held(2, 0.0);
  std::vector<std::int64_t> breaches(2, 0);
  for (int step = 0; step < 16; ++step) {
    sim.step();
    test::expect_books_balance(sim);
    double kept_here = 0;
    for (std::size_t k = 0; k < 2; ++k) {
      const double* pay = &sim.flows.payments[stations[k] * kPaymentKinds];
      held[k] += pay[kCapitation] * 0.1 / 0.9;  // 10 % held back: 90 % paid
      if (step % 4 != 3) {
        EXPECT_EQ(pay[kPerformance], 0.0) << "step " << step;
        continue;
      }
      // At each review a station that broke the promise forfeits what was held back; the other is paid it.
      const bool breach = test::recorded(sim, "new_organiser_breaches", step, stations[k]) == 1;
      breaches[k] += breach;
      EXPECT_NEAR(pay[kPerformance], breach ? 0.0 : held[k], 1e-6) << "step " << step;
      kept_here += breach ? held[k] : 0.0;
      held[k] = 0;
    }
    EXPECT_NEAR(test::recorded(sim, "organiser_withheld_eur", step), kept_here, 1e-6) << "step " << step;
  }
  EXPECT_EQ(breaches[0], 3);  // weeks 8, 12 and 16 (the queue is young at the first review)
  EXPECT_EQ(breaches[1], 0);
}

TEST(Organiser, APublishedBreachTurnsResidentsAway) {
  const std::string pilot = "pilot: {zones: [A, B]}\nchoice: {awareness_per_year: 4}\n";
  const Outcome quiet = run(region("enabled: true, temporary_capacity: false", pilot));
  const Outcome published =
      run(region("enabled: true, temporary_capacity: false, publication: true, breach_utility: -3", pilot));
  EXPECT_GT(total(published.breaches_a), 0);
  EXPECT_LT(published.listed_a, quiet.listed_a);
}

TEST(Organiser, ABreachIsSeenOnlyWhereTheOrganiserPublishes) {
  // Under word of mouth residents hear of producers from each other, not from the organiser's list.
  const std::string pilot = "pilot: {zones: [A, B]}\nchoice: {awareness_per_year: 4}\n";
  const Outcome quiet = run(region("enabled: true, temporary_capacity: false", pilot, 7, "word_of_mouth"));
  const Outcome published =
      run(region("enabled: true, temporary_capacity: false, publication: true, breach_utility: -3", pilot, 7,
                 "word_of_mouth"));
  EXPECT_GT(total(published.breaches_a), 0);
  EXPECT_EQ(published.listed_a, quiet.listed_a);
}

TEST(Organiser, AllInstrumentsTogetherKeepResidentsVisitsAndMoneyConserved) {
  // run() checks residents, visits and both books after every step.
  const Outcome all = run(region(
      "enabled: true, vouchers: true, performance_pay: true, publication: true, budget_eur_per_year: 100000, "
      "satisfaction_target: 0.5",
      "pilot: {zones: [A, B]}\n"));
  EXPECT_GT(total(all.temporary), 0);
  EXPECT_GT(total(all.vouchers), 0);
  EXPECT_GT(total(all.refused), 0);
  EXPECT_LE(total(all.cost), 100000.0 + 1e-6);
}

TEST(Organiser, SatisfactionIsRecordedAndCanBeFollowedUp) {
  Simulation sim(test::scenario_from_yaml(
                     region("enabled: true, temporary_capacity: false, satisfaction_target: 6", "", 365)),
                 {23, 0, 1});
  const std::size_t b = test::producer_named(sim, "StationB");
  for (int step = 0; step < 4; ++step) sim.step();
  EXPECT_TRUE(std::isnan(test::recorded(sim, "satisfaction", 2, b)));
  const double satisfaction = test::recorded(sim, "satisfaction", 3, b);
  EXPECT_TRUE(std::isfinite(satisfaction));
  EXPECT_LT(satisfaction, 6.0);
  EXPECT_TRUE(std::isfinite(test::recorded(sim, "satisfaction_by_zone", 3, test::zone_named(sim, "B"))));
  // A promise of a year is kept everywhere; the satisfaction target of 6 SD is not.
  EXPECT_EQ(test::recorded(sim, "new_organiser_breaches", 3, b), 1);
}

// The organiser's state (period counts, capacity in force, what was held back, the budget) is part of
// a checkpoint: a run resumed from one ends as the uninterrupted run.
TEST(Organiser, ACheckpointedRunResumesToIdenticalResults) {
  const auto dir = test::fresh_dir("organiser-resume");
  // The default region at a twentieth, with a 7-day promise its small stations break.
  const std::string scenario = std::string(VALINTA_SOURCE_DIR) + "/scenarios/keski-suomi.yaml";
  const std::string common =
      " -q --threads 1 --set population.scale=0.05 --set time.steps=60 --set rules.service_promise_days=7 "
      "--set organiser.enabled=true --set organiser.performance_pay=true --set organiser.vouchers=true "
      "--set organiser.publication=true --set organiser.budget_eur_per_year=20000 ";
  const auto full = dir / "full.h5", resumed = dir / "resumed.h5", checkpoint = dir / "run.ckpt";
  const test::CliResult first = test::run_cli("run" + common + "--checkpoint " + checkpoint.string() +
                                              " --checkpoint-every 9 -o " + full.string() + " " + scenario);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const test::CliResult again =
      test::run_cli("run -q --threads 1 --resume " + checkpoint.string() + " -o " + resumed.string());
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(test::h5_files_equal(full, resumed));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace valinta

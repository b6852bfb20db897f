// Levers of M7, market dynamics (phases/market.cpp): the entry hurdle, exit after sustained
// losses, and books that balance while producers come and go.
//   entry_hurdle 1e9          - no chain ever enters;
//   a low hurdle, a profitable empty market - a chain enters, recorded with its reason;
//   a private producer losing money - leaves after its first year + exit_after_quarters quarters
//                               of losses; its residents all choose again and none is lost;
//   entries and exits         - the organiser's books equal the producers' receipts at every step;
//   workforce                 - a private entrant that recruits from public stations lowers their
//                               capacity; without that recruiting it does not.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "valinta/run/run_loop.hpp"

namespace valinta {
namespace {

// Two pilot zones large enough to be candidate sites, one chain that may open a unit in each,
// capitation generous enough that an empty market is profitable. Quarters are 13 weekly steps.
std::string market_yaml(const std::string& market, const std::string& extra = "", int steps = 40,
                        const std::string& rules = "") {
  return "name: market\n"
         "time: {start_date: 2017-02-01, steps: " +
         std::to_string(steps) +
         ", step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 4000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 2000, lat: 62.30, lon: 25.95}\n"
         "pilot: {zones: [A, B]}\n"
         "rules: {capitation_eur_per_year: 600" +
         (rules.empty() ? "" : ", " + rules) +
         "}\n"
         "choice: {awareness_per_year: 2, inertia: 1.5}\n"
         "market: {enabled: true, min_zone_population: 1000, " +
         market +
         "}\n"
         "chains:\n"
         "  - {name: Chain, capacity_per_week: 200, quality: 0.5}\n" +
         extra;
}

// The chain's entrant slots (inactive producers with a chain index).
std::vector<std::size_t> entrant_slots(const Simulation& sim) {
  std::vector<std::size_t> slots;
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    if (sim.producers[j].chain >= 0) slots.push_back(j);
  return slots;
}

struct Entry {
  int step = -1;
  std::size_t producer = 0;
};

std::vector<Entry> run_and_collect_entries(Simulation& sim) {
  std::vector<Entry> entries;
  const int steps = static_cast<int>(sim.scenario.time.steps);
  for (int step = 0; step < steps; ++step) {
    sim.step();
    for (std::size_t j = 0; j < sim.producers.size(); ++j)
      if (sim.flows.producer_event[j] == static_cast<std::uint8_t>(ProducerEvent::entered))
        entries.push_back({step, j});
  }
  return entries;
}

// An infinite hurdle keeps every chain out, however profitable the market; a low one lets a
// chain into the same market, and the entry is recorded: the producer's event of the step, the
// recorder's series and a dated line of the event log with the forecast that justified it.
TEST(MarketLever, InfiniteEntryHurdleMeansNoEntryAndALowOneLetsAChainIn) {
  Simulation closed(test::scenario_from_yaml(market_yaml("entry_hurdle: 1e9")), {3, 0, 1});
  Simulation open(test::scenario_from_yaml(market_yaml("entry_hurdle: 0")), {3, 0, 1});
  ASSERT_EQ(entrant_slots(closed).size(), 2u);

  EXPECT_TRUE(run_and_collect_entries(closed).empty());
  for (const std::size_t j : entrant_slots(closed)) EXPECT_FALSE(closed.producers[j].active);
  for (const std::string& line : closed.event_log) EXPECT_EQ(line.find("entered"), std::string::npos) << line;

  const std::vector<Entry> entries = run_and_collect_entries(open);
  ASSERT_FALSE(entries.empty());
  const Entry first = entries.front();
  EXPECT_EQ(first.step, 12) << "the market moves at the end of each 13-week quarter";
  EXPECT_GE(open.producers[first.producer].chain, 0);
  EXPECT_TRUE(open.producers[first.producer].active);
  EXPECT_EQ(test::recorded(open, "new_producer_event", static_cast<std::size_t>(first.step), first.producer),
            static_cast<double>(ProducerEvent::entered));
  EXPECT_EQ(test::recorded(open, "producer_active", static_cast<std::size_t>(first.step) - 1, first.producer),
            0.0);
  const std::string& name = open.producers[first.producer].spec.name;
  bool logged = false;
  for (const std::string& line : open.event_log)
    if (line.find(name + " entered (forecast list") != std::string::npos &&
        line.find("margin") != std::string::npos && line.find("step 12") != std::string::npos)
      logged = true;
  EXPECT_TRUE(logged) << "no event log line for the entry of " << name;
  // The entrant takes residents once it is open.
  EXPECT_GT(open.producers[first.producer].n_listed, 0);
}

// With information none residents do not see quality, so the chain's forecast of its list, made
// with the residents' own choice model, does not depend on the quality of its units either.
TEST(MarketLever, EntryForecastSeesWhatResidentsSee) {
  auto first_entry_line = [](const std::string& information, double quality) {
    std::string yaml =
        market_yaml("entry_hurdle: 0", "", 13, "min_listing_months: 1, information: " + information);
    yaml.replace(yaml.find("quality: 0.5"), 12, "quality: " + std::to_string(quality));
    Simulation sim(test::scenario_from_yaml(yaml), {3, 0, 1});
    run_to_end(sim);
    for (const std::string& line : sim.event_log)
      if (line.find("entered") != std::string::npos) return line;
    return std::string("no entry");
  };
  EXPECT_EQ(first_entry_line("none", 0.0), first_entry_line("none", 3.0));
  EXPECT_NE(first_entry_line("transparent", 0.0), first_entry_line("transparent", 3.0));
}

// Units of two chains at one site are forecast from one sample, each as if it opened alone: a
// second chain that never enters (an infinite hurdle) changes nothing of the first chain's
// entries, forecasts or lists.
TEST(MarketLever, EachChainsForecastIgnoresTheOtherChainsClosedUnits) {
  const std::string alone = market_yaml("entry_hurdle: 0, max_entries_per_quarter: 2");
  const std::string with_rival =
      alone + "  - {name: Rival, sector: third_sector, capacity_per_week: 200, quality: 2, hurdle: 1e9}\n";
  Simulation a(test::scenario_from_yaml(alone), {5, 0, 1});
  Simulation b(test::scenario_from_yaml(with_rival), {5, 0, 1});
  ASSERT_EQ(entrant_slots(b).size(), 2 * entrant_slots(a).size());
  const std::vector<Entry> entries = run_and_collect_entries(a);
  ASSERT_FALSE(entries.empty());
  run_and_collect_entries(b);
  EXPECT_EQ(a.event_log, b.event_log);
  for (std::size_t j = 0; j < a.producers.size(); ++j) {
    EXPECT_EQ(a.producers[j].active, b.producers[j].active) << a.producers[j].spec.name;
    EXPECT_EQ(a.producers[j].n_listed, b.producers[j].n_listed) << a.producers[j].spec.name;
  }
}

// A private producer whose fixed costs dwarf its revenue loses money every quarter. Its first
// year does not count (a year to build a list); after exit_after_quarters more losing quarters it
// leaves, at the end of quarter 4 + 2 = 6 (step 77). Its residents choose again, none is lost and
// nobody stays listed at a closed producer. A public station losing as much stays open.
TEST(MarketLever, SustainedLossesCloseAPrivateProducerAndItsResidentsAreRelisted) {
  const std::string producers =
      "producers:\n"
      "  - {name: StationA, zone: A, fixed_cost_eur_per_capacity_week: 10000}\n"
      "  - {name: StationB, zone: B}\n"
      "  - {name: Costly, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 60,\n"
      "     quality: 2, fixed_cost_eur_per_capacity_week: 10000}\n";
  const Scenario s = test::scenario_from_yaml(
      market_yaml("entry_hurdle: 1e9, exit_after_quarters: 2, capacity_adjustment: false", producers, 90));
  Simulation sim(s, {4, 0, 1});
  const std::size_t costly = test::producer_named(sim, "Costly");
  const std::size_t station = test::producer_named(sim, "StationA");
  test::VisitLedger visits;
  const int exit_step = (4 + 2) * 13 - 1;
  std::int64_t listed_before_exit = 0;
  for (int step = 0; step < 90; ++step) {
    std::vector<std::uint16_t> before;
    if (step == exit_step) before.assign(sim.residents.listed.begin(), sim.residents.listed.end());
    sim.step();
    test::expect_residents_conserved(sim);
    visits.add_step_and_check(sim);
    test::expect_books_balance(sim);
    EXPECT_TRUE(sim.producers[station].active) << "public stations do not leave the market";
    if (step < exit_step) {
      ASSERT_TRUE(sim.producers[costly].active) << "left at step " << step << ", before its time";
      EXPECT_LT(sim.flows.payments[costly * kPaymentKinds] - sim.flows.producer_cost[costly], 0.0);
      listed_before_exit = sim.producers[costly].n_listed;
    } else {
      ASSERT_FALSE(sim.producers[costly].active) << "still open at step " << step;
      EXPECT_EQ(sim.producers[costly].n_listed, 0);
    }
    if (step == exit_step) {
      EXPECT_EQ(sim.flows.producer_event[costly], static_cast<std::uint8_t>(ProducerEvent::exited));
      // Everyone listed there when it left (after this step's choices) chose again, for the
      // reason closure: as many as the event log says, about as many as the step before.
      const std::string log = "Costly exited (2 quarters of losses); ";
      std::int64_t chose_again = -1;
      for (const std::string& line : sim.event_log)
        if (const auto at = line.find(log); at != std::string::npos)
          chose_again = std::stoll(line.substr(at + log.size()));
      EXPECT_EQ(sim.flows.switches_by_reason[static_cast<int>(SwitchReason::closure)], chose_again);
      EXPECT_GE(chose_again, listed_before_exit * 9 / 10);
      std::int64_t moved = 0;
      for (std::size_t i = 0; i < before.size(); ++i)
        moved += before[i] == costly && sim.residents.listed[i] != costly;
      EXPECT_EQ(moved, listed_before_exit) << "everyone listed there the step before is elsewhere now";
    }
  }
  EXPECT_GT(listed_before_exit, 200) << "the producer had residents to re-list";
}

// Money is conserved while chains enter and producers leave, with every kind of payment in
// play (capitation with performance pay, fees for service, vouchers, per-sector client fees,
// shared referral costs): kind by kind, the organiser's books equal the producers' receipts at
// every step; residents and visits are conserved too.
TEST(MarketLever, MoneyResidentsAndVisitsConservedWithEntriesAndExits) {
  const std::string extra =
      "producers:\n"
      "  - {name: StationA, zone: A, capacity_per_week: 400}\n"
      "  - {name: StationB, zone: B, capacity_per_week: 150}\n"
      "  - {name: Costly, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 60,\n"
      "     quality: 2, fixed_cost_eur_per_capacity_week: 10000}\n"
      "  - {name: Third, sector: third_sector, zone: B, capacity_per_week: 40,\n"
      "     fixed_cost_eur_per_capacity_week: 5000}\n";
  const std::string rules =
      "fee_for_service_eur: 5, performance_pay_share: 0.05, performance_target: 0.5, care_guarantee_days: "
      "14,\n"
      "        voucher_services: doctor, voucher_value_eur: 35, voucher_copayment_eur: 8, fees_by_sector: "
      "true,\n"
      "        client_fee_doctor_eur_by_sector: [20.9, 25, 15], referral_cost_share: 0.2";
  Simulation sim(
      test::scenario_from_yaml(market_yaml(
          "entry_hurdle: 0, exit_after_quarters: 1, max_entries_per_quarter: 2", extra, 80, rules)),
      {6, 0, 1});
  test::VisitLedger visits;
  int entries = 0, exits = 0;
  std::vector<double> paid(kPaymentKinds, 0.0);
  for (int step = 0; step < 80; ++step) {
    sim.step();
    test::expect_books_balance(sim);
    test::expect_residents_conserved(sim);
    visits.add_step_and_check(sim);
    for (const std::uint8_t e : sim.flows.producer_event) {
      entries += e == static_cast<std::uint8_t>(ProducerEvent::entered);
      exits += e == static_cast<std::uint8_t>(ProducerEvent::exited);
    }
    for (int k = 0; k < kPaymentKinds; ++k) paid[k] += sim.flows.organiser_side[k];
  }
  // The run does what it is meant to exercise.
  EXPECT_GE(entries, 1);
  EXPECT_GE(exits, 1);
  // Every kind but the organiser's temporary capacity (M10, off here; tests/levers/organiser_test.cpp).
  for (int k = 0; k < kPaymentKinds; ++k)
    if (k != static_cast<int>(PaymentKind::temporary_capacity))
      EXPECT_GT(paid[k], 0.0) << kPaymentKindNames[k] << " never paid";
  EXPECT_EQ(paid[static_cast<int>(PaymentKind::temporary_capacity)], 0.0);
}

// Workforce (M7): capacity is staff. With no free staff in the region, a private entrant can
// only staff its unit by recruiting from the public stations (workforce.private_recruits_from_public),
// whose capacity falls by exactly what the entrant gains; with recruiting off, public capacity
// never changes (the entrant stays out, or, with free staff to hire, enters without touching it).
struct WorkforceRun {
  std::vector<double> public_capacity;  // per step
  double entrant_capacity = 0;
  int entry_step = -1;
  double free_fte_end = 0;
};

WorkforceRun run_workforce(bool recruits, double free_share) {
  const std::string workforce = "workforce: {free_share: " + std::to_string(free_share) +
                                ", private_recruits_from_public: " + (recruits ? "true" : "false") + "}\n";
  Simulation sim(
      test::scenario_from_yaml(market_yaml("entry_hurdle: 0, capacity_adjustment: false", workforce, 30)),
      {8, 0, 1});
  auto staff_in_region = [&sim] {
    double fte = sim.workforce_free_fte;
    for (const Producer& p : sim.producers) fte += p.active ? p.staff_fte : 0.0;
    return fte;
  };
  const double staff_at_start = staff_in_region();
  WorkforceRun run;
  for (int step = 0; step < 30; ++step) {
    sim.step();
    double capacity = 0;
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      const Producer& p = sim.producers[j];
      if (p.sector == Sector::public_sector) capacity += p.capacity_per_week;
      if (sim.flows.producer_event[j] == static_cast<std::uint8_t>(ProducerEvent::entered) &&
          run.entry_step < 0) {
        run.entry_step = step;
        run.entrant_capacity = p.capacity_per_week;
      }
    }
    run.public_capacity.push_back(capacity);
    EXPECT_NEAR(staff_in_region(), staff_at_start, 1e-9 * staff_at_start)
        << "staff are neither made nor lost";
  }
  run.free_fte_end = sim.workforce_free_fte;
  return run;
}

TEST(WorkforceLever, PrivateEntrantRecruitingFromPublicLowersPublicCapacity) {
  const WorkforceRun run = run_workforce(true, 0.0);
  ASSERT_GE(run.entry_step, 1);
  EXPECT_GT(run.entrant_capacity, 0.0);
  const double before = run.public_capacity[static_cast<std::size_t>(run.entry_step) - 1];
  const double after = run.public_capacity[static_cast<std::size_t>(run.entry_step)];
  EXPECT_NEAR(before - after, run.entrant_capacity, 1e-9 * before);
  EXPECT_EQ(run.free_fte_end, 0.0);
}

TEST(WorkforceLever, WithoutRecruitingFromPublicPublicCapacityNeverChanges) {
  for (const double free_share : {0.0, 0.05}) {
    SCOPED_TRACE("free_share " + std::to_string(free_share));
    const WorkforceRun run = run_workforce(false, free_share);
    for (const double capacity : run.public_capacity) EXPECT_EQ(capacity, run.public_capacity.front());
    if (free_share == 0.0) EXPECT_EQ(run.entry_step, -1) << "nobody to staff the unit: no entry";
    if (free_share > 0.0) EXPECT_GE(run.entry_step, 1) << "free staff to hire: the chain enters";
  }
}

}  // namespace
}  // namespace valinta

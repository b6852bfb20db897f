// Conservation at every step (docs/ODD.md 10.4), checked after each Simulation::step() of a
// scenario where everything happens at once: overloaded producers with queues, emergency
// diversions and a short queue limit, switching with listing caps, a producer opening and one
// closing (its queue moves, its residents choose again), a capacity shock and a campaign,
// referral-cost sharing, fees for service, service vouchers, performance pay and heavy users.
//   residents: every resident is listed at exactly one open producer;
//   visits:    cumulative arrivals (+ queue taken over - queue handed over at a closure)
//              = cumulative served + still queued + cumulative diverted, per producer;
//   money:     the organiser's books equal the producers' and services' receipts, kind by kind,
//              and are what the rules say, recomputed from the residents and the visits.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

std::string busy_region_yaml(int steps, int step_days) {
  return "name: busy\n"
         "time: {start_date: 2017-02-01, steps: " +
         std::to_string(steps) + ", step_days: " + std::to_string(step_days) +
         "}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.40, lon: 26.43}\n"
         "  - {name: C, population: 1000, lat: 62.30, lon: 25.95}\n"
         "pilot: {zones: [A, B], min_age: 16}\n"
         "service: {capacity_ratio: 0.85, queue_max_weeks: 6, er_threshold_weeks: 1, er_prob_per_week: "
         "0.15}\n"
         "demand: {wait_elasticity: 0.05}\n"
         "rules: {fee_for_service_eur: 9, referral_cost_share: 0.3, min_listing_months: 1,\n"
         "        care_guarantee_days: 14, performance_pay_share: 0.05, performance_target: 0.6,\n"
         "        voucher_services: doctor, voucher_value_eur: 35, voucher_copayment_eur: 5}\n"
         "choice: {awareness_per_year: 3, dissatisfaction_per_year: 2}\n"
         "producers:\n"
         "  - {name: StationA, zone: A}\n"
         "  - {name: StationA2, zone: A, lat: 62.26, lon: 25.70}\n"
         "  - {name: StationB, zone: B}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 60,\n"
         "     listing_cap: 400, quality: 1, digital: 0.8}\n"
         "  - {name: Third, sector: third_sector, zone: B, capacity_per_week: 40, quality: 0.5}\n"
         "  - {name: Online, sector: private, zone: C, digital_first: true, capacity_per_week: 30,\n"
         "     digital: 1}\n"
         "  - {name: Newcomer, sector: private, zone: A, lat: 62.23, lon: 25.74, capacity_per_week: 40,\n"
         "     quality: 0.8, opens: 2017-04-05}\n"
         "events:\n"
         "  - {date: 2017-03-01, type: capacity_shock, producer: Clinic, factor: 0.5}\n"
         "  - {date: 2017-03-15, type: campaign, share: 0.2}\n"
         "  - {date: 2017-05-03, type: close, producer: StationA2}\n";
}

// Runs `steps` steps, checking all three conservation laws after each.
void run_and_check_conservation(int steps, int step_days) {
  const Scenario s = test::scenario_from_yaml(busy_region_yaml(std::max(steps, 400), step_days));
  Simulation sim(s, {31, 0, 1});
  const Residents& r = sim.residents;
  const PaymentParams& p = s.payment;
  const std::size_t P = sim.producers.size(), N = r.size();
  const double step_years = step_days / 365.25, step_weeks = step_days / 7.0;
  std::vector<std::int64_t> cum_arrivals(P, 0), cum_served(P, 0), cum_diverted(P, 0), cum_moved(P, 0);
  std::int64_t switches = 0, diverted = 0, moved = 0, closures = 0, vouchers = 0, er_baseline = 0;
  for (int step = 0; step < steps; ++step) {
    sim.step();
    const StepFlows& f = sim.flows;
    SCOPED_TRACE("step " + std::to_string(step));

    // Residents: the producers' list sizes add up to the population, each list holds exactly the
    // residents whose `listed` points at it, and nobody is listed at a closed producer.
    std::int64_t listed_total = 0;
    for (const Producer& pr : sim.producers) listed_total += pr.n_listed;
    ASSERT_EQ(listed_total, static_cast<std::int64_t>(N));
    const std::vector<std::int64_t> counted = test::listed_counts(sim);
    for (std::size_t j = 0; j < P; ++j) {
      ASSERT_EQ(sim.producers[j].n_listed, counted[j]) << "producer " << j;
      if (!sim.producers[j].active) ASSERT_EQ(counted[j], 0) << "producer " << j << " is closed";
    }

    // Switches: the accounts by sector pair and by age band and sector chosen hold every switch
    // once, and agree with the producers' switches in and out; the residents listed away from home
    // at private or third-sector producers are all eligible, and are the eligible counted there.
    std::array<std::int64_t, kSectors> into{}, out_of{}, pair_into{}, pair_out_of{}, band_into{}, away{};
    for (std::size_t j = 0; j < P; ++j) {
      into[static_cast<int>(sim.producers[j].sector)] += f.switches_in[j];
      out_of[static_cast<int>(sim.producers[j].sector)] += f.switches_out[j];
    }
    for (int a = 0; a < kSectors; ++a)
      for (int b = 0; b < kSectors; ++b) {
        pair_out_of[a] += f.switches_by_sector_pair[a][b];
        pair_into[b] += f.switches_by_sector_pair[a][b];
      }
    for (int band = 0; band < kAgeBands; ++band)
      for (int b = 0; b < kSectors; ++b) band_into[b] += f.switches_by_age_band_sector[band][b];
    EXPECT_EQ(pair_into, into);
    EXPECT_EQ(pair_out_of, out_of);
    EXPECT_EQ(band_into, into);
    for (std::size_t i = 0; i < N; ++i) {
      const Sector sector = sim.producers[r.listed[i]].sector;
      if (sector == Sector::public_sector) continue;
      ASSERT_TRUE(r.flags[i] & Residents::kEligible) << "resident " << i << " is not eligible";
      ++away[static_cast<int>(sector)];
    }
    for (int k = 1; k < kSectors; ++k) {
      std::int64_t counted_away = 0;
      for (std::size_t z = 0; z < sim.zones.size(); ++z) counted_away += sim.away_from_home[z * kSectors + k];
      EXPECT_EQ(counted_away, away[k]) << kSectorNames[k];
    }

    // Visits, per producer.
    for (std::size_t j = 0; j < P; ++j) {
      cum_arrivals[j] += test::arrivals_at(f, j);
      cum_served[j] += test::served_at(f, j);
      cum_diverted[j] += f.diverted[j];
      cum_moved[j] += f.transferred_in[j] - f.transferred_out[j];
      ASSERT_EQ(cum_arrivals[j] + cum_moved[j],
                cum_served[j] + test::queue_length(sim.producers[j]) + cum_diverted[j])
          << "producer " << j;
      for (const std::int64_t c : sim.producers[j].queue) ASSERT_GE(c, 0);
      diverted += f.diverted[j];
      moved += f.transferred_in[j];
    }

    // Money: the payers' books (organiser; residents for client fees) equal the receipts
    // attributed to producers and services, for every kind of payment.
    for (int k = 0; k < kPaymentKinds; ++k) {
      double receipts = 0;
      for (std::size_t j = 0; j < P; ++j) receipts += f.payments[j * kPaymentKinds + k];
      ASSERT_NEAR(f.organiser_side[k], receipts, 1e-9 * std::max(1.0, std::abs(receipts)))
          << kPaymentKindNames[k];
    }

    // ... and the organiser's books are what the rules say, recomputed from the residents and visits.
    double weight = 0;
    std::int64_t heavy = 0, referrals = 0, step_diverted = 0;
    for (std::size_t i = 0; i < N; ++i) {
      weight += raw_risk_weight(p, age_band_of(r.age[i]), r.flags[i] & Residents::kFemale, r.need[i],
                                r.income_decile[i]) /
                sim.risk_normaliser;
      heavy += r.need[i] == 3;
    }
    // Visits at the public sector pay fees; doctor visits elsewhere are paid by voucher, with a co-payment.
    double public_visits = 0, public_doctor = 0, other_nurse = 0, other_doctor = 0;
    bool anyone_qualifies = false;
    for (std::size_t j = 0; j < P; ++j) {
      const double served = static_cast<double>(test::served_at(f, j)),
                   doctor = static_cast<double>(f.served_doctor[j]);
      if (sim.producers[j].sector == Sector::public_sector) {
        public_visits += served;
        public_doctor += doctor;
      } else {
        other_doctor += doctor;
        other_nurse += served - doctor;
      }
      referrals += f.referrals[j];
      step_diverted += f.diverted[j] + f.er_baseline[j];  // diversions and baseline visits
      anyone_qualifies = anyone_qualifies || (sim.producers[j].active && served > 0 &&
                                              f.served_within_guarantee[j] >= p.performance_target * served);
    }
    vouchers += static_cast<std::int64_t>(other_doctor);
    auto book = [&](PaymentKind k) { return f.organiser_side[static_cast<int>(k)]; };
    const double budget = p.capitation_eur_per_year * step_years * weight;
    EXPECT_NEAR(book(PaymentKind::capitation), (1 - p.performance_pay_share) * budget, 1e-9 * budget);
    EXPECT_NEAR(book(PaymentKind::performance), anyone_qualifies ? p.performance_pay_share * budget : 0.0,
                1e-9 * budget);
    EXPECT_NEAR(book(PaymentKind::fee_for_service), 9.0 * (public_visits + other_nurse), 1e-6);
    EXPECT_NEAR(book(PaymentKind::voucher), 35.0 * other_doctor, 1e-6);
    EXPECT_NEAR(book(PaymentKind::client_fee),
                p.client_fee_doctor_eur * public_doctor +
                    p.client_fee_nurse_eur * (public_visits - public_doctor + other_nurse) +
                    5.0 * other_doctor,
                1e-6);
    EXPECT_NEAR(book(PaymentKind::referral_organiser), 0.7 * s.referral.cost_eur * referrals, 1e-6);
    EXPECT_NEAR(book(PaymentKind::referral_producer), 0.3 * s.referral.cost_eur * referrals, 1e-6);
    EXPECT_NEAR(book(PaymentKind::emergency), s.service.er_cost_eur * step_diverted, 1e-6);
    er_baseline += std::accumulate(f.er_baseline.begin(), f.er_baseline.end(), std::int64_t{0});
    EXPECT_NEAR(book(PaymentKind::heavy_service), p.heavy_service_eur_per_week * step_weeks * heavy, 1e-6);
    EXPECT_EQ(f.n_heavy, heavy);
    switches += test::total_switches(f);
    closures += f.switches_by_reason[static_cast<int>(SwitchReason::closure)];
  }
  // The scenario really exercises what is conserved.
  EXPECT_GT(switches, 50);
  EXPECT_GT(diverted, 10);
  EXPECT_GT(er_baseline, 0);
  EXPECT_GT(moved, 0) << "the closed station's queue should have moved";
  EXPECT_GT(closures, 100) << "the closed station's residents should have chosen again";
  EXPECT_GT(vouchers, 0);
  EXPECT_TRUE(sim.producers[6].active) << "the newcomer should have opened";
}

TEST(Conservation, ResidentsVisitsAndMoneyAtEveryWeeklyStep) { run_and_check_conservation(30, 7); }
TEST(Conservation, ResidentsVisitsAndMoneyAtEveryDailyStep) { run_and_check_conservation(150, 1); }
TEST(Conservation, ResidentsVisitsAndMoneyAtEveryFourWeekStep) { run_and_check_conservation(30, 28); }

}  // namespace
}  // namespace valinta

// M6 payments (phases/payment.cpp): capitation weighted by risk (normalised to mean 1 over
// the pilot population at the start), fees for service, client fees, the organiser's costs of
// referrals, emergency and heavy services, and producers' costs.
#include "valinta/phases/payment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

double raw_weight_of(const Simulation& sim, std::size_t i) {
  const Residents& r = sim.residents;
  return raw_risk_weight(sim.scenario.payment, age_band_of(r.age[i]), r.flags[i] & Residents::kFemale,
                         r.need[i], r.income_decile[i]);
}

// The risk weight is the product of the age, sex, need and socio-economic factors.
TEST(RiskWeight, IsTheProductOfTheTables) {
  const Scenario s = test::scenario_from_yaml(
      test::small_region_yaml() +
      "payment: {risk_weight_age: [1.0, 0.6, 0.6, 0.7, 1.0, 1.5, 2.2, 3.0], risk_weight_sex: [1.0, 1.05],\n"
      "          risk_weight_need: [0.7, 1.0, 1.8, 3.5], risk_weight_low_income: 1.1}\n");
  const PaymentParams& p = s.payment;
  EXPECT_DOUBLE_EQ(raw_risk_weight(p, 6, true, 3, 2), 2.2 * 1.05 * 3.5 * 1.1);
  EXPECT_DOUBLE_EQ(raw_risk_weight(p, 3, false, 0, 4), 0.7 * 1.0 * 0.7 * 1.0);
  // Deciles 1-3 are low income; 4 and up are not.
  EXPECT_DOUBLE_EQ(raw_risk_weight(p, 4, false, 1, 3) / raw_risk_weight(p, 4, false, 1, 4), 1.1);
  PaymentParams flat = p;
  flat.risk_adjustment = false;
  EXPECT_DOUBLE_EQ(raw_risk_weight(flat, 7, true, 3, 1), 1.0);
}

// Normalised weights have mean 1 over the pilot population (eligible residents) at the start,
// whatever the residents outside the pilot look like; without a pilot, over everyone.
TEST(RiskWeight, NormalisedToMeanOneOverThePilotPopulationAtStart) {
  for (const std::string pilot : {"pilot: {zones: [A], min_age: 18}\n", ""}) {
    const Scenario s = test::scenario_from_yaml(test::small_region_yaml(3000, 2000) + pilot);
    Simulation sim(s, {3, 0, 1});
    double sum = 0, n = 0, sum_all = 0;
    for (std::size_t i = 0; i < sim.residents.size(); ++i) {
      const double w = raw_weight_of(sim, i) / sim.risk_normaliser;
      sum_all += w;
      if (!pilot.empty() && !(sim.residents.flags[i] & Residents::kEligible)) continue;
      sum += w;
      n += 1;
    }
    EXPECT_NEAR(sum / n, 1.0, 1e-12) << pilot;
    if (!pilot.empty()) {
      // Children are outside this pilot and have lower weights: the population mean differs.
      EXPECT_GT(n, 1000);
      EXPECT_GT(std::abs(sum_all / static_cast<double>(sim.residents.size()) - 1.0), 0.01);
    }
  }
}

// Every payment of a step from its definition, recomputed from the residents and the flows:
//   capitation   = EUR/year x step years x sum of the listed residents' normalised weights
//   fee for service = fee x visits; client fees = doctor fee x doctor visits + nurse fee x nurse visits
//   heavy services  = EUR/week x step weeks x heavy residents listed
//   producer cost   = visits x cost per visit + fixed cost x capacity x step weeks + referral share
void expect_payments_follow_their_definitions(const std::string& extra_rules, int step_days) {
  const Scenario s = test::scenario_from_yaml(
      test::with_time(test::small_region_yaml(3000, 1000), 400, step_days) + "pilot: {zones: [A]}\n" +
      "rules: {fee_for_service_eur: 12.5, referral_cost_share: 0.25" + extra_rules +
      "}\n"
      "choice: {awareness_per_year: 5}\n"
      "producers:\n"
      "  - {name: StationA, zone: A}\n"
      "  - {name: StationB, zone: B, fixed_cost_eur_per_capacity_week: 30}\n"
      "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: 25.76, capacity_per_week: 150,\n"
      "     cost_per_visit_eur: 55}\n");
  Simulation sim(s, {13, 0, 1});
  const PaymentParams& p = s.payment;
  const std::size_t P = sim.producers.size();
  const double step_years = step_days / 365.25, step_weeks = step_days / 7.0;
  for (int step = 0; step < 30; ++step) {
    // Fixed costs are of the capacity the payment phase saw (the market phase, after it, may move it).
    std::vector<double> capacity;
    for (const Producer& pr : sim.producers) capacity.push_back(pr.capacity_per_week);
    sim.step();
    const StepFlows& f = sim.flows;
    std::vector<double> weight(P, 0.0);
    std::vector<std::int64_t> heavy(P, 0);
    for (std::size_t i = 0; i < sim.residents.size(); ++i) {
      weight[sim.residents.listed[i]] += raw_weight_of(sim, i) / sim.risk_normaliser;
      heavy[sim.residents.listed[i]] += sim.residents.need[i] == 3;
    }
    for (std::size_t j = 0; j < P; ++j) {
      const Producer& pr = sim.producers[j];
      const double* pay = &f.payments[j * kPaymentKinds];
      const double served = static_cast<double>(test::served_at(f, j));
      const double doctor = static_cast<double>(f.served_doctor[j]);
      auto near = [](double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); };
      EXPECT_PRED2(near, pay[static_cast<int>(PaymentKind::capitation)],
                   p.capitation_eur_per_year * step_years * weight[j]);
      EXPECT_PRED2(near, pay[static_cast<int>(PaymentKind::fee_for_service)], 12.5 * served);
      EXPECT_PRED2(near, pay[static_cast<int>(PaymentKind::client_fee)],
                   p.client_fee_doctor_eur * doctor + p.client_fee_nurse_eur * (served - doctor));
      EXPECT_PRED2(near, pay[static_cast<int>(PaymentKind::heavy_service)],
                   p.heavy_service_eur_per_week * step_weeks * heavy[j]);
      // Emergency: the diversions from the queue and the listed residents' baseline visits.
      EXPECT_PRED2(near, pay[static_cast<int>(PaymentKind::emergency)],
                   s.service.er_cost_eur * (f.diverted[j] + f.er_baseline[j]));
      // Visits on flexed capacity cost the premium on top.
      EXPECT_PRED2(near, f.producer_cost[j],
                   served * pr.cost_per_visit +
                       f.flex_visits[j] * pr.cost_per_visit * s.service.flex_cost_premium +
                       pr.fixed_cost_per_capacity_week * capacity[j] * step_weeks +
                       0.25 * s.referral.cost_eur * f.referrals[j]);
      EXPECT_EQ(f.n_heavy_listed[j], heavy[j]);
      EXPECT_LE(doctor, served);
    }
  }
  EXPECT_DOUBLE_EQ(sim.producers[2].cost_per_visit, 55.0);
  EXPECT_DOUBLE_EQ(sim.producers[1].fixed_cost_per_capacity_week, 30.0);
}

TEST(Payment, EveryPaymentFollowsItsDefinitionWeekly) { expect_payments_follow_their_definitions("", 7); }
TEST(Payment, EveryPaymentFollowsItsDefinitionDaily) { expect_payments_follow_their_definitions("", 1); }
TEST(Payment, WithoutRiskAdjustmentCapitationIsFlatPerListedResident) {
  expect_payments_follow_their_definitions(", risk_adjustment: false", 7);
}

// Capitation of the whole pilot population over a year, at the start, is the yearly amount per
// resident: weights average 1 (up to the drift of need levels within the first step).
TEST(Payment, CapitationOfThePilotPopulationAveragesTheYearlyAmount) {
  const Scenario s = test::scenario_from_yaml(test::small_region_yaml(6000, 0) + "pilot: {zones: [A, B]}\n");
  Simulation sim(s, {3, 0, 1});
  sim.step();
  double capitation = 0;
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    capitation += sim.flows.payments[j * kPaymentKinds + static_cast<int>(PaymentKind::capitation)];
  const double per_resident_year = capitation / static_cast<double>(sim.residents.size()) * 365.25 / 7;
  EXPECT_NEAR(per_resident_year, s.payment.capitation_eur_per_year, 0.01 * s.payment.capitation_eur_per_year);
}

// The risk-cell counts kept current as needs and listings change equal a recount from scratch
// after every step, through switching, default assignment at pilot start, a listing cap, a
// closure and market exits.
TEST(RiskCells, KeptCurrentThroughNeedsSwitchesAndClosures) {
  const Scenario s = test::scenario_from_yaml(
      test::small_region_yaml(5000, 3000) +
      "pilot: {zones: [A, B]}\n"
      "rules: {default_assignment: nearest, min_listing_months: 0}\n"
      "choice: {awareness_per_year: 3}\n"
      "producers:\n"
      "  - {name: StationA, zone: A}\n"
      "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: 25.76, capacity_per_week: 200, quality: "
      "1,\n"
      "     listing_cap: 400}\n"
      "  - {name: Other, sector: private, zone: B, capacity_per_week: 100, quality: 0.5}\n"
      "events: [{date: 2017-05-03, type: close, producer: Other}]\n");
  Simulation sim(s, {8, 0, 2});
  ASSERT_EQ(sim.risk_cells, count_risk_cells(sim));
  std::int64_t switches = 0;
  for (int step = 0; step < 30; ++step) {
    sim.step();
    ASSERT_EQ(sim.risk_cells, count_risk_cells(sim)) << "after step " << step;
    for (const std::int64_t x : sim.flows.switches_in) switches += x;
  }
  EXPECT_GT(switches, 100);
  EXPECT_FALSE(sim.producers[2].active);
}

}  // namespace
}  // namespace valinta

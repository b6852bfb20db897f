// M4 referral (phases/referral.cpp): a served visit is referred with probability
// p[level] x producer propensity x payment response; the organiser pays the referral cost
// except the share the rules make the referring producer pay, and producers refer less the
// more of the cost they bear.
#include "valinta/phases/referral.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// factor = 1 - response x cost share: no cost borne or no reaction -> unchanged; full
// reaction to bearing the full cost -> no referrals; never negative.
TEST(ReferralResponse, FallsWithTheProducersCostShare) {
  ReferralParams p;
  p.response = 0.5;
  p.cost_share = 0.0;
  EXPECT_DOUBLE_EQ(referral_payment_response(p), 1.0);
  p.cost_share = 0.4;
  EXPECT_DOUBLE_EQ(referral_payment_response(p), 0.8);
  p.response = 0.0;
  EXPECT_DOUBLE_EQ(referral_payment_response(p), 1.0);
  p.response = 1.0;
  p.cost_share = 1.0;
  EXPECT_DOUBLE_EQ(referral_payment_response(p), 0.0);
  double previous = 2.0;
  p.response = 0.7;
  for (const double share : {0.0, 0.25, 0.5, 0.75, 1.0}) {
    p.cost_share = share;
    EXPECT_LT(referral_payment_response(p), previous);
    EXPECT_GE(referral_payment_response(p), 0.0);
    previous = referral_payment_response(p);
  }
}

// Two producers, the private one twice as prone to refer, under a rule that makes producers
// pay 40 % of referral costs (response 0.5: referrals x 0.8).
std::string referral_yaml(const std::string& propensity_b) {
  return test::small_region_yaml(5000, 1000) +
         "pilot: {zones: [A]}\n"
         "choice: {awareness_per_year: 5}\n"
         "rules: {referral_cost_share: 0.4}\n"
         "referral: {response: 0.5, probability: [0.02, 0.05, 0.10, 0.30], cost_eur: 700}\n"
         "producers:\n"
         "  - {name: StationA, zone: A}\n"
         "  - {name: StationB, zone: B}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: 25.76, capacity_per_week: 300,\n"
         "     referral_propensity: " +
         propensity_b + "}\n";
}

TEST(Referral, RatesAreLevelProbabilityTimesPropensityTimesResponse) {
  const Scenario s = test::scenario_from_yaml(referral_yaml("2.0"));
  Simulation sim(s, {6, 0, 1});
  const std::size_t P = sim.producers.size();
  std::vector<double> referred(P, 0), expected(P, 0), variance(P, 0);
  for (int step = 0; step < 52; ++step) {
    sim.step();
    const StepFlows& f = sim.flows;
    for (std::size_t j = 0; j < P; ++j) {
      referred[j] += static_cast<double>(f.referrals[j]);
      for (int l = 0; l < kNeedLevels; ++l) {
        const double prob =
            std::min(1.0, s.referral.probability[l] * sim.producers[j].spec.referral_propensity * 0.8);
        const double served = static_cast<double>(f.served[j * kNeedLevels + l]);
        expected[j] += served * prob;
        variance[j] += served * prob * (1 - prob);
      }
      // The books: the organiser pays 60 % of each referral, the producer 40 % (in its cost).
      const double* pay = &f.payments[j * kPaymentKinds];
      EXPECT_NEAR(pay[static_cast<int>(PaymentKind::referral_organiser)], 0.6 * 700.0 * f.referrals[j], 1e-6);
      EXPECT_NEAR(pay[static_cast<int>(PaymentKind::referral_producer)], 0.4 * 700.0 * f.referrals[j], 1e-6);
    }
  }
  for (std::size_t j = 0; j < P; ++j) {
    ASSERT_GT(expected[j], 50) << "producer " << j;
    EXPECT_NEAR(referred[j], expected[j], 4 * std::sqrt(variance[j])) << "producer " << j;
  }
}

// A producer that never refers (propensity 0) sends nobody to specialised care; nor does any
// producer that bears the whole cost and responds fully to it.
TEST(Referral, NoReferralsWithZeroPropensityOrFullResponse) {
  {
    const Scenario s = test::scenario_from_yaml(referral_yaml("0"));
    Simulation sim(s, {6, 0, 1});
    std::int64_t served = 0, others = 0;
    for (int step = 0; step < 26; ++step) {
      sim.step();
      EXPECT_EQ(sim.flows.referrals[2], 0);
      served += test::served_at(sim.flows, 2);
      others += sim.flows.referrals[0];
    }
    EXPECT_GT(served, 100);
    EXPECT_GT(others, 0);
  }
  {
    const Scenario s = test::scenario_from_yaml(test::small_region_yaml(3000, 1000) +
                                                "rules: {referral_cost_share: 1}\nreferral: {response: 1}\n");
    Simulation sim(s, {6, 0, 1});
    for (int step = 0; step < 26; ++step) {
      sim.step();
      for (std::size_t j = 0; j < sim.producers.size(); ++j) EXPECT_EQ(sim.flows.referrals[j], 0);
    }
  }
}

// Referrals never exceed the visits served: only a served visit can be referred.
TEST(Referral, NeverMoreReferralsThanServedVisits) {
  const Scenario s = test::scenario_from_yaml(test::small_region_yaml(3000, 1000) +
                                              "referral: {probability: [1, 1, 1, 1], response: 0}\n");
  Simulation sim(s, {6, 0, 1});
  for (int step = 0; step < 10; ++step) {
    sim.step();
    for (std::size_t j = 0; j < sim.producers.size(); ++j)
      EXPECT_EQ(sim.flows.referrals[j], test::served_at(sim.flows, j));  // probability 1
  }
}

}  // namespace
}  // namespace valinta

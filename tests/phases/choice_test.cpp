// M5 choice (phases/choice.cpp): travel times, the consideration set, and the validation of
// docs/ODD.md 10.4: with no capacity limits and no inertia, one round of choices reproduces
// the closed-form multinomial logit probabilities; the limit cases of the review hazard and of
// identical producers; and a stronger dislike of waiting drives residents away from long queues.
#include "valinta/phases/choice.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// Minors choose for themselves here (choice.minors_follow_guardian: false): these tests follow
// every eligible resident's own review and choice.

// Travel minutes = 2 + haversine km x detour 1.3 / 50 km/h x 60 (docs/ODD.md 7.5.2).
TEST(Choice, TravelMinutesFollowTheModelFormula) {
  ChoiceParams c;
  c.travel_base_min = 2;
  c.detour_factor = 1.3;
  c.speed_kmh = 50;
  EXPECT_DOUBLE_EQ(travel_minutes(c, 62.0, 25.0, 62.0, 25.0), 2.0);
  // One degree of latitude on a sphere of radius 6371 km is 111.195 km.
  const double km = 6371.0 * 3.141592653589793 / 180.0;
  EXPECT_NEAR(travel_minutes(c, 62.0, 25.0, 63.0, 25.0), 2.0 + km * 1.3 / 50.0 * 60.0, 1e-9);
  // Symmetric, and a degree of longitude is shorter in the north by cos(latitude).
  EXPECT_DOUBLE_EQ(travel_minutes(c, 62.0, 25.0, 62.3, 25.4), travel_minutes(c, 62.3, 25.4, 62.0, 25.0));
  EXPECT_NEAR(travel_minutes(c, 60.0, 25.0, 60.0, 25.01) - 2.0,
              (travel_minutes(c, 0.0, 25.0, 0.0, 25.01) - 2.0) * 0.5, 1e-6);
}

// One zone with producers that differ in every attribute of the utility: distance, fee (via
// the doctor share of each sector), digital services, sector, quality and (set by the tests)
// published wait. "Far" lies beyond max_travel_min for most residents; "Online" is as far but
// digital-first, so everyone considers it.
std::string logit_yaml() {
  return "name: logit\n"
         "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 20000, lat: 62.24, lon: 25.75, spread_km: 12}\n"
         "pilot: {zones: [A]}\n"
         "rules: {client_fee_doctor_eur: 50}\n"
         "choice: {minors_follow_guardian: false, inertia: 0, max_travel_min: 20, base_review_per_year: "
         "100000,\n"
         "         awareness_per_year: 0, dissatisfaction_per_year: 0}\n"
         "producers:\n"
         "  - {name: Home, zone: A, capacity_per_week: 1e6, quality: 0, digital: 0.3}\n"
         "  - {name: East, sector: private, zone: A, lat: 62.24, lon: 25.80, capacity_per_week: 1e6,\n"
         "     quality: 0.5, digital: 0.8}\n"
         "  - {name: South, sector: third_sector, zone: A, lat: 62.21, lon: 25.75, capacity_per_week: 1e6,\n"
         "     quality: -0.3, digital: 0.1}\n"
         "  - {name: Far, sector: private, zone: A, lat: 62.36, lon: 25.75, capacity_per_week: 1e6,\n"
         "     quality: 1.0}\n"
         "  - {name: Online, sector: private, zone: A, lat: 62.36, lon: 25.60, digital_first: true,\n"
         "     capacity_per_week: 1e6, quality: 1.0, digital: 1.0}\n";
}

// The systematic utility of docs/ODD.md 7.5.3 written out independently of the engine:
//   V = b_travel travel + b_wait wait + b_quality quality + b_fee fee + b_digital digital literacy
//       + sector constant (private: -1.0 aged 75+, +0.3 employed of working age, income slope)
double systematic_utility(const Simulation& sim, std::size_t i, std::size_t j) {
  const ChoiceParams& c = sim.scenario.choice;
  const PaymentParams& pay = sim.scenario.payment;
  const Residents& r = sim.residents;
  const Producer& p = sim.producers[j];
  const double travel = travel_minutes(c, r.lat[i], r.lon[i], p.lat, p.lon);
  const double fee =
      p.doctor_share * pay.client_fee_doctor_eur + (1 - p.doctor_share) * pay.client_fee_nurse_eur;
  double v = c.b_travel * travel + c.b_wait * p.published_wait_weeks + c.b_quality * p.published_quality +
             c.b_fee * fee + c.b_digital * p.spec.digital * (r.literacy[i] / 255.0);
  if (p.sector == Sector::private_sector) {
    v += c.private_income_per_decile * (r.income_decile[i] - 5.5);
    if (r.age[i] >= 75) v += c.private_75plus;
    if ((r.flags[i] & Residents::kEmployed) && r.age[i] >= 18 && r.age[i] < 65) v += c.private_employed;
  }
  return v;
}

// The consideration set (open producers within max_travel_min, digital-first, or current) and the logit
// probabilities over it; producers outside the set get probability 0.
std::vector<double> logit_probabilities(const Simulation& sim, std::size_t i) {
  const ChoiceParams& c = sim.scenario.choice;
  std::vector<double> v(sim.producers.size(), -INFINITY);
  double best = -INFINITY;
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    const Producer& p = sim.producers[j];
    if (!p.active) continue;  // closed, or not yet open
    const double travel = travel_minutes(c, sim.residents.lat[i], sim.residents.lon[i], p.lat, p.lon);
    if (travel > c.max_travel_min && !p.spec.digital_first && j != sim.residents.listed[i]) continue;
    v[j] = systematic_utility(sim, i, j);
    best = std::max(best, v[j]);
  }
  double sum = 0;
  for (double& x : v) sum += (x = std::exp(x - best));
  for (double& x : v) x /= sum;
  return v;
}

// Compares counts of first choices with the logit probabilities: per producer, and per
// producer within fifths of residents ordered by their probability of choosing it (which checks
// that each resident's own utilities, not only the averages, are right). Each count is a sum of
// independent Bernoulli draws, so (observed - sum p) / sqrt(sum p(1-p)) is about N(0,1).
void expect_logit_shares(const std::vector<std::vector<double>>& prob, const std::vector<std::size_t>& chosen,
                         std::size_t producers) {
  const std::size_t n = prob.size();
  for (std::size_t j = 0; j < producers; ++j) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return prob[a][j] < prob[b][j]; });
    const int kBins = 5;
    double all_observed = 0, all_expected = 0, all_variance = 0;
    for (int bin = 0; bin < kBins; ++bin) {
      double observed = 0, expected = 0, variance = 0;
      for (std::size_t k = n * bin / kBins; k < n * (bin + 1) / kBins; ++k) {
        const std::size_t i = order[k];
        observed += chosen[i] == j ? 1 : 0;
        expected += prob[i][j];
        variance += prob[i][j] * (1 - prob[i][j]);
      }
      if (variance > 1) {
        EXPECT_LT(std::abs(observed - expected) / std::sqrt(variance), 4.0)
            << "producer " << j << ", fifth " << bin << ": observed " << observed << ", logit " << expected;
      }
      all_observed += observed;
      all_expected += expected;
      all_variance += variance;
    }
    if (all_variance > 0) {
      EXPECT_LT(std::abs(all_observed - all_expected) / std::sqrt(all_variance), 4.0)
          << "producer " << j << ": observed " << all_observed << ", logit " << all_expected;
    } else {
      EXPECT_EQ(all_observed, all_expected) << "producer " << j;
    }
  }
}

// rank_producers draws Gumbel noise on top of the utilities: its first choice is a draw from
// the logit probabilities, and it ranks exactly the consideration set.
TEST(ChoiceLogit, FirstChoicesMatchClosedFormLogit) {
  const Scenario s = test::scenario_from_yaml(logit_yaml());
  Simulation sim(s, {11, 0, 1});
  const std::vector<double> waits = {0.0, 1.5, 0.5, 0.0, 2.0};  // weeks, as if published
  for (std::size_t j = 0; j < sim.producers.size(); ++j) sim.producers[j].published_wait_weeks = waits[j];

  const std::size_t n = sim.residents.size(), P = sim.producers.size();
  std::vector<std::vector<double>> prob(n);
  std::vector<std::size_t> chosen(n);
  std::size_t far_considered = 0;
  for (std::size_t i = 0; i < n; ++i) {
    prob[i] = logit_probabilities(sim, i);
    const std::vector<std::uint16_t> ranking = rank_producers(sim, i, false);
    ASSERT_FALSE(ranking.empty());
    chosen[i] = ranking.front();
    std::set<std::size_t> ranked(ranking.begin(), ranking.end()), considered;
    for (std::size_t j = 0; j < P; ++j)
      if (prob[i][j] > 0) considered.insert(j);
    ASSERT_EQ(ranked, considered) << "resident " << i;
    far_considered += considered.count(3);
  }
  // "Far" is in reach of some residents only: the consideration set really varies.
  EXPECT_GT(far_considered, n / 50);
  EXPECT_LT(far_considered, n / 2);
  expect_logit_shares(prob, chosen, P);
}

// The best few, as the choice phase and closures ask for them, are the start of the full
// ranking, with or without the producers' inputs worked out in advance.
TEST(ChoiceLogit, LimitedRankingIsTheStartOfTheFullRanking) {
  const Scenario s = test::scenario_from_yaml(logit_yaml());
  Simulation sim(s, {12, 0, 1});
  const ChoiceInputs inputs = choice_inputs(sim);
  std::size_t shortened = 0;
  for (std::size_t i = 0; i < sim.residents.size(); i += 3) {
    for (const bool inertia : {false, true}) {
      const std::vector<std::uint16_t> full = rank_producers(sim, i, inertia);
      for (std::size_t limit : {1u, 2u, 3u, 5u, 8u, 9u, 10u}) {
        const std::vector<std::uint16_t> expected(
            full.begin(), full.begin() + static_cast<std::ptrdiff_t>(std::min(limit, full.size())));
        ASSERT_EQ(rank_producers(sim, i, inertia, limit), expected)
            << "resident " << i << ", limit " << limit;
        ASSERT_EQ(rank_producers(sim, i, inertia, limit, &inputs), expected)
            << "resident " << i << ", limit " << limit;
        shortened += limit < full.size();
      }
    }
  }
  EXPECT_GT(shortened, 100u);
}

// The same through the choice phase: everyone reviews in the first step (huge hazard), no
// inertia and no listing caps, so each resident ends the step listed at their first choice.
TEST(ChoiceLogit, OneChoiceRoundMatchesClosedFormLogit) {
  const Scenario s = test::scenario_from_yaml(logit_yaml());
  Simulation sim(s, {12, 0, 1});
  const std::size_t n = sim.residents.size();
  std::vector<std::vector<double>> prob(n);
  for (std::size_t i = 0; i < n; ++i) prob[i] = logit_probabilities(sim, i);  // published waits are 0
  sim.step();
  EXPECT_EQ(sim.flows.reviews, static_cast<std::int64_t>(n));
  std::vector<std::size_t> chosen(sim.residents.listed.begin(), sim.residents.listed.end());
  expect_logit_shares(prob, chosen, sim.producers.size());
}

// Each step an eligible resident reviews with probability 1 - exp(-h x step years), where
// h = base + awareness x exp(-weeks since pilot start / awareness_weeks)
//     + dissatisfaction x (negative experience in SD)                           (per year).
// One producer only, so reviews never lead to a switch (no lock-in interferes), and experience
// is frozen (a tiny experience_weight): half the residents are 2 SD dissatisfied throughout.
TEST(ChoiceReview, ReviewsFollowTheHazardWithItsAwarenessWaveAndDissatisfaction) {
  for (const int step_days : {7, 1}) {
    const Scenario s = test::scenario_from_yaml(
        "name: reviews\n"
        "time: {start_date: 2017-02-01, steps: 400, step_days: " +
        std::to_string(step_days) +
        "}\n"
        "zones: [{name: A, population: 10000, lat: 62.24, lon: 25.75}]\n"
        "pilot: {zones: [A]}\n"
        "service: {experience_weight: 0.001}\n"  // (rounding keeps experience scores fixed)
        "choice: {minors_follow_guardian: false, base_review_per_year: 0.5, awareness_per_year: 4, "
        "awareness_weeks: 5,\n"
        "         dissatisfaction_per_year: 3}\n");
    Simulation sim(s, {14, 0, 1});
    Residents& r = sim.residents;
    for (std::size_t i = 0; i < r.size(); ++i)
      r.experience[i] = static_cast<std::int8_t>(i % 2 == 0 ? -40 : 0);
    const double n = static_cast<double>(r.size()), step_years = step_days / 365.25;
    const int steps = step_days == 7 ? 20 : 100;
    double all_observed = 0, all_expected = 0, all_variance = 0;
    for (int step = 0; step < steps; ++step) {
      sim.step();
      const double weeks = step * step_days / 7.0;
      const double h = 0.5 + 4.0 * std::exp(-weeks / 5.0);
      const double p_content = 1 - std::exp(-h * step_years),
                   p_unhappy = 1 - std::exp(-(h + 3.0 * 2.0) * step_years);
      const double expected = n / 2 * (p_content + p_unhappy);
      const double variance = n / 2 * (p_content * (1 - p_content) + p_unhappy * (1 - p_unhappy));
      EXPECT_NEAR(static_cast<double>(sim.flows.reviews), expected, 4 * std::sqrt(variance) + 1)
          << "step " << step << ", step_days " << step_days;
      all_observed += static_cast<double>(sim.flows.reviews);
      all_expected += expected;
      all_variance += variance;
      ASSERT_EQ(test::total_switches(sim.flows), 0);
    }
    EXPECT_NEAR(all_observed, all_expected, 4 * std::sqrt(all_variance)) << "step_days " << step_days;
  }
}

// Review hazard 0: nobody reviews, so nobody switches, however attractive the alternatives.
TEST(ChoiceLimits, ZeroReviewHazardMeansNobodySwitches) {
  std::string yaml = logit_yaml();
  const auto at = yaml.find("base_review_per_year: 100000");
  yaml.replace(at, std::string("base_review_per_year: 100000").size(), "base_review_per_year: 0");
  const Scenario quiet = test::scenario_from_yaml(yaml);
  Simulation sim(quiet, {3, 0, 1});
  for (int step = 0; step < 30; ++step) {
    sim.step();
    EXPECT_EQ(sim.flows.reviews, 0);
    EXPECT_EQ(test::total_switches(sim.flows), 0);
  }
  for (std::size_t i = 0; i < sim.residents.size(); ++i)
    ASSERT_EQ(sim.residents.listed[i], sim.residents.home[i]);
}

// Identical producers (same place, quality, digital level, sector and fees) and no inertia:
// a reviewer's first choice is uniform over them, so staying has probability 1/K and the
// switchers spread evenly over the other K-1.
TEST(ChoiceLimits, IdenticalProducersWithoutInertiaAreChosenUniformly) {
  std::string yaml =
      "name: equal\n"
      "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
      "zones: [{name: A, population: 10000, lat: 62.24, lon: 25.75}]\n"
      "pilot: {zones: [A]}\n"
      "choice: {minors_follow_guardian: false, inertia: 0, base_review_per_year: 100000, awareness_per_year: "
      "0}\n"
      "producers:\n";
  const int K = 5;
  for (int k = 0; k < K; ++k)
    yaml += "  - {name: P" + std::to_string(k) +
            ", zone: A, capacity_per_week: 1e6, quality: 0.2, digital: 0.5}\n";
  const Scenario s = test::scenario_from_yaml(yaml);
  Simulation sim(s, {5, 0, 1});
  for (std::size_t i = 0; i < sim.residents.size(); ++i) ASSERT_EQ(sim.residents.listed[i], 0);
  sim.step();
  const std::vector<std::int64_t> listed = test::listed_counts(sim);
  EXPECT_LT(test::chi_square_uniform(listed), test::chi_square_critical_0001(K - 1));
  const std::vector<std::int64_t> destinations(sim.flows.switches_in.begin() + 1,
                                               sim.flows.switches_in.end());
  EXPECT_LT(test::chi_square_uniform(destinations), test::chi_square_critical_0001(K - 2));
  EXPECT_EQ(sim.flows.switches_in[0], 0);
  EXPECT_EQ(sim.flows.switches_out[0], test::total_switches(sim.flows));
}

// A slow home station (capacity half its demand) and an identical fast one next door: the
// published wait of the slow one grows, and residents who weigh waiting more leave it more.
std::int64_t switches_away_from_slow_station(double b_wait) {
  const std::string yaml =
      "name: queues\n"
      "time: {start_date: 2017-02-01, steps: 40, step_days: 7}\n"
      "zones: [{name: A, population: 4000, lat: 62.24, lon: 25.75}]\n"
      "pilot: {zones: [A], start_date: 2017-04-12}\n"
      "choice: {minors_follow_guardian: false, base_review_per_year: 1.0, awareness_per_year: 0, "
      "dissatisfaction_per_year: 0,\n"
      "         publication_interval_days: 7, b_wait: " +
      std::to_string(b_wait) +
      "}\n"
      "producers:\n"
      "  - {name: Slow, zone: A, capacity_per_week: 170}\n"
      "  - {name: Fast, zone: A, capacity_per_week: 2000}\n";
  const Scenario s = test::scenario_from_yaml(yaml);
  Simulation sim(s, {21, 0, 1});
  std::int64_t away = 0;
  while (sim.t < s.time.steps) {
    sim.step();
    away += sim.flows.switches_out[0];
  }
  EXPECT_GT(sim.producers[0].published_wait_weeks, 1.0) << "the slow station's queue should be long";
  return away;
}

TEST(ChoiceLimits, StrongerDislikeOfWaitingMeansMoreSwitchingAwayFromLongQueues) {
  const std::int64_t weak = switches_away_from_slow_station(-0.05);
  const std::int64_t strong = switches_away_from_slow_station(-1.0);
  EXPECT_GT(strong, weak + weak / 2) << "weak b_wait: " << weak << ", strong b_wait: " << strong;
}

}  // namespace
}  // namespace valinta

// M3 service (phases/service.cpp): FIFO service within capacity, exact waits, the care
// guarantee and emergency diversion. The verification of docs/ODD.md 10.4: one producer with
// Poisson arrivals and a fixed capacity behaves as the discrete-time queue of queueing theory,
// and infinite capacity means no waiting.
#include "valinta/phases/service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "support/sim_helpers.hpp"
#include "support/test_support.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// One zone, one station with a fixed capacity, and constant demand: every resident stays at
// need level 0 (up- and down-rates 0) and every level has the same visit rate with age factors
// of one, so the arrivals of a step are a sum of independent Poisson counts: Poisson(n x rate).
const std::string kPureQueue = "flex_max_share: 0, emergency_per_year: [0, 0, 0, 0]";

std::string single_queue_yaml(int residents, double rate, double capacity, const std::string& extra = "") {
  return "name: queue\n"
         "time: {start_date: 2017-02-01, steps: 30000, step_days: 7}\n"
         "zones: [{name: A, population: " +
         std::to_string(residents) +
         ", lat: 62.24, lon: 25.75}]\n"
         "producers: [{name: Station, zone: A, capacity_per_week: " +
         std::to_string(capacity) +
         "}]\n"
         "needs: {up_rate: [0, 0, 0], down_rate: [0, 0, 0]}\n"
         "demand: {visit_rate: [" +
         std::to_string(rate) + ", " + std::to_string(rate) + ", " + std::to_string(rate) + ", " +
         std::to_string(rate) +
         "], age_factor: [1, 1, 1, 1, 1, 1, 1, 1],\n"
         "         ohc_offload: 0, wait_elasticity: 0}\n" +
         // The queue of queueing theory: every contact joins, capacity does not flex, and no
         // emergency visits but the queue's own diversions.
         (extra.find("service: {") == std::string::npos
              ? extra + "service: {" + kPureQueue + "}\n"
              : std::string(extra).replace(extra.find("service: {"), 10, "service: {" + kPureQueue + ", "));
}

// The slotted queue with Poisson(lambda) arrivals and c services per step, arrivals servable
// in their own step: the backlog at the end of a step follows Lindley's recursion
// Q' = max(0, Q + A - c). Its stationary distribution is found by iterating the recursion on
// the distribution itself; a contact that finds Q ahead of it and is k-th of its cohort waits
// floor((Q + k - 1) / c) steps.
struct SlottedQueue {
  double mean_backlog = 0, p_empty = 0, mean_wait_steps = 0, share_served_at_once = 0;
};
SlottedQueue slotted_queue_theory(double lambda, int c) {
  const int q_max = 400, a_max = 80;
  std::vector<double> pa(a_max + 1);
  pa[0] = std::exp(-lambda);
  for (int a = 1; a <= a_max; ++a) pa[a] = pa[a - 1] * lambda / a;
  std::vector<double> pi(q_max + 1, 0.0), next;
  pi[0] = 1;
  for (int it = 0; it < 20000; ++it) {
    next.assign(q_max + 1, 0.0);
    for (int q = 0; q <= q_max; ++q)
      for (int a = 0; a <= a_max; ++a) next[std::min(q_max, std::max(0, q + a - c))] += pi[q] * pa[a];
    double change = 0;
    for (int q = 0; q <= q_max; ++q) change += std::abs(next[q] - pi[q]);
    pi.swap(next);
    if (change < 1e-13) break;
  }
  SlottedQueue out;
  double wait = 0, at_once = 0;
  for (int q = 0; q <= q_max; ++q) {
    out.mean_backlog += q * pi[q];
    for (int a = 1; a <= a_max; ++a) {
      double w = 0;
      for (int k = 1; k <= a; ++k) w += (q + k - 1) / c;
      wait += pi[q] * pa[a] * w;
      at_once += pi[q] * pa[a] * std::min(a, std::max(0, c - q));
    }
  }
  out.p_empty = pi[0];
  out.mean_wait_steps = wait / lambda;
  out.share_served_at_once = at_once / lambda;
  return out;
}

// Mean of a series and its standard error from batch means (the series is autocorrelated).
struct Estimate {
  double mean = 0, se = 0;
};
Estimate batch_means(const std::vector<double>& numerator, const std::vector<double>& denominator) {
  const std::size_t batches = 20, length = numerator.size() / batches;
  std::vector<double> means;
  double num = 0, den = 0;
  for (std::size_t b = 0; b < batches; ++b) {
    double n = 0, d = 0;
    for (std::size_t t = b * length; t < (b + 1) * length; ++t) {
      n += numerator[t];
      d += denominator[t];
    }
    means.push_back(n / d);
    num += n;
    den += d;
  }
  Estimate e;
  e.mean = num / den;
  double ss = 0;
  for (const double m : means) ss += (m - e.mean) * (m - e.mean);
  e.se = std::sqrt(ss / (batches - 1) / batches);
  return e;
}

TEST(ServiceQueue, SingleStationMatchesSlottedQueueTheory) {
  // 80 residents x 0.1 contacts/week: Poisson(8) arrivals; 10 visits/week: utilisation 0.8.
  // No emergency diversion and a queue ring longer than any wait that can occur.
  const double lambda = 8.0;
  const int capacity = 10;
  const Scenario s = test::scenario_from_yaml(
      single_queue_yaml(80, 0.1, capacity, "service: {er_prob_per_week: 0, queue_max_weeks: 520}\n"));
  Simulation sim(s, {7, 0, 1});
  const int burn_in = 200, steps = 20200;
  std::vector<double> backlog, empty, ones, wait_sum, served_n, at_once, arrivals;
  std::int64_t previous_queue = 0;
  for (int step = 0; step < steps; ++step) {
    sim.step();
    const StepFlows& f = sim.flows;
    const std::int64_t arrived = test::arrivals_at(f, 0), served = test::served_at(f, 0);
    const std::int64_t queue = test::queue_length(sim.producers[0]);
    // docs/ODD.md 7.3: capacity is never negative; served <= queued + arrivals, and <= capacity.
    ASSERT_GE(sim.producers[0].capacity_per_week, 0.0);
    ASSERT_LE(served, previous_queue + arrived);
    ASSERT_LE(served, capacity);
    ASSERT_EQ(queue, previous_queue + arrived - served);
    ASSERT_EQ(f.diverted[0], 0);
    previous_queue = queue;
    if (step < burn_in) continue;
    double w = 0;
    for (int a = 0; a < sim.queue_steps; ++a) w += static_cast<double>(a) * f.wait_histogram[a];
    backlog.push_back(static_cast<double>(queue));
    empty.push_back(queue == 0 ? 1.0 : 0.0);
    ones.push_back(1.0);
    wait_sum.push_back(w);
    served_n.push_back(static_cast<double>(served));
    at_once.push_back(static_cast<double>(f.wait_histogram[0]));
    arrivals.push_back(static_cast<double>(arrived));
  }
  const SlottedQueue theory = slotted_queue_theory(lambda, capacity);
  // Little's law holds exactly in the theory: each contact is in the end-of-step backlog once
  // for every step it waits.
  EXPECT_NEAR(theory.mean_backlog, lambda * theory.mean_wait_steps, 1e-9);

  const Estimate arrival_rate = batch_means(arrivals, ones);
  EXPECT_NEAR(arrival_rate.mean, lambda, 4 * arrival_rate.se + 1e-9);
  const Estimate mean_backlog = batch_means(backlog, ones);
  const Estimate p_empty = batch_means(empty, ones);
  const Estimate mean_wait = batch_means(wait_sum, served_n);
  const Estimate served_at_once = batch_means(at_once, served_n);
  EXPECT_NEAR(mean_backlog.mean, theory.mean_backlog, 4 * mean_backlog.se) << "SE " << mean_backlog.se;
  EXPECT_NEAR(p_empty.mean, theory.p_empty, 4 * p_empty.se) << "SE " << p_empty.se;
  EXPECT_NEAR(mean_wait.mean, theory.mean_wait_steps, 4 * mean_wait.se) << "SE " << mean_wait.se;
  EXPECT_NEAR(served_at_once.mean, theory.share_served_at_once, 4 * served_at_once.se);
  // The estimates are sharp enough to mean something (about 5 % of the mean backlog).
  EXPECT_LT(mean_backlog.se, 0.05 * theory.mean_backlog);
}

// Capacity -> infinity: every contact is served in the step it arrives, nothing waits, nothing
// is diverted, everything is within the care guarantee; nobody suffers unmet need.
TEST(ServiceLimits, InfiniteCapacityMeansNoWaiting) {
  const Scenario s = test::scenario_from_yaml(
      test::small_region_yaml(3000, 1000) +
      "pilot: {zones: [A]}\nchoice: {awareness_per_year: 5}\n"
      "producers:\n"
      "  - {name: StationA, zone: A, capacity_per_week: 1e9}\n"
      "  - {name: StationB, zone: B, capacity_per_week: 1e9}\n"
      "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: 25.76, capacity_per_week: 1e9}\n");
  Simulation sim(s, {4, 0, 1});
  std::int64_t served_all = 0;
  for (int step = 0; step < 52; ++step) {
    sim.step();
    const StepFlows& f = sim.flows;
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      EXPECT_EQ(test::served_at(f, j), test::arrivals_at(f, j));
      EXPECT_EQ(f.wait_histogram[j * sim.queue_steps], test::served_at(f, j));
      EXPECT_EQ(test::queue_length(sim.producers[j]), 0);
      EXPECT_EQ(f.diverted[j], 0);
      EXPECT_EQ(f.served_within_guarantee[j], test::served_at(f, j));
      EXPECT_EQ(sim.producers[j].expected_wait_weeks, 0.0);
      served_all += test::served_at(f, j);
    }
  }
  EXPECT_GT(served_all, 1000);
  for (std::size_t i = 0; i < sim.residents.size(); ++i) ASSERT_EQ(sim.residents.unmet_steps[i], 0);
}

// A resident's waiting contact whose cohort is empty (the producer's accounts hold nobody of that
// age: its queue was served in full) is closed, with a neutral experience and no unmet need,
// rather than left waiting for ever.
TEST(Service, ContactOfAnEmptyCohortIsClosedWithANeutralExperience) {
  const Scenario s = test::scenario_from_yaml(test::small_region_yaml(3000, 1000) +
                                              "producers:\n"
                                              "  - {name: StationA, zone: A, capacity_per_week: 1e9}\n"
                                              "  - {name: StationB, zone: B, capacity_per_week: 1e9}\n");
  Simulation sim(s, {4, 0, 2});
  for (int step = 0; step < 5; ++step) sim.step();
  Residents& r = sim.residents;
  std::vector<std::size_t> chosen;
  for (std::size_t i = 0; i < r.size() && chosen.size() < 50; i += 7) {
    if (r.open_since[i] >= 0 || r.unmet_steps[i] != 0) continue;
    r.open_since[i] = static_cast<std::int16_t>(sim.t - 3);  // nobody of that age waits: all were served
    r.open_producer[i] = r.listed[i];
    r.experience[i] = 40;  // +2 SD
    chosen.push_back(i);
  }
  ASSERT_EQ(chosen.size(), 50u);
  sim.step();
  const double weight = s.service.experience_weight;
  const auto neutral = static_cast<std::int8_t>(std::lround((1 - weight) * 2.0 * 20));
  for (const std::size_t i : chosen) {
    EXPECT_EQ(r.open_since[i], -1) << "resident " << i << " is still waiting";
    EXPECT_EQ(r.experience[i], neutral) << "resident " << i;
    EXPECT_EQ(r.unmet_steps[i], 0) << "resident " << i;
  }
}

// Towards the limit: more capacity, shorter waits (same random numbers in all three runs).
TEST(ServiceLimits, WaitsFallAsCapacityGrows) {
  double previous = INFINITY;
  for (const double ratio : {0.9, 1.0, 1.3}) {
    const Scenario s = test::scenario_from_yaml(test::small_region_yaml(3000, 1000) +
                                                "service: {capacity_ratio: " + std::to_string(ratio) + "}\n");
    Simulation sim(s, {4, 0, 1});
    double wait = 0, served = 0;
    for (int step = 0; step < 52; ++step) {
      sim.step();
      for (std::size_t j = 0; j < sim.producers.size(); ++j)
        for (int a = 0; a < sim.queue_steps; ++a) {
          wait += static_cast<double>(a) * sim.flows.wait_histogram[j * sim.queue_steps + a];
          served += static_cast<double>(sim.flows.wait_histogram[j * sim.queue_steps + a]);
        }
    }
    const double mean_wait = wait / served;
    EXPECT_LT(mean_wait, previous) << "capacity ratio " << ratio;
    previous = mean_wait;
  }
}

// Fractional capacity carries over: 2.5 visits a week serve 5 every two weeks; with daily
// steps, 10 visits a week serve 10 in every 7 days.
TEST(Service, FractionalCapacityCarriesToTheNextStep) {
  for (const auto& [step_days, capacity, steps, expected] :
       std::vector<std::tuple<int, double, int, std::int64_t>>{{7, 2.5, 40, 100}, {1, 10.0, 70, 100}}) {
    std::string yaml = single_queue_yaml(200, 1.0, capacity);
    yaml.replace(yaml.find("step_days: 7"), 12, "step_days: " + std::to_string(step_days));
    const Scenario s = test::scenario_from_yaml(yaml);
    Simulation sim(s, {2, 0, 1});
    std::int64_t served = 0;
    for (int step = 0; step < steps; ++step) {
      sim.step();
      served += test::served_at(sim.flows, 0);
      ASSERT_LE(static_cast<double>(test::served_at(sim.flows, 0)), capacity * s.step_weeks() + 1.0);
    }
    // (Up to one visit may still sit in the carried fraction after floating-point sums.)
    EXPECT_LE(served, expected) << "step_days " << step_days;
    EXPECT_GE(served, expected - 1) << "step_days " << step_days;
  }
}

// Nothing is ever served (capacity 0): a contact may go to emergency only after waiting past
// er_threshold_weeks, then with probability er_prob_per_week per week; each diversion costs
// the organiser er_cost_eur and is unmet need. Weekly and daily steps give the same weekly risk.
TEST(Service, EmergencyDiversionAfterTheThresholdWithItsWeeklyProbability) {
  for (const int step_days : {7, 1}) {
    std::string yaml = single_queue_yaml(
        2000, 0.1, 0, "service: {er_threshold_weeks: 2, er_prob_per_week: 0.15, er_cost_eur: 320}\n");
    yaml.replace(yaml.find("step_days: 7"), 12, "step_days: " + std::to_string(step_days));
    const Scenario s = test::scenario_from_yaml(yaml);
    Simulation sim(s, {9, 0, 1});
    const int threshold_steps = 14 / step_days;
    double exposed = 0, diverted = 0;
    for (int step = 0; step < 30 * 7 / step_days; ++step) {
      sim.step();
      const StepFlows& f = sim.flows;
      for (int a = 0; a < sim.queue_steps - 1; ++a) {
        if (a <= threshold_steps) {
          ASSERT_EQ(f.cohort_diverted[a], 0) << "age " << a << " is not past the threshold";
        } else {
          exposed += static_cast<double>(f.cohort_before[a]);
          diverted += static_cast<double>(f.cohort_diverted[a]);
        }
      }
      EXPECT_DOUBLE_EQ(f.organiser_side[static_cast<int>(PaymentKind::emergency)], 320.0 * f.diverted[0]);
    }
    const double p = 1 - std::pow(1 - 0.15, step_days / 7.0);
    EXPECT_NEAR(diverted / exposed, p, 4 * std::sqrt(p * (1 - p) / exposed)) << "step_days " << step_days;
    std::size_t unmet = 0;
    for (std::size_t i = 0; i < sim.residents.size(); ++i) unmet += sim.residents.unmet_steps[i] > 0;
    EXPECT_GT(unmet, 0u);
  }
}

// Unmet need (here: contacts diverted to emergency from a station that serves nobody) raises
// the resident's up-rates for needs.unmet_weeks, counted in steps of whatever length.
void expect_unmet_need_lasts(double unmet_weeks, int step_days) {
  std::string yaml =
      single_queue_yaml(500, 0.5, 0, "service: {er_threshold_weeks: 0, er_prob_per_week: 1}\n");
  yaml.replace(yaml.find("step_days: 7"), 12, "step_days: " + std::to_string(step_days));
  yaml.replace(yaml.find("needs: {"), 8, "needs: {unmet_weeks: " + std::to_string(unmet_weeks) + ", ");
  const Scenario s = test::scenario_from_yaml(yaml);
  Simulation sim(s, {9, 0, 1});
  int longest = 0;
  for (int step = 0; step < 3; ++step) {
    sim.step();
    for (std::size_t i = 0; i < sim.residents.size(); ++i)
      longest = std::max<int>(longest, sim.residents.unmet_steps[i]);
  }
  EXPECT_EQ(longest, static_cast<int>(std::ceil(unmet_weeks * 7 / step_days))) << "step_days " << step_days;
}

TEST(Service, UnmetNeedLastsUnmetWeeks) {
  expect_unmet_need_lasts(8, 7);
  expect_unmet_need_lasts(8, 1);
}

// The per-resident counter holds at most 255 steps, so a longer effect is refused when the
// scenario is loaded rather than cut short without a word (52 weeks of daily steps = 364).
TEST(Service, UnmetNeedLongerThanTheCounterIsRefused) {
  std::string yaml = single_queue_yaml(100, 0.1, 8);
  yaml.replace(yaml.find("step_days: 7"), 12, "step_days: 1");
  yaml.replace(yaml.find("down_rate: [0, 0, 0]}"), 21, "down_rate: [0, 0, 0], unmet_weeks: 52}");
  try {
    test::scenario_from_yaml(yaml);
    ADD_FAILURE() << "a 52-week unmet-need effect with daily steps was accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("needs.unmet_weeks: must be at most 36 weeks"), std::string::npos)
        << e.what();
  }
  expect_unmet_need_lasts(36, 1);  // 252 daily steps still fit
}

// Contacts still waiting when they reach queue_max_weeks all go to emergency; the share within
// the care guarantee counts exactly the visits served within care_guarantee_days.
TEST(Service, QueueLimitAndCareGuaranteeAreExact) {
  const Scenario s = test::scenario_from_yaml(single_queue_yaml(
      100, 0.1, 8, "service: {er_prob_per_week: 0, queue_max_weeks: 4}\nrules: {care_guarantee_days: 14}\n"));
  Simulation sim(s, {3, 0, 1});
  ASSERT_EQ(sim.queue_steps, 5);
  std::int64_t diverted = 0;
  for (int step = 0; step < 200; ++step) {
    sim.step();
    const StepFlows& f = sim.flows;
    for (int a = 0; a < sim.queue_steps - 1; ++a) ASSERT_EQ(f.cohort_diverted[a], 0);
    const std::int64_t last = sim.queue_steps - 1;
    ASSERT_EQ(f.cohort_diverted[last], f.cohort_before[last] - f.cohort_served[last]);
    diverted += f.diverted[0];
    // 14 days = 2 weekly steps: waits of 0, 1 and 2 weeks are within the guarantee.
    ASSERT_EQ(f.served_within_guarantee[0], f.wait_histogram[0] + f.wait_histogram[1] + f.wait_histogram[2]);
  }
  EXPECT_GT(diverted, 0);  // demand 10/week against capacity 8: the limit is reached
}

}  // namespace
}  // namespace valinta

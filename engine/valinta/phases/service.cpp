// Phase 4: M3 service, waiting and the care guarantee.
//
// Each producer keeps its queue as a ring of arrival cohorts (counts by need level) and serves
// it first-in first-out up to its capacity for the step, so every served visit has an exact wait
// in steps and the share served within the care guarantee is exact. Contacts still waiting after
// er_threshold_weeks go to emergency with probability er_prob_per_week per week; those still
// waiting at queue_max_weeks all do. Then each resident with a waiting contact learns its fate
// with the probabilities of their cohort at their producer (served on time, served late,
// diverted, still waiting); late and diverted contacts are unmet need (M1) and every resolved
// contact updates the resident's experience score (M5).
#include "valinta/phases/service.hpp"

#include <algorithm>
#include <array>
#include <boost/random/binomial_distribution.hpp>
#include <cmath>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/detail/resolve_contacts.hpp"

namespace valinta {

namespace {

// Splits `take` of a cohort's counts by level in proportion (largest remainder; ties to the
// lower level), so integer counts are conserved exactly and the split is deterministic.
void split_by_level(const std::int64_t* counts, std::int64_t total, std::int64_t take, std::int64_t* out) {
  if (take >= total) {
    for (int l = 0; l < kNeedLevels; ++l) out[l] = counts[l];
    return;
  }
  std::int64_t given = 0;
  double remainder[kNeedLevels];
  for (int l = 0; l < kNeedLevels; ++l) {
    const double exact =
        static_cast<double>(counts[l]) * static_cast<double>(take) / static_cast<double>(total);
    out[l] = static_cast<std::int64_t>(std::floor(exact));
    remainder[l] = exact - static_cast<double>(out[l]);
    given += out[l];
  }
  while (given < take) {
    int best = -1;
    for (int l = 0; l < kNeedLevels; ++l)
      if (out[l] < counts[l] && (best < 0 || remainder[l] > remainder[best])) best = l;
    ++out[best];
    remainder[best] = -1;
    ++given;
  }
}

void serve_producer(State& sim, std::size_t j) {
  const Scenario& s = sim.scenario;
  const ServiceParams& sp = s.service;
  Producer& p = sim.producers[j];
  StepFlows& f = sim.flows;
  const int L = sim.queue_steps;
  const double step_weeks = s.step_weeks();
  auto cohort = [&](int age) { return p.cohort(sim.t, age, L); };
  std::int64_t* const before = &f.cohort_before[j * L];
  std::int64_t* const served_by_age = &f.cohort_served[j * L];
  std::int64_t* const diverted_by_age = &f.cohort_diverted[j * L];

  // This step's arrivals open a new cohort (the slot of age L, emptied last step).
  for (int l = 0; l < kNeedLevels; ++l) cohort(0)[l] = f.arrivals[j * kNeedLevels + l];
  for (int a = 0; a < L; ++a) {
    const std::int64_t* c = cohort(a);
    before[a] = c[0] + c[1] + c[2] + c[3];
  }

  // Serve oldest first within this step's capacity, flexed by the queue at a public station
  // (fractions carry to the next step).
  const double flex = capacity_flex(sp, p.sector == Sector::public_sector, p.expected_wait_weeks);
  // (The organiser's temporary and bought capacity on top of the staff's: M10.)
  const double capacity_per_week = p.effective_capacity_per_week();
  const double capacity = capacity_per_week * flex * step_weeks + p.capacity_carry;
  std::int64_t remaining = static_cast<std::int64_t>(std::floor(capacity));
  const std::int64_t flexed =
      static_cast<std::int64_t>(std::floor(capacity_per_week * (flex - 1) * step_weeks));
  p.capacity_carry = capacity - std::floor(capacity);
  const int guarantee_steps = valinta::guarantee_steps(sp, s.time.step_days);
  const int promise_steps =
      static_cast<int>(std::floor(sp.promise_days / static_cast<double>(s.time.step_days) + 1e-9));
  for (int a = L - 1; a >= 0 && remaining > 0; --a) {
    if (before[a] == 0) continue;
    std::int64_t* c = cohort(a);
    const std::int64_t take = std::min(before[a], remaining);
    std::int64_t by_level[kNeedLevels];
    split_by_level(c, before[a], take, by_level);
    for (int l = 0; l < kNeedLevels; ++l) {
      c[l] -= by_level[l];
      f.served[j * kNeedLevels + l] += by_level[l];
    }
    served_by_age[a] = take;
    f.wait_histogram[j * L + a] += take;
    if (a <= guarantee_steps) f.served_within_guarantee[j] += take;
    if (a <= promise_steps) f.served_within_promise[j] += take;
    remaining -= take;
  }

  // Emergency diversion of contacts still waiting past the threshold.
  KeyedEngine engine(sim.rng, Stream::service, j, static_cast<std::uint32_t>(sim.t));
  const double p_divert = 1.0 - std::pow(1.0 - sp.er_prob_per_week, step_weeks);
  for (int a = 1; a < L; ++a) {
    std::int64_t* c = cohort(a);
    const bool past_threshold = a * step_weeks > sp.er_threshold_weeks + 1e-9;
    if (!past_threshold && a < L - 1) continue;
    for (int l = 0; l < kNeedLevels; ++l) {
      if (c[l] == 0) continue;
      std::int64_t d = c[l];  // the oldest cohort leaves the ring entirely
      if (a < L - 1) d = boost::random::binomial_distribution<std::int64_t>(c[l], p_divert)(engine);
      c[l] -= d;
      diverted_by_age[a] += d;
      f.diverted[j] += d;
    }
  }

  std::int64_t served_total = 0;
  for (int l = 0; l < kNeedLevels; ++l) served_total += f.served[j * kNeedLevels + l];
  // Visits beyond the staff's own capacity were served on the flex.
  f.flex_visits[j] = std::clamp<std::int64_t>(
      served_total - (static_cast<std::int64_t>(std::floor(capacity)) - flexed), 0, flexed);
  f.served_doctor[j] = served_total > 0 ? boost::random::binomial_distribution<std::int64_t>(
                                              served_total, p.doctor_share)(engine)
                                        : 0;

  // Expected wait for choice and publication: backlog / capacity (Little's law), smoothed.
  std::int64_t backlog = 0;
  for (int a = 0; a < L; ++a) {
    const std::int64_t* c = cohort(a);
    backlog += c[0] + c[1] + c[2] + c[3];
  }
  const double wait_now = capacity_per_week > 0 ? static_cast<double>(backlog) / capacity_per_week
                                                : (backlog > 0 ? sp.queue_max_weeks : 0.0);
  p.expected_wait_weeks = (1 - sp.wait_smoothing) * p.expected_wait_weeks + sp.wait_smoothing * wait_now;
}

}  // namespace

int guarantee_steps(const ServiceParams& p, std::int64_t step_days) {
  return static_cast<int>(std::floor(p.care_guarantee_days / static_cast<double>(step_days) + 1e-9));
}

void run_service(State& sim) {
  const std::int64_t P = static_cast<std::int64_t>(sim.producers.size());
  // Runs of producers per grab: neighbours write neighbouring rows of the step's per-producer
  // arrays, which would bounce between the cores if they went to different threads.
#pragma omp parallel for schedule(dynamic, 16) num_threads(sim.threads())
  for (std::int64_t j = 0; j < P; ++j)
    if (sim.producers[j].active) serve_producer(sim, static_cast<std::size_t>(j));
  kernels::resolve_contacts(sim);
}

}  // namespace valinta

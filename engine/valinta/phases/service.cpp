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
#include "valinta/util/round.hpp"
#include "valinta/util/select.hpp"

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

  // Serve oldest first within this step's capacity (fractions carry to the next step).
  const double capacity = p.capacity_per_week * step_weeks + p.capacity_carry;
  std::int64_t remaining = static_cast<std::int64_t>(std::floor(capacity));
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
  f.served_doctor[j] = served_total > 0 ? boost::random::binomial_distribution<std::int64_t>(
                                              served_total, p.doctor_share)(engine)
                                        : 0;

  // Expected wait for choice and publication: backlog / capacity (Little's law), smoothed.
  std::int64_t backlog = 0;
  for (int a = 0; a < L; ++a) {
    const std::int64_t* c = cohort(a);
    backlog += c[0] + c[1] + c[2] + c[3];
  }
  const double wait_now = p.capacity_per_week > 0 ? static_cast<double>(backlog) / p.capacity_per_week
                                                  : (backlog > 0 ? sp.queue_max_weeks : 0.0);
  p.expected_wait_weeks = (1 - sp.wait_smoothing) * p.expected_wait_weeks + sp.wait_smoothing * wait_now;
}

// Which of a chunk's waiting contacts close this step, mask[q] for contact q: its cohort
// (cell[q]) is empty, or its draw (word[q]) scaled by the cohort's size falls below the served
// or diverted. The test of resolve_residents in one loop over the contacts, compiled for the
// widest vector unit (element-wise IEEE operations: every clone decides alike); most contacts
// wait on, and a branch per contact would be mispredicted about as often as not.
__attribute__((target_clones("avx512f", "avx2", "default"))) void closing_contacts(
    std::size_t m, const std::uint32_t* __restrict cell, const std::uint32_t* __restrict word,
    const double* __restrict before, const double* __restrict resolved, std::uint8_t* __restrict mask) {
  for (std::size_t q = 0; q < m; ++q) {
    const double b = before[cell[q]];
    const double u = CounterRng::to_unit(word[q]) * b;
    mask[q] = static_cast<std::uint8_t>(!(b > 0) | (u < resolved[cell[q]]));
  }
}

// Each resident with a waiting contact: resolved with their cohort's probabilities.
void resolve_residents(State& sim) {
  Residents& r = sim.residents;
  const Scenario& s = sim.scenario;
  const ServiceParams& sp = s.service;
  const StepFlows& f = sim.flows;
  const int L = sim.queue_steps;
  const double step_weeks = s.step_weeks();
  const auto unmet_steps =
      static_cast<std::uint8_t>(std::min(255.0, std::ceil(s.needs.unmet_weeks / step_weeks)));
  const std::size_t n = r.size();
  const auto t = static_cast<std::uint32_t>(sim.t);
  // What a waiting contact's fate needs of its cohort [producer * L + age], in one place: the
  // cohort's size before service, and the bounds of the served and of the served or diverted
  // on the draw scaled by that size.
  // (Kept from step to step: a fresh allocation of this size every step is slow under MPI.)
  thread_local std::vector<double> cohort_before, cohort_served, cohort_resolved;
  const std::size_t cells = f.cohort_before.size();
  cohort_before.resize(cells);
  cohort_served.resize(cells);
  cohort_resolved.resize(cells);
  for (std::size_t k = 0; k < cells; ++k) {
    const auto served = static_cast<double>(f.cohort_served[k]);
    cohort_before[k] = static_cast<double>(f.cohort_before[k]);
    cohort_served[k] = served;
    cohort_resolved[k] = served + static_cast<double>(f.cohort_diverted[k]);
  }
  std::vector<double> quality(sim.producers.size());
  for (std::size_t j = 0; j < quality.size(); ++j) quality[j] = sim.producers[j].spec.quality;
  // (Taken here, on the thread that owns the rows: inside the parallel region `cohorts` would name
  // each thread's own.)
  const double* const before_of = cohort_before.data();
  const double* const served_of = cohort_served.data();
  const double* const resolved_of = cohort_resolved.data();
  const double* const quality_of = quality.data();
  std::vector<std::int64_t> unmet_by_zone(sim.zones.size(), 0);
  std::int64_t plan_contacts = 0, plan_continuous = 0;
#pragma omp parallel num_threads(sim.threads()) reduction(+ : plan_contacts, plan_continuous)
  {
    std::vector<std::int64_t> local_unmet(sim.zones.size(), 0);
    std::int16_t* const open_since = r.open_since.data();
    const std::uint16_t* const open_producer = r.open_producer.data();
    const std::uint16_t* const zone = r.zone.data();
    const std::uint16_t* const listed = r.listed.data();
    const std::uint8_t* const flags = r.flags.data();
    std::uint8_t* const unmet_left = r.unmet_steps.data();
    std::int8_t* const experience = r.experience.data();
    ResidentDraws draws;
    std::array<std::uint32_t, ResidentDraws::kChunk> waiting{}, cell{}, word{}, closing{};
    std::array<std::uint8_t, ResidentDraws::kChunk> mask{};
#pragma omp for schedule(dynamic, kChunksPerGrab)
    for (std::int64_t chunk = 0; chunk < ResidentDraws::chunks(n); ++chunk) {
      const auto [first, end] = ResidentDraws::chunk(chunk, n);
      // The chunk's residents with a contact waiting (a sixth or so of them, in no pattern a branch
      // predictor could follow), listed without branches.
      const std::size_t m = positions_nonnegative(open_since + first, end - first,
                                                  static_cast<std::uint32_t>(first), waiting.data());
      if (m == 0) continue;
      // Residents on a customer plan are checked against their listing: a miss each, unless asked
      // for now (the draws below take long enough for the lines to arrive).
      prefetch_span(listed, first, end);
      const std::uint32_t* words = draws(sim.rng, Stream::service_outcome, t, r.global(first), end - first);
      // Each contact's cohort [producer * L + age] and draw, then which of them close.
      for (std::size_t q = 0; q < m; ++q) {
        const std::size_t i = waiting[q];
        const int a = std::min(sim.t - open_since[i], L - 1);
        cell[q] = static_cast<std::uint32_t>(open_producer[i] * static_cast<std::size_t>(L) +
                                             static_cast<std::size_t>(a));
        word[q] = words[i - first];
      }
      closing_contacts(m, cell.data(), word.data(), before_of, resolved_of, mask.data());
      const std::size_t n_closing = positions_of(mask.data(), m, 0, closing.data());
      for (std::size_t k = 0; k < n_closing; ++k) {
        const std::size_t q = closing[k];
        const std::size_t i = waiting[q];
        const int a = sim.t - open_since[i];
        const std::size_t j = open_producer[i];
        const std::size_t c = cell[q];
        // Served or diverted; a contact whose cohort is empty (older than the ring) is closed with
        // a neutral experience.
        bool served = false, unmet = false;
        double score = 0;
        if (before_of[c] > 0) {
          served = CounterRng::to_unit(word[q]) * before_of[c] < served_of[c];
          unmet = !served || a * s.time.step_days > sp.care_guarantee_days + 1e-9;
          score = served ? quality_of[j] - sp.experience_wait_per_week * (a * step_weeks)
                         : sp.experience_diverted;
        }
        open_since[i] = -1;
        if (unmet) {
          unmet_left[i] = unmet_steps;
          ++local_unmet[zone[i]];
        }
        if (flags[i] & Residents::kPlan) {  // continuity of care (M8): served where listed
          ++plan_contacts;
          if (served && j == listed[i] && !unmet) ++plan_continuous;
        }
        const double updated =
            (1 - sp.experience_weight) * experience[i] / 20.0 + sp.experience_weight * score;
        experience[i] = static_cast<std::int8_t>(round_half_away(std::clamp(updated, -6.35, 6.35) * 20.0));
      }
    }
#pragma omp critical(service_unmet)
    for (std::size_t z = 0; z < local_unmet.size(); ++z) unmet_by_zone[z] += local_unmet[z];
  }
  // Summed over ranks in one collective: [unmet by zone, plan contacts, of them continuous].
  const std::size_t Z = unmet_by_zone.size();
  unmet_by_zone.push_back(plan_contacts);
  unmet_by_zone.push_back(plan_continuous);
  sim.comm->sum(unmet_by_zone);
  sim.flows.plan_contacts = unmet_by_zone[Z];
  sim.flows.plan_contacts_continuous = unmet_by_zone[Z + 1];
  unmet_by_zone.resize(Z);
  sim.flows.unmet_by_zone = unmet_by_zone;
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
  resolve_residents(sim);
}

}  // namespace valinta

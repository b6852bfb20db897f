// The service phase's pass over the residents with a waiting contact (resolve_contacts.hpp).
#include "valinta/phases/detail/resolve_contacts.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/service.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

namespace {

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
}  // namespace

void kernels::resolve_contacts(State& sim) {
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
  // Summed over threads and ranks in one vector: [unmet by zone, plan holders' contacts by the
  // producer they are listed at, of them continuous].
  const std::size_t Z = sim.zones.size(), P = sim.producers.size();
  std::vector<std::int64_t> counts(Z + 2 * P, 0);
#pragma omp parallel num_threads(sim.threads())
  {
    std::vector<std::int64_t> local(counts.size(), 0);
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
        const ContactOutcome o =
            contact_outcome(sp, s.time.step_days, step_weeks, a, CounterRng::to_unit(word[q]) * before_of[c],
                            before_of[c], served_of[c], quality_of[j]);
        const bool served = o.served, unmet = o.unmet;
        open_since[i] = -1;
        if (unmet) {
          unmet_left[i] = unmet_steps;
          ++local[zone[i]];
        }
        if (flags[i] & Residents::kPlan) {  // continuity of care (M8): served where listed
          ++local[Z + listed[i]];
          if (served && j == listed[i] && !unmet) ++local[Z + P + listed[i]];
        }
        experience[i] = updated_experience(sp, experience[i], o.score);
      }
    }
#pragma omp critical(service_unmet)
    for (std::size_t k = 0; k < local.size(); ++k) counts[k] += local[k];
  }
  sim.comm->sum(counts);
  const auto at = [&](std::size_t k) { return counts.begin() + static_cast<std::ptrdiff_t>(k); };
  sim.flows.unmet_by_zone.assign(at(0), at(Z));
  sim.flows.plan_contacts.assign(at(Z), at(Z + P));
  sim.flows.plan_contacts_continuous.assign(at(Z + P), at(Z + 2 * P));
  for (const auto flow :
       {StepFlows::Id::unmet_by_zone, StepFlows::Id::plan_contacts, StepFlows::Id::plan_contacts_continuous})
    sim.flows.mark_summed(flow);
}

}  // namespace valinta

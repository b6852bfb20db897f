// The choice phase's pass over the residents (review_pass.hpp).
#include "valinta/phases/detail/review_pass.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

std::vector<SwitchRequest> kernels::review_pass(State& sim, const ReviewRule& rule,
                                                const std::vector<double>& neighbours,
                                                std::int64_t& reviews) {
  Residents& r = sim.residents;
  const std::size_t n = r.size();
  const auto t = static_cast<std::uint32_t>(sim.t);
  // Each zone's probability on top of the residents' own hazard: neighbours, then campaigns and nudges.
  std::vector<double> extra_review(sim.zones.size());
  double most_extra = 0;
  for (std::size_t z = 0; z < extra_review.size(); ++z) {
    extra_review[z] = neighbours[z] + sim.zones[z].extra_review;
    most_extra = std::max(most_extra, extra_review[z]);
  }
  // Without any, the bound is an integer test on the draw (see rng.hpp).
  const bool any_extra = most_extra != 0;
  std::array<std::array<std::uint64_t, 256>, 2> skip_from{};
  double most_bound = 0;
  for (int unmet = 0; unmet < 2; ++unmet)
    for (int e = 0; e < 256; ++e) {
      skip_from[unmet][e] = CounterRng::words_at_most(rule.bound_of[unmet][e]);
      most_bound = std::max(most_bound, rule.bound_of[unmet][e]);
    }
  // A draw above every resident's bound needs no look-up (most of them).
  const std::uint64_t screen = CounterRng::words_at_most(most_bound + most_extra);
  const std::uint8_t* const flags = r.flags.data();
  const std::uint8_t* const unmet_steps = r.unmet_steps.data();
  const std::int16_t* const listed_since = r.listed_since.data();
  const std::uint8_t* const switches_this_year = r.switches_this_year.data();
  const std::int8_t* const experience = r.experience.data();
  const std::uint16_t* const zone_of = r.zone.data();
  const std::uint16_t* const listed = r.listed.data();
  const std::uint8_t* const literacy = r.literacy.data();
  const float* const lat = r.lat.data();
  const float* const lon = r.lon.data();
  const std::uint8_t* const age = r.age.data();
  const std::uint8_t* const income_decile = r.income_decile.data();

  const ChoiceInputs inputs = choice_inputs(sim);
  std::vector<std::vector<SwitchRequest>> per_thread(static_cast<std::size_t>(sim.threads()));
  std::int64_t count = 0;
#pragma omp parallel num_threads(sim.threads()) reduction(+ : count)
  {
    std::vector<SwitchRequest>& mine = per_thread[static_cast<std::size_t>(omp_get_thread_num())];
    ResidentDraws draws;
    std::array<std::uint32_t, ResidentDraws::kChunk> marked{}, reviewing{};
    std::array<SwitchReason, ResidentDraws::kChunk> reasons{};
#pragma omp for schedule(dynamic, kChunksPerGrab)
    for (std::int64_t chunk = 0; chunk < ResidentDraws::chunks(n); ++chunk) {
      const auto [first, end] = ResidentDraws::chunk(chunk, n);
      const std::uint32_t* words = draws(sim.rng, Stream::review, t, r.global(first), end - first);
      // Who passes the screen (a few per cent; everyone with a campaign or nudge, screen = 2^32).
      const std::size_t m = positions_outside(words, end - first, screen, std::uint64_t{1} << 32,
                                              static_cast<std::uint32_t>(first), marked.data());
      prefetch_rows(marked.data(), m, experience, unmet_steps, flags, listed_since, switches_this_year);
      // Those who review, then their rankings: the columns a ranking reads are asked for at once.
      std::size_t n_reviewing = 0;
      for (std::size_t q = 0; q < m; ++q) {
        const std::size_t i = marked[q];
        const std::uint32_t w = words[i - first];
        const int e = experience[i] + 128;
        const int unmet = unmet_steps[i] > 0 ? 1 : 0;
        if (any_extra ? CounterRng::to_unit(w) > rule.bound_of[unmet][e] + extra_review[zone_of[i]]
                      : w >= skip_from[unmet][e])
          continue;
        if (!(flags[i] & Residents::kEligible)) continue;
        if (flags[i] & Residents::kMinor) continue;  // their guardian chooses for them
        if (sim.t - listed_since[i] < rule.lock_in_steps) continue;
        if (switches_this_year[i] >= rule.max_switches_per_year) continue;
        const double u = CounterRng::to_unit(w);
        const double dissatisfaction = rule.dissatisfaction_of[e];
        const double access = unmet ? rule.access : 0.0;
        const double hazard = rule.base + dissatisfaction + access;
        const double p_hazard = rule.p_hazard_of[unmet][e];
        // Neighbours, campaigns and nudges (the zone is looked up only when there are any).
        const double p_review = std::min(1.0, p_hazard + (any_extra ? extra_review[zone_of[i]] : 0.0));
        if (u >= p_review) continue;
        ++count;
        SwitchReason reason = SwitchReason::review;
        if (u >= p_hazard + neighbours[zone_of[i]])
          reason = sim.zones[zone_of[i]].extra_reason;
        else if (u >= p_hazard)
          reason = SwitchReason::neighbours;
        else if (u < p_hazard * (dissatisfaction / hazard))
          reason = SwitchReason::dissatisfaction;
        else if (u < p_hazard * ((dissatisfaction + access) / hazard))
          reason = SwitchReason::poor_access;
        reviewing[n_reviewing] = static_cast<std::uint32_t>(i);
        reasons[n_reviewing++] = reason;
      }
      prefetch_rows(reviewing.data(), n_reviewing, zone_of, listed, literacy, lat, lon, age, income_decile);
      for (std::size_t q = 0; q < n_reviewing; ++q) {
        const std::size_t i = reviewing[q];
        const SwitchReason reason = reasons[q];
        // The options come before the current producer, at most kMaxOptions of them.
        std::vector<std::uint16_t> ranking =
            rank_producers(sim, i, true, SwitchRequest::kMaxOptions + 1, &inputs);
        if (ranking.empty() || ranking.front() == r.listed[i]) continue;
        SwitchRequest request = switch_request(sim, i, reason);
        for (const std::uint16_t j : ranking) {
          if (j == r.listed[i] || request.full()) break;
          request.add(j);
        }
        mine.push_back(request);
      }
    }
  }
  reviews = count;
  // In resident order, however the chunks were shared out among the threads.
  std::vector<SwitchRequest> requests;
  for (const auto& list : per_thread) requests.insert(requests.end(), list.begin(), list.end());
  std::sort(requests.begin(), requests.end(),
            [](const SwitchRequest& a, const SwitchRequest& b) { return a.resident < b.resident; });
  return requests;
}

}  // namespace valinta

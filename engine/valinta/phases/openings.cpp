// Producers opening and closing (scheduled, or the market's entries and exits; part of M7):
// who is nudged to review when a producer opens, and where the list and the queue of a producer
// that closes go.
#include "valinta/phases/openings.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "valinta/model/state.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/switching.hpp"
#include "valinta/phases/travel.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

namespace {

// The nearest open public station to a point, preferring the given zone; -1 if none is open.
int nearest_public(const State& sim, double lat, double lon, int zone, std::size_t except) {
  int best = -1;
  double best_minutes = 1e300;
  const Place from = place(lat, lon);
  bool best_in_zone = false;
  for (std::size_t k = 0; k < sim.producers.size(); ++k) {
    const Producer& p = sim.producers[k];
    if (k == except || !p.active || p.sector != Sector::public_sector) continue;
    const bool in_zone = static_cast<int>(p.zone) == zone;
    const double minutes = travel_minutes(sim.scenario.choice, from, p.place);
    if ((in_zone && !best_in_zone) || (in_zone == best_in_zone && minutes < best_minutes)) {
      best = static_cast<int>(k);
      best_minutes = minutes;
      best_in_zone = in_zone;
    }
  }
  return best;
}

}  // namespace

void open_producer(State& sim, std::size_t j, ProducerEvent kind, const std::string& why) {
  Producer& p = sim.producers[j];
  p.active = true;
  p.published_wait_weeks = 0;
  p.expected_wait_weeks = 0;
  p.wait_at_last_publication = 0;
  p.published_quality = p.spec.quality;
  p.losing_quarters = 0;
  p.open_step = sim.t;
  // A unit opening on a scheduled date brings the staff for its capacity (market entrants hired
  // theirs already); without them the market would cut its capacity below zero.
  if (p.staff_fte <= 0) p.staff_fte = p.capacity_per_week / sim.scenario.workforce.visits_per_fte_week;
  p.base_capacity_per_week = p.capacity_per_week;
  sim.flows.producer_event[j] = static_cast<std::uint8_t>(kind);
  for (Zone& zone : sim.zones) {
    if (std::find(zone.candidates.begin(), zone.candidates.end(), j) == zone.candidates.end()) continue;
    zone.extra_review += sim.scenario.choice.entry_nudge_share;
    zone.extra_reason = SwitchReason::entry_nudge;
  }
  const std::string date = format_iso_date(day_of_step(sim.scenario, sim.t));
  sim.event_log.push_back(fmt::format("{} step {}: {} {} ({}; {:.0f} visits/week)", date,
                                      recorded_step(sim.scenario, sim.t), p.spec.name,
                                      kProducerEventNames[static_cast<int>(kind)], why, p.capacity_per_week));
}

ClosureBatch closure_batch(const State& sim, const std::vector<std::size_t>& closing) {
  const Residents& r = sim.residents;
  ClosureBatch batch;
  batch.pending.assign(sim.producers.size(), 0);
  batch.concerned.resize(sim.producers.size());
  for (const std::size_t j : closing) batch.pending[j] = 1;
  const std::uint8_t* const in = batch.pending.data();
  const std::uint16_t* const listed = r.listed.data();
  const std::uint16_t* const home = r.home.data();
  const std::uint16_t* const open_producer = r.open_producer.data();
  const std::int16_t* const open_since = r.open_since.data();
  constexpr std::size_t kBlock = 1024;
  const auto blocks = static_cast<std::int64_t>((r.size() + kBlock - 1) / kBlock);
  // A static schedule gives each thread one run of blocks, in thread order: concatenated in
  // that order the lists are in resident order.
  std::vector<std::vector<std::vector<std::size_t>>> found(static_cast<std::size_t>(sim.threads()));
#pragma omp parallel num_threads(sim.threads())
  {
    std::vector<std::vector<std::size_t>>& mine = found[static_cast<std::size_t>(omp_get_thread_num())];
    mine.resize(sim.producers.size());
    std::array<std::uint8_t, kBlock> mask{};  // marked, then listed (util/select.hpp)
    std::array<std::uint32_t, kBlock> marked{};
#pragma omp for schedule(static)
    for (std::int64_t block = 0; block < blocks; ++block) {
      const std::size_t b = static_cast<std::size_t>(block) * kBlock, e = std::min(r.size(), b + kBlock);
      for (std::size_t i = b; i < e; ++i)
        mask[i - b] = static_cast<std::uint8_t>(in[listed[i]] | in[home[i]] |
                                                (in[open_producer[i]] & (open_since[i] >= 0)));
      const std::size_t m = positions_of(mask.data(), e - b, static_cast<std::uint32_t>(b), marked.data());
      for (std::size_t q = 0; q < m; ++q) {
        const std::size_t i = marked[q];
        if (in[listed[i]]) mine[listed[i]].push_back(i);
        if (in[home[i]] && home[i] != listed[i]) mine[home[i]].push_back(i);
        if (in[open_producer[i]] && open_since[i] >= 0 && open_producer[i] != listed[i] &&
            open_producer[i] != home[i])
          mine[open_producer[i]].push_back(i);
      }
    }
  }
  for (const std::size_t j : closing)
    for (auto& thread : found)
      batch.concerned[j].insert(batch.concerned[j].end(), thread[j].begin(), thread[j].end());
  return batch;
}

void close_producer(State& sim, std::size_t j, ProducerEvent kind, const std::string& why,
                    ClosureBatch* batch) {
  Residents& r = sim.residents;
  Producer& p = sim.producers[j];
  p.active = false;
  sim.workforce_free_fte += p.staff_fte;  // its staff return to the region's pool (M7)
  p.staff_fte = 0;
  sim.flows.producer_event[j] = static_cast<std::uint8_t>(kind);
  const std::int64_t listed_before = p.n_listed;

  // The residents the closure concerns, in resident order: from the batch (found before its
  // first closure, with those earlier closures sent here), else by a pass of its own.
  if (batch && !batch->pending[j])
    throw std::logic_error("close_producer: the producer is not pending in the batch");
  std::vector<std::size_t> concerned =
      batch ? std::move(batch->concerned[j]) : closure_batch(sim, {j}).concerned[j];
  if (batch) {
    batch->pending[j] = 0;
    std::sort(concerned.begin(), concerned.end());
    concerned.erase(std::unique(concerned.begin(), concerned.end()), concerned.end());
    // Earlier closures of the batch may have moved some residents found for this one.
    std::erase_if(concerned, [&](std::size_t i) {
      return !(r.listed[i] == j || r.home[i] == j || (r.open_producer[i] == j && r.open_since[i] >= 0));
    });
  }

  // Waiting contacts move, cohort by cohort, to the nearest open public station.
  const int heir = nearest_public(sim, p.lat, p.lon, p.zone, j);
  if (heir >= 0) {
    Producer& h = sim.producers[static_cast<std::size_t>(heir)];
    std::int64_t moved = 0;
    for (std::size_t k = 0; k < p.queue.size(); ++k) {
      h.queue[k] += p.queue[k];
      moved += p.queue[k];
      p.queue[k] = 0;
    }
    sim.flows.transferred_out[j] += moved;
    sim.flows.transferred_in[static_cast<std::size_t>(heir)] += moved;
    for (const std::size_t i : concerned)
      if (r.open_since[i] >= 0 && r.open_producer[i] == j)
        r.open_producer[i] = static_cast<std::uint16_t>(heir);
  }

  // Listed residents choose again; home stations that closed are replaced.
  const ChoiceInputs inputs = choice_inputs(sim);
  // Over threads, each resident's request in its own place, then collected in resident order.
  std::vector<SwitchRequest> chosen(concerned.size());
  const auto n_concerned = static_cast<std::int64_t>(concerned.size());
#pragma omp parallel for schedule(dynamic, 64) num_threads(sim.threads())
  for (std::int64_t q = 0; q < n_concerned; ++q) {
    const std::size_t i = concerned[static_cast<std::size_t>(q)];
    if (r.home[i] == j) {
      const int home = nearest_public(sim, r.lat[i], r.lon[i], r.zone[i], j);
      if (home >= 0) {
#pragma omp critical(closure_home)
        change_home(sim, i, static_cast<std::uint16_t>(home));
      }
    }
    if (r.listed[i] != j) continue;
    SwitchRequest& request = chosen[static_cast<std::size_t>(q)];
    request = switch_request(sim, i, SwitchReason::closure);
    if (r.flags[i] & Residents::kEligible)
      for (const std::uint16_t k : rank_producers(sim, i, false, SwitchRequest::kMaxOptions + 1, &inputs)) {
        if (k == j) continue;
        if (request.full()) break;
        request.add(k);
      }
    if (request.n_options == 0 || !(r.flags[i] & Residents::kEligible)) {
      request.n_options = 0;
      request.add(r.home[i]);
    }
  }
  std::vector<SwitchRequest> requests;
  for (const SwitchRequest& request : chosen)
    if (request.n_options > 0) requests.push_back(request);
  // Every option was full: the home station takes them.
  send_home(sim, apply_switches_returning_unplaced(sim, std::move(requests)), j, SwitchReason::closure);
  // Residents sent to a producer that closes later in the batch concern that closure too.
  if (batch)
    for (const std::size_t i : concerned)
      for (const std::uint16_t k :
           {r.listed[i], r.home[i], r.open_since[i] >= 0 ? r.open_producer[i] : r.listed[i]})
        if (batch->pending[k]) batch->concerned[k].push_back(i);

  const std::string date = format_iso_date(day_of_step(sim.scenario, sim.t));
  sim.event_log.push_back(fmt::format("{} step {}: {} {} ({}); {} listed residents chose again", date,
                                      recorded_step(sim.scenario, sim.t), p.spec.name,
                                      kProducerEventNames[static_cast<int>(kind)], why, listed_before));
}

}  // namespace valinta

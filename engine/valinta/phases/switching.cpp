#include "valinta/phases/switching.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <stdexcept>

#include "valinta/model/simulation.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

namespace {

// Adds `sign` to the away-from-home count of a resident of `zone` listed at `listed`, if that is
// not their home station.
void count_away(Simulation& sim, std::uint16_t zone, std::uint16_t listed, std::uint16_t home, int sign) {
  if (listed == home) return;
  sim.away_from_home[static_cast<std::size_t>(zone) * kSectors +
                     static_cast<std::size_t>(sim.producers[listed].sector)] += sign;
}
// The same for local resident i as they are now.
void count_away(Simulation& sim, std::size_t i, int sign) {
  const Residents& r = sim.residents;
  count_away(sim, r.zone[i], r.listed[i], r.home[i], sign);
}

// A switch of a local resident: what moving them changes of their own rows and of the counts
// kept of local residents.
struct LocalMove {
  std::uint32_t i;  // local index
  std::uint16_t from, to, zone, home;
  std::uint8_t risk_cell;
  SwitchReason reason;
};

// The counts of a switch that every rank keeps (producers' lists, the step's switch flows).
// Returns the local move, if the rank holds the resident.
std::optional<LocalMove> count_switch(Simulation& sim, const SwitchRequest& m, std::uint16_t to,
                                      SwitchReason reason) {
  StepFlows& f = sim.flows;
  --sim.producers[m.from].n_listed;
  ++sim.producers[to].n_listed;
  ++f.switches_out[m.from];
  ++f.switches_in[to];
  ++f.switches_by_reason[static_cast<int>(reason)];
  ++f.switches_by_age_band[m.age_band];
  ++f.switches_by_income_decile[m.income_decile - 1];
  ++f.switches_by_zone[m.zone];
  const Residents& r = sim.residents;
  if (m.resident < r.offset || m.resident - r.offset >= r.size())
    return std::nullopt;  // held by another rank
  return LocalMove{m.resident - r.offset, m.from, to, m.zone, m.home, m.risk_cell, reason};
}

// Moves local residents (each at most once): their rows, the capitation risk cells and the
// away-from-home counts. A step's movers are scattered over the population, so their cache misses
// are shared out among the threads: each thread writes the rows of its share of the moves, then
// the counts of its share of the producers and zones (integers, so the result is the same).
void move_residents(Simulation& sim, const std::vector<LocalMove>& moves) {
  Residents& r = sim.residents;
  const auto n = static_cast<std::int64_t>(moves.size());
  constexpr std::int64_t kWorthThreads = 256;
#pragma omp parallel num_threads(n >= kWorthThreads ? sim.threads() : 1)
  {
    const auto threads = static_cast<std::uint32_t>(omp_get_num_threads());
    const auto me = static_cast<std::uint32_t>(omp_get_thread_num());
#pragma omp for schedule(static)
    for (std::int64_t q = 0; q < n; ++q) {
      const LocalMove& mv = moves[static_cast<std::size_t>(q)];
      r.listed[mv.i] = mv.to;
      // Assignment and closure are not the resident's own choice: no lock-in, not counted as theirs.
      if (mv.reason == SwitchReason::assignment || mv.reason == SwitchReason::closure) continue;
      r.listed_since[mv.i] = static_cast<std::int16_t>(sim.t);
      if (r.switches[mv.i] < 255) ++r.switches[mv.i];
      if (r.switches_this_year[mv.i] < 255) ++r.switches_this_year[mv.i];
    }
    for (const LocalMove& mv : moves) {
      if (mv.from % threads == me)
        --sim.risk_cells[static_cast<std::size_t>(mv.from) * kRiskCells + mv.risk_cell];
      if (mv.to % threads == me)
        ++sim.risk_cells[static_cast<std::size_t>(mv.to) * kRiskCells + mv.risk_cell];
      if (mv.zone % threads == me) {
        count_away(sim, mv.zone, mv.from, mv.home, -1);
        count_away(sim, mv.zone, mv.to, mv.home, +1);
      }
    }
  }
}

// Resolves every rank's requests alike on every rank (see apply_switches); returns the movers
// whose every option was full, in resident order.
std::vector<SwitchRequest> resolve_switches(Simulation& sim, const std::vector<SwitchRequest>& local) {
  std::vector<SwitchRequest> movers = sim.comm->all_gather(local);
  std::sort(movers.begin(), movers.end(),
            [](const SwitchRequest& a, const SwitchRequest& b) { return a.resident < b.resident; });
  // Room on capped lists as of the start of the phase.
  std::vector<std::int64_t> room(sim.producers.size(), -1);
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    if (sim.producers[j].spec.listing_cap > 0)
      room[j] = std::max<std::int64_t>(0, sim.producers[j].spec.listing_cap - sim.producers[j].n_listed);
    else if (sim.producers[j].spec.listing_cap < 0)
      room[j] = 0;  // stopped taking new clients (event stop_listing)

  std::vector<LocalMove> local_moves;  // applied at the end, all at once
  const auto accept = [&](std::size_t k, std::uint16_t j) {
    if (const auto local = count_switch(sim, movers[k], j, movers[k].reason)) local_moves.push_back(*local);
  };
  std::vector<bool> placed(movers.size(), false);
  std::vector<std::size_t> pending(movers.size());
  for (std::size_t k = 0; k < movers.size(); ++k) pending[k] = k;
  for (std::size_t round = 0; round < SwitchRequest::kMaxOptions && !pending.empty(); ++round) {
    std::map<std::uint16_t, std::vector<std::pair<std::uint32_t, std::size_t>>> applicants;
    std::vector<std::size_t> next;
    for (const std::size_t k : pending) {
      const SwitchRequest& m = movers[k];
      if (round >= m.n_options) continue;
      const std::uint16_t j = m.options[round];
      if (room[j] < 0) {
        accept(k, j);
        placed[k] = true;
      } else {
        const auto priority =
            sim.rng.bits(Stream::listing_cap, m.resident, static_cast<std::uint32_t>(sim.t))[0];
        applicants[j].emplace_back(priority, k);
      }
    }
    for (auto& [j, list] : applicants) {
      std::sort(list.begin(), list.end());
      for (const auto& [priority, k] : list) {
        if (room[j] > 0) {
          --room[j];
          accept(k, j);
          placed[k] = true;
        } else {
          next.push_back(k);
        }
      }
    }
    std::sort(next.begin(), next.end());
    pending = std::move(next);
  }
  move_residents(sim, local_moves);
  std::vector<SwitchRequest> unplaced;
  for (std::size_t k = 0; k < movers.size(); ++k)
    if (!placed[k]) unplaced.push_back(movers[k]);
  return unplaced;
}

}  // namespace

void apply_switches(Simulation& sim, std::vector<SwitchRequest> requests) { resolve_switches(sim, requests); }

SwitchRequest switch_request(const Simulation& sim, std::size_t i, SwitchReason reason) {
  const Residents& r = sim.residents;
  SwitchRequest request;
  request.resident = r.global(i);
  request.from = r.listed[i];
  request.zone = r.zone[i];
  request.home = r.home[i];
  request.reason = reason;
  request.age_band = static_cast<std::uint8_t>(age_band_of(r.age[i]));
  request.income_decile = r.income_decile[i];
  request.risk_cell = static_cast<std::uint8_t>(risk_cell(r, i, r.need[i]));
  return request;
}

namespace {

// The nearest open public station to a point, preferring the given zone; -1 if none is open.
int nearest_public(const Simulation& sim, double lat, double lon, int zone, std::size_t except) {
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

void open_producer(Simulation& sim, std::size_t j, ProducerEvent kind, const std::string& why) {
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
  sim.flows.producer_event[j] = static_cast<std::uint8_t>(kind);
  for (Zone& zone : sim.zones) {
    if (std::find(zone.candidates.begin(), zone.candidates.end(), j) == zone.candidates.end()) continue;
    zone.extra_review += sim.scenario.choice.entry_nudge_share;
    zone.extra_reason = SwitchReason::entry_nudge;
  }
  const std::string date = format_iso_date(sim.scenario.start_day +
                                           static_cast<std::int64_t>(sim.t) * sim.scenario.time.step_days);
  sim.event_log.push_back(fmt::format("{} step {}: {} {} ({}; {:.0f} visits/week)", date, sim.t, p.spec.name,
                                      kProducerEventNames[static_cast<int>(kind)], why, p.capacity_per_week));
}

ClosureBatch closure_batch(const Simulation& sim, const std::vector<std::size_t>& closing) {
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

void close_producer(Simulation& sim, std::size_t j, ProducerEvent kind, const std::string& why,
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
        {
          count_away(sim, i, -1);
          r.home[i] = static_cast<std::uint16_t>(home);
          count_away(sim, i, +1);
        }
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
  std::vector<LocalMove> home_moves;
  for (const SwitchRequest& m : resolve_switches(sim, requests))
    if (m.home != j)
      if (const auto local = count_switch(sim, m, m.home, SwitchReason::closure))
        home_moves.push_back(*local);
  move_residents(sim, home_moves);
  // Residents sent to a producer that closes later in the batch concern that closure too.
  if (batch)
    for (const std::size_t i : concerned)
      for (const std::uint16_t k :
           {r.listed[i], r.home[i], r.open_since[i] >= 0 ? r.open_producer[i] : r.listed[i]})
        if (batch->pending[k]) batch->concerned[k].push_back(i);

  const std::string date = format_iso_date(sim.scenario.start_day +
                                           static_cast<std::int64_t>(sim.t) * sim.scenario.time.step_days);
  sim.event_log.push_back(fmt::format("{} step {}: {} {} ({}); {} listed residents chose again", date, sim.t,
                                      p.spec.name, kProducerEventNames[static_cast<int>(kind)], why,
                                      listed_before));
}

void assign_nearest(Simulation& sim) {
  const Residents& r = sim.residents;
  const ChoiceParams& c = sim.scenario.choice;
  std::vector<SwitchRequest> requests;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (!(r.flags[i] & Residents::kEligible)) continue;
    double best = 1e300;
    std::uint16_t nearest = r.listed[i];
    const Place from = place(r.lat[i], r.lon[i]);
    for (const std::uint16_t j : sim.zones[r.zone[i]].candidates) {
      const Producer& p = sim.producers[j];
      if (!p.active) continue;  // not open yet (scheduled opening, market entrant's slot) or closed
      if (!sim.zones[p.zone].in_pilot) continue;  // only the pilot area's producers are assigned
      const double minutes = travel_minutes(c, from, p.place);
      if (minutes < best) {
        best = minutes;
        nearest = j;
      }
    }
    if (nearest == r.listed[i]) continue;
    requests.push_back(switch_request(sim, i, SwitchReason::assignment));
    requests.back().add(nearest);
  }
  apply_switches(sim, std::move(requests));
}

}  // namespace valinta

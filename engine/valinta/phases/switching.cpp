#include "valinta/phases/switching.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <stdexcept>

#include "valinta/model/state.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/phases/travel.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

namespace {

// Adds `sign` to the away-from-home count of a resident of `zone` listed at `listed`, if that is
// not their home station.
void count_away(State& sim, std::uint16_t zone, std::uint16_t listed, std::uint16_t home, int sign) {
  if (listed == home) return;
  sim.away_from_home[static_cast<std::size_t>(zone) * kSectors +
                     static_cast<std::size_t>(sim.producers[listed].sector)] += sign;
}
// The same for local resident i as they are now.
void count_away(State& sim, std::size_t i, int sign) {
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
std::optional<LocalMove> count_switch(State& sim, const SwitchRequest& m, std::uint16_t to,
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
  if (own_choice(reason)) ++f.own_switches_by_zone[m.zone];
  const auto chosen = static_cast<std::size_t>(sim.producers[to].sector);
  ++f.switches_by_sector_pair[static_cast<std::size_t>(sim.producers[m.from].sector)][chosen];
  ++f.switches_by_age_band_sector[m.age_band][chosen];
  const Residents& r = sim.residents;
  if (m.resident < r.offset || m.resident - r.offset >= r.size())
    return std::nullopt;  // held by another rank
  return LocalMove{m.resident - r.offset, m.from, to, m.zone, m.home, m.risk_cell, reason};
}

// Moves local residents (each at most once): their rows, the capitation risk cells and the
// away-from-home counts. A step's movers are scattered over the population, so their cache misses
// are shared out among the threads: each thread writes the rows of its share of the moves, then
// the counts of its share of the producers and zones (integers, so the result is the same).
void move_residents(State& sim, const std::vector<LocalMove>& moves) {
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
std::vector<SwitchRequest> resolve_switches(State& sim, const std::vector<SwitchRequest>& local) {
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

void apply_switches(State& sim, std::vector<SwitchRequest> requests) { resolve_switches(sim, requests); }

std::vector<SwitchRequest> apply_switches_returning_unplaced(State& sim,
                                                             std::vector<SwitchRequest> requests) {
  return resolve_switches(sim, requests);
}

void send_home(State& sim, const std::vector<SwitchRequest>& unplaced, std::size_t except,
               SwitchReason reason) {
  std::vector<LocalMove> moves;
  for (const SwitchRequest& m : unplaced)
    if (m.home != except)
      if (const auto local = count_switch(sim, m, m.home, reason)) moves.push_back(*local);
  move_residents(sim, moves);
}

void change_home(State& sim, std::size_t i, std::uint16_t home) {
  count_away(sim, i, -1);
  sim.residents.home[i] = home;
  count_away(sim, i, +1);
}

SwitchRequest switch_request(const State& sim, std::size_t i, SwitchReason reason) {
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

void assign_nearest(State& sim) {
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

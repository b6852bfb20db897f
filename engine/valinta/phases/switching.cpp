#include "valinta/phases/switching.hpp"

#include <algorithm>
#include <map>

#include "valinta/model/simulation.hpp"
#include "valinta/phases/choice.hpp"

namespace valinta {

namespace {

void record_switch(Simulation& sim, std::uint32_t i, std::uint16_t to, SwitchReason reason) {
  Residents& r = sim.residents;
  StepFlows& f = sim.flows;
  const std::uint16_t from = r.listed[i];
  --sim.producers[from].n_listed;
  ++sim.producers[to].n_listed;
  ++f.switches_out[from];
  ++f.switches_in[to];
  ++f.switches_by_reason[static_cast<int>(reason)];
  ++f.switches_by_age_band[age_band_of(r.age[i])];
  ++f.switches_by_income_decile[r.income_decile[i] - 1];
  ++f.switches_by_zone[r.zone[i]];
  r.listed[i] = to;
  if (reason == SwitchReason::assignment) return;  // not the resident's own choice: no lock-in
  r.listed_since[i] = static_cast<std::int16_t>(sim.t);
  if (r.switches[i] < 255) ++r.switches[i];
  if (r.switches_this_year[i] < 255) ++r.switches_this_year[i];
}

}  // namespace

void apply_switches(Simulation& sim, std::vector<SwitchRequest> requests) {
  std::sort(requests.begin(), requests.end(),
            [](const SwitchRequest& a, const SwitchRequest& b) { return a.resident < b.resident; });
  // Room on capped lists as of the start of the phase.
  std::vector<std::int64_t> room(sim.producers.size(), -1);
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    if (sim.producers[j].spec.listing_cap > 0)
      room[j] = std::max<std::int64_t>(0, sim.producers[j].spec.listing_cap - sim.producers[j].n_listed);

  std::vector<std::size_t> pending(requests.size());
  for (std::size_t k = 0; k < requests.size(); ++k) pending[k] = k;
  for (std::size_t round = 0; round < SwitchRequest::kMaxOptions && !pending.empty(); ++round) {
    std::map<std::uint16_t, std::vector<std::pair<std::uint32_t, std::size_t>>> applicants;
    std::vector<std::size_t> next;
    for (const std::size_t k : pending) {
      const SwitchRequest& req = requests[k];
      if (round >= req.options.size()) continue;
      const std::uint16_t j = req.options[round];
      if (room[j] < 0) {
        record_switch(sim, req.resident, j, req.reason);
      } else {
        const auto priority = sim.rng.bits(Stream::listing_cap, req.resident, static_cast<std::uint32_t>(sim.t))[0];
        applicants[j].emplace_back(priority, k);
      }
    }
    for (auto& [j, list] : applicants) {
      std::sort(list.begin(), list.end());
      for (const auto& [priority, k] : list) {
        if (room[j] > 0) {
          --room[j];
          record_switch(sim, requests[k].resident, j, requests[k].reason);
        } else {
          next.push_back(k);
        }
      }
    }
    std::sort(next.begin(), next.end());
    pending = std::move(next);
  }
}

void assign_nearest(Simulation& sim) {
  const Residents& r = sim.residents;
  const ChoiceParams& c = sim.scenario.choice;
  std::vector<SwitchRequest> requests;
  for (std::uint32_t i = 0; i < r.size(); ++i) {
    if (!(r.flags[i] & Residents::kEligible)) continue;
    double best = 1e300;
    std::uint16_t nearest = r.listed[i];
    for (const std::uint16_t j : sim.zones[r.zone[i]].candidates) {
      const Producer& p = sim.producers[j];
      const double minutes = travel_minutes(c, r.lat[i], r.lon[i], p.lat, p.lon);
      if (minutes < best) {
        best = minutes;
        nearest = j;
      }
    }
    if (nearest != r.listed[i]) requests.push_back({i, SwitchReason::assignment, {nearest}});
  }
  apply_switches(sim, std::move(requests));
}

}  // namespace valinta

#pragma once
// Applying switches: listing caps, counters and the reason for every switch (part of M5).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/model/types.hpp"

namespace valinta {

struct State;

// A resident's request to move, with what resolving it needs to know of them, read where the
// request is made (in the resident phases' parallel loops, where their rows are in cache; every
// rank resolves every rank's requests, and a step's few thousand scattered residents would
// otherwise cost a cache miss per column each, on one thread). Fixed size: gathered as bytes.
struct SwitchRequest {
  static constexpr std::size_t kMaxOptions = 4;
  std::uint32_t resident = 0;  // global number (Residents::global); held by the rank that asks
  std::uint16_t from = 0;      // listed at, as the request is made
  std::uint16_t zone = 0;
  std::uint16_t home = 0;
  SwitchReason reason = SwitchReason::review;
  std::uint8_t age_band = 0;
  std::uint8_t income_decile = 0;
  std::uint8_t risk_cell = 0;  // capitation risk cell (payment.hpp), at their need level
  std::uint8_t n_options = 0;
  std::array<std::uint16_t, kMaxOptions>
      options{};  // preferred producers, best first, all better than `from`

  bool full() const { return n_options == kMaxOptions; }
  void add(std::uint16_t producer) { options[n_options++] = producer; }
};

// Local resident i's request (no options yet).
SwitchRequest switch_request(const State& sim, std::size_t i, SwitchReason reason);

// Applies the requests in resident order. A producer with a listing cap accepts applicants in
// a random priority order until full; the others try their next option. Collective: each rank
// passes the requests of its own residents; all of them are gathered and resolved alike on every
// rank, so producers' lists and the step's switch counts stay replicated, and each rank moves
// its own residents.
void apply_switches(State& sim, std::vector<SwitchRequest> requests);
// The same, returning the requests whose every option was full (in resident order).
std::vector<SwitchRequest> apply_switches_returning_unplaced(State& sim, std::vector<SwitchRequest> requests);
// Lists each of `unplaced` at their home station, unless that is producer `except` (collective,
// like apply_switches).
void send_home(State& sim, const std::vector<SwitchRequest>& unplaced, std::size_t except,
               SwitchReason reason);
// Local resident i gets another home station (kept in the away-from-home counts). Not thread-safe.
void change_home(State& sim, std::size_t i, std::uint16_t home);

// Opt-out rules: list every eligible resident at the nearest open producer of the pilot area
// (reason: assignment). Collective (every rank calls it).
void assign_nearest(State& sim);

}  // namespace valinta

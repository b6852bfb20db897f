#pragma once
// Applying switches: listing caps, counters and the reason for every switch (part of M5).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/model/types.hpp"

namespace valinta {

class Simulation;

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
SwitchRequest switch_request(const Simulation& sim, std::size_t i, SwitchReason reason);

// Applies the requests in resident order. A producer with a listing cap accepts applicants in
// a random priority order until full; the others try their next option. Collective: each rank
// passes the requests of its own residents; all of them are gathered and resolved alike on every
// rank, so producers' lists and the step's switch counts stay replicated, and each rank moves
// its own residents.
void apply_switches(Simulation& sim, std::vector<SwitchRequest> requests);

// Opt-out rules: list every eligible resident at the nearest open producer of the pilot area
// (reason: assignment). Collective, as are the openings and closures below (every rank calls them).
void assign_nearest(Simulation& sim);

// A producer opens (scheduled or a market entrant): residents whose consideration set may hold
// it get a one-time nudge to review (reason entry_nudge).
void open_producer(Simulation& sim, std::size_t j, ProducerEvent kind, const std::string& why);
// The closures of several producers at once (the market's exits of a quarter): the local
// residents each closure concerns (listed there, home station there, or a contact waiting
// there), found in one pass over the population before the first of them closes. Each closure
// hands the residents it moves to the closures still to come.
struct ClosureBatch {
  std::vector<std::uint8_t> pending;                // per producer: in the batch, not closed yet
  std::vector<std::vector<std::size_t>> concerned;  // per producer of the batch, local residents
};
ClosureBatch closure_batch(const Simulation& sim, const std::vector<std::size_t>& closing);

// A producer closes (scheduled or market exit): its waiting contacts move to the nearest open
// public station; its listed residents choose again (reason closure) and anyone left without a
// choice goes to the nearest open public station of their zone. No resident is lost.
// With a batch that holds j, the residents come from the batch instead of a pass of their own.
void close_producer(Simulation& sim, std::size_t j, ProducerEvent kind, const std::string& why,
                    ClosureBatch* batch = nullptr);

}  // namespace valinta

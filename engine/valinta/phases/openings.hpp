#pragma once
// Producers opening and closing (part of M7): a producer that opens nudges residents near it to
// review; one that closes hands its list and its queue on, losing no resident and no contact.
// Collective: every rank calls them alike.
#include <cstddef>
#include <string>
#include <vector>

#include "valinta/model/types.hpp"

namespace valinta {

struct State;

// A producer opens (scheduled or a market entrant): residents whose consideration set may hold
// it get a one-time nudge to review (reason entry_nudge).
void open_producer(State& sim, std::size_t j, ProducerEvent kind, const std::string& why);
// The closures of several producers at once (the market's exits of a quarter): the local
// residents each closure concerns (listed there, home station there, or a contact waiting
// there), found in one pass over the population before the first of them closes. Each closure
// hands the residents it moves to the closures still to come.
struct ClosureBatch {
  std::vector<std::uint8_t> pending;                // per producer: in the batch, not closed yet
  std::vector<std::vector<std::size_t>> concerned;  // per producer of the batch, local residents
};
ClosureBatch closure_batch(const State& sim, const std::vector<std::size_t>& closing);

// A producer closes (scheduled or market exit): its waiting contacts move to the nearest open
// public station; its listed residents choose again (reason closure) and anyone left without a
// choice goes to the nearest open public station of their zone. No resident is lost.
// With a batch that holds j, the residents come from the batch instead of a pass of their own.
void close_producer(State& sim, std::size_t j, ProducerEvent kind, const std::string& why,
                    ClosureBatch* batch = nullptr);

}  // namespace valinta

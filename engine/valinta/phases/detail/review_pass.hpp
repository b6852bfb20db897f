#pragma once
// The choice phase's pass over the residents (docs/ODD.md 7.5): who reviews this step under the
// step's ReviewRule (phases/choice.hpp), and the ranking of each who does (rank_producers). Run
// fast: chunks of residents with one block of random words each, a screen on the draw that
// settles most residents without a look-up, prefetched rows, per-thread request lists.
#include <cstdint>
#include <vector>

#include "valinta/phases/choice.hpp"
#include "valinta/phases/switching.hpp"

namespace valinta {

struct State;

namespace kernels {

// The switch requests of this rank's residents who review and find a better producer, in
// resident order; `neighbours` holds each zone's neighbour_probability this step; `reviews` gets the
// number of this rank's residents who reviewed.
std::vector<SwitchRequest> review_pass(State& sim, const ReviewRule& rule,
                                       const std::vector<double>& neighbours, std::int64_t& reviews);

}  // namespace kernels

}  // namespace valinta

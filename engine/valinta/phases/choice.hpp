#pragma once
// M5 choice and switching: review hazard, lock-in, logit over a consideration set, caps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/model/params/choice.hpp"
#include "valinta/phases/travel.hpp"

namespace valinta {

struct State;
struct Zone;

// What a ranking needs of every producer, in compact columns worked out once for the many
// rankings of a phase (the producers' state as it is then).
struct ChoiceInputs {
  std::vector<double> fee;        // expected_fee
  std::vector<double> published;  // seen_utility of the published wait and quality
  std::vector<double> digital;    // digital services level
  std::vector<std::uint8_t> open, digital_first, is_private;
};
ChoiceInputs choice_inputs(const State& sim);

// Resident i's (a local index; see Residents::offset) candidate producers, best first, from one
// draw of the logit utilities of this step (inertia on or off). Producers outside the consideration set are
// left out. Only the best `limit` are returned (the start of the full ranking, found without sorting the
// rest); `inputs`, if given, holds choice_inputs(sim), worked out once by the caller.
std::vector<std::uint16_t> rank_producers(const State& sim, std::size_t i, bool with_inertia,
                                          std::size_t limit = SIZE_MAX, const ChoiceInputs* inputs = nullptr);
// expected_fee of every producer.
std::vector<double> expected_fees(const State& sim);

// The expected client fee of one visit at producer j (fees may differ by sector).
double expected_fee(const State& sim, std::size_t j);

void run_choice(State& sim);

}  // namespace valinta

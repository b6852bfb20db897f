#pragma once
// M5 choice and switching: review hazard, lock-in, logit over a consideration set, caps.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/params/choice.hpp"
#include "valinta/phases/travel.hpp"

namespace valinta {

struct Scenario;
struct State;
struct SwitchRequest;
struct Zone;

// The same of one zone's candidates (Zone::candidates), in their order, with the constant
// products of access_utility worked out: what the rankings of the zone's residents read.
struct ChoiceCandidates {
  std::vector<double> fee_term;      // b_fee x expected fee
  std::vector<double> digital_term;  // b_digital x digital services level
  std::vector<double> published;
  std::vector<std::uint8_t> open, digital_first, is_private;
};

// What a ranking needs of every producer, in compact columns worked out once for the many
// rankings of a phase (the producers' state as it is then).
struct ChoiceInputs {
  std::vector<double> fee;        // expected_fee
  std::vector<double> published;  // seen_utility of the published wait and quality
  std::vector<double> digital;    // digital services level
  std::vector<std::uint8_t> open, digital_first, is_private;
  std::vector<ChoiceCandidates> by_zone;  // [zone]
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

// The review rule of a step (M5), `since_start` steps into the pilot: an eligible resident past
// their lock-in (min_listing_months, in whole steps) and under the yearly cap reviews with
// probability 1 - exp(-h x step_years), h = base + dissatisfaction_per_year x max(0, -experience)
// + access_review_per_year while their own unmet-need window is open, per year, base =
// base_review_per_year + awareness_per_year x exp(-weeks since start / awareness_weeks), plus
// their zone's neighbour probability (neighbour_probability) and campaign or nudge share that
// step. Tabulated by [unmet window open][experience score (SD x 20) + 128]; bound_of >=
// p_hazard_of settles most draws without the exponential.
struct ReviewRule {
  double base = 0;
  double access = 0;
  int lock_in_steps = 0;
  std::int64_t max_switches_per_year = 0;
  std::array<double, 256> dissatisfaction_of{};
  std::array<std::array<double, 256>, 2> p_hazard_of{}, bound_of{};
};
ReviewRule review_rule(const Scenario& s, std::int64_t since_start);

// The probability this step that word of mouth prompts an eligible resident of a zone to review:
// 1 - exp(-neighbour_review_per_year x recent_switchers x step_years).
double neighbour_probability(const Scenario& s, double recent_switchers);
// A zone's recent_switchers after a step in which `own_switches` of its `eligible` residents chose
// another producer: the old value decays by exp(-step weeks / neighbour_memory_weeks).
double updated_recent_switchers(const Scenario& s, double recent_switchers, std::int64_t own_switches,
                                std::int64_t eligible);

// The switch requests of the minors of this rank's guardians who moved this step (`asked`: the
// residents who asked to switch, by local index, with where they were listed): each eligible minor
// not already there asks for their guardian's new producer, with reason household.
std::vector<SwitchRequest> household_requests(
    const State& sim, const std::vector<std::pair<std::uint32_t, std::uint16_t>>& asked);

void run_choice(State& sim);

}  // namespace valinta

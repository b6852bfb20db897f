#pragma once
// Building a run's initial state from its scenario (run/simulation.cpp calls these in order).
#include "valinta/model/state.hpp"

namespace valinta {

// Producers from the scenario (plus a public station at the centre of every zone that lacks
// one, if the rules say so), and each zone's candidate producers within reach.
void build_producers(State& sim);
// Builds zones' resident blocks and every resident's attributes, initial need level and home
// station (the nearest public station of their own zone). Producers must exist already.
void build_population(State& sim);
// Households (called by build_population): every minor is attached to the first adult after them
// in their zone's order aged population.guardian_min_age to guardian_max_age with room for
// another (at most max_minors_per_guardian); State::minors_of lists them, and with
// choice.minors_follow_guardian the minors carry Residents::kMinor. Deterministic per zone.
void attach_minors(State& sim);
// Capacity of producers declared `auto`: the expected weekly demand of their initial list.
void size_auto_capacity(State& sim);

}  // namespace valinta

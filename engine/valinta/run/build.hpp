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
// Capacity of producers declared `auto`: the expected weekly demand of their initial list.
void size_auto_capacity(State& sim);

}  // namespace valinta

#pragma once
// Phase 1, events: the scenario's timeline. Scheduled events (rule changes, producers opening
// and closing, capacity shocks, information campaigns, demand shocks, a producer that stops
// taking new clients) are applied at the start of the step they fall in, and every
// choice.publication_interval_days the organiser publishes producers' waits and quality.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/params/events.hpp"

namespace valinta {

struct State;

// Applies a rule_change event's settings to the running scenario.
void apply_rule_change(State& sim, const EventSpec& e);

void run_events(State& sim);

}  // namespace valinta

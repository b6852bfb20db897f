#pragma once
// Phase 1, events: the scenario's timeline. Scheduled events (rule changes, producers opening
// and closing, capacity shocks, information campaigns, demand shocks, a producer that stops
// taking new clients) are applied at the start of the step they fall in, and every
// choice.publication_interval_days the organiser publishes producers' waits and quality.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;

struct EventSpec {
  std::string date;
  std::string type;      // rule_change, open, close, capacity_shock, campaign, demand_shock, stop_listing
  std::string producer;  // open, close, capacity_shock, stop_listing
  std::string sector;    // capacity_shock: every producer of a sector instead
  std::vector<std::string> zones;  // campaign, demand_shock: where (empty: everywhere / the pilot)
  double factor = 1.0;             // capacity_shock, demand_shock: multiplier
  double weeks = 0;                // demand_shock: duration (0: permanent)
  double share = 0.1;              // campaign: extra share of residents who review
  std::vector<std::pair<std::string, std::string>> set;  // rule_change: dotted key -> YAML value
  std::int64_t step = 0;                                 // derived: the step it applies in
  std::string origin;                                    // file:line, for messages
};

void declare_event_fields(ParamRegistry& registry, EventSpec& e);

// Applies a rule_change event's settings to the running scenario.
void apply_rule_change(Simulation& sim, const EventSpec& e);

void run_events(Simulation& sim);

}  // namespace valinta

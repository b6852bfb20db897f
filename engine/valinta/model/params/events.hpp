#pragma once
// The parameters of the scenario's timeline (the `events:` list): their fields, and their declarations
// (meaning, unit, default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

// What an event does (docs/ODD.md 7.9).
enum class EventType : std::uint8_t {
  rule_change,
  open,
  close,
  capacity_shock,
  campaign,
  demand_shock,
  stop_listing
};
inline constexpr std::array<std::string_view, 7> kEventTypeNames = {
    "rule_change", "open", "close", "capacity_shock", "campaign", "demand_shock", "stop_listing"};

struct EventSpec {
  EventSpec();  // the declared defaults
  std::string date;
  EventType type{};
  std::string producer;            // open, close, capacity_shock, stop_listing
  std::string sector;              // capacity_shock: every producer of a sector instead
  std::vector<std::string> zones;  // campaign, demand_shock: where (empty: everywhere / the pilot)
  double factor{};                 // capacity_shock, demand_shock: multiplier
  double weeks{};                  // demand_shock: duration (0: permanent)
  double share{};                  // campaign: extra share of residents who review
  std::vector<std::pair<std::string, std::string>> set;  // rule_change: dotted key -> YAML value
  std::int64_t step = 0;                                 // derived: the step it applies in
  std::string origin;                                    // file:line, for messages
};

void declare_event_fields(ParamRegistry& registry, EventSpec& e);

}  // namespace valinta

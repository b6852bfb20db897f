#pragma once
// Structured parts of a scenario: the zone list (inline or CSV) and the producer list.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "valinta/model/scenario.hpp"
#include "valinta/scenario/yaml_values.hpp"

namespace valinta {

// `zones:` inline: a list of {name, population, lat, lon, spread_km?}.
void read_zone_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where);
// The municipal CSV (region,municipality,population_2020_12_31,lat,lon); errors name file:line.
void read_zones_csv(const std::filesystem::path& path, Scenario& scenario, Diagnostics& diagnostics);
// The same on the text of a zones file (`file` names it in messages): UTF-8 with or without a
// byte-order mark, LF or CRLF, RFC 4180 quoting; every cell checked (names UTF-8 without NUL,
// populations 0 to 10,000,000, positions on the globe).
void read_zones_csv_text(std::string_view text, const std::string& file, Scenario& scenario,
                         Diagnostics& diagnostics);
// `events:` scheduled events on the timeline (fields declared in phases/events.cpp).
void read_event_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where);
// Whether an event's `set` may change the parameter `key` during a run (rules, behaviour and
// module parameters may; what is read only when the run is set up may not).
bool settable_during_run(const std::string& key);
// `chains:` chains and organisations that may enter the market (phases/market.cpp).
void read_chain_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where);
// `producers:` a list of producer entries (fields declared in model/producers.cpp).
void read_producer_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where);

}  // namespace valinta

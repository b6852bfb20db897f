#include "valinta/scenario/validate.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>
#include <numeric>
#include <set>

namespace valinta {

namespace {

// The node of a dotted key, to point messages at it (the root when the key is absent).
YAML::Node node_at(const YAML::Node& root, const std::string& dotted) {
  YAML::Node node;
  node.reset(root);  // (assignment would overwrite the referenced node, not rebind)
  std::size_t start = 0;
  while (start <= dotted.size()) {
    const std::size_t dot = dotted.find('.', start);
    const std::string part = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!node.IsMap() || !node[part]) return root;
    const YAML::Node child = node[part];
    node.reset(child);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node;
}

void check_shares(const std::vector<double>& shares, const std::string& key,
                  const YAML::Node& root, const detail::Where& where) {
  const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
  if (std::abs(sum - 1.0) > 1e-6)
    where.error(node_at(root, key), key, fmt::format("shares must sum to 1 (got {:.6g})", sum));
}

}  // namespace

void validate_scenario(Scenario& s, const YAML::Node& root, const detail::Where& where) {
  // Time.
  parse_iso_date(s.time.start_date, s.start_day);
  std::int64_t pilot_start = s.start_day, pilot_end = 0;
  parse_iso_date(s.pilot.start_date, pilot_start);
  parse_iso_date(s.pilot.end_date, pilot_end);
  if (pilot_end < pilot_start)
    where.error(node_at(root, "pilot.end_date"), "pilot.end_date",
                fmt::format("must not be before pilot.start_date {} (got {})", s.pilot.start_date,
                            s.pilot.end_date));
  const auto step_of = [&](std::int64_t day) {
    const std::int64_t offset = day - s.start_day;
    return offset <= 0 ? 0 : (offset + s.time.step_days - 1) / s.time.step_days;
  };
  s.pilot_start_step = step_of(pilot_start);
  s.pilot_end_step = step_of(pilot_end + 1);
  const std::int64_t horizon_days = s.time.steps * s.time.step_days;
  if (pilot_start >= s.start_day + horizon_days)
    where.error(node_at(root, "pilot.start_date"), "pilot.start_date",
                fmt::format("is after the simulated horizon ({} to {}; got {})", s.time.start_date,
                            format_iso_date(s.start_day + horizon_days - 1), s.pilot.start_date));
  if (s.choice.min_listing_months * 30.44 > static_cast<double>(horizon_days) &&
      !s.pilot.zones.empty())
    where.error(node_at(root, "rules.min_listing_months"), "rules.min_listing_months",
                fmt::format("must not be longer than the whole run ({} days; got {} months): no "
                            "resident could switch a second time; shorten it or add time.steps",
                            horizon_days, s.choice.min_listing_months));

  // Shares and tables.
  check_shares(s.population.age_band_shares, "population.age_band_shares", root, where);

  // Zones: unique names, a population to simulate.
  std::map<std::string, std::size_t> zone_index;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < s.zones.size(); ++i) {
    if (!zone_index.emplace(s.zones[i].name, i).second)
      where.error(node_at(root, "zones"), "zones",
                  fmt::format("zone '{}' appears more than once", s.zones[i].name));
    total += static_cast<std::int64_t>(std::llround(static_cast<double>(s.zones[i].population) * s.population.scale));
  }
  if (s.zones.empty())
    where.error(root, "zones", "no zones: give population.zones_file or a zones list");
  else if (total == 0)
    where.error(node_at(root, "population"), "population", "the population is empty (every zone has 0 residents)");
  if (total > 60'000'000'000LL / 16)
    where.error(node_at(root, "population.scale"), "population.scale",
                fmt::format("{} residents is more than one machine can hold", total));

  auto zone_names = [&] {
    std::vector<std::string> names;
    for (const auto& z : s.zones) names.push_back(z.name);
    return names;
  };
  auto unknown_zone = [&](const YAML::Node& node, const std::string& key, const std::string& name) {
    const std::string guess = did_you_mean(name, zone_names());
    where.error(node, key,
                fmt::format("unknown zone '{}'{}", name,
                            guess.empty() ? "" : "; did you mean '" + guess + "'?"));
  };
  const YAML::Node pilot_zones = node_at(root, "pilot.zones");
  for (std::size_t i = 0; i < s.pilot.zones.size(); ++i)
    if (!s.zones.empty() && !zone_index.count(s.pilot.zones[i]))
      unknown_zone(pilot_zones.IsSequence() && i < pilot_zones.size() ? pilot_zones[i] : pilot_zones,
                   fmt::format("pilot.zones[{}]", i), s.pilot.zones[i]);

  // Producers: known zones and sectors, unique names, sensible fields.
  const YAML::Node producer_nodes = root["producers"];
  std::set<std::string> names;
  for (std::size_t i = 0; i < s.producers.size(); ++i) {
    const ProducerSpec& p = s.producers[i];
    const std::string key = fmt::format("producers[{}]", i);
    const YAML::Node node = producer_nodes && producer_nodes.IsSequence() && i < producer_nodes.size()
                                ? producer_nodes[i] : root;
    auto field = [&](const char* name) { return node.IsMap() && node[name] ? node[name] : node; };
    if (!names.insert(p.name).second)
      where.error(field("name"), key + ".name", fmt::format("producer '{}' appears more than once", p.name));
    if (!s.zones.empty() && !zone_index.count(p.zone)) unknown_zone(field("zone"), key + ".zone", p.zone);
    if (std::isnan(p.lat) != std::isnan(p.lon))
      where.error(node, key, "give both lat and lon, or neither (the zone centre is used)");
  }
  if (s.producers.size() + s.zones.size() > 65000)
    where.error(root, "producers", "at most 65,000 producers are supported");
}

}  // namespace valinta

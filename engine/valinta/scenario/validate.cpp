#include "valinta/scenario/validate.hpp"

#include <cmath>
#include <functional>
#include <fmt/format.h>
#include <map>
#include <numeric>
#include <algorithm>
#include <set>

namespace valinta {

namespace {

void check_shares(const std::vector<double>& shares, const std::string& key,
                  const std::function<void(const std::string&, const std::string&)>& error) {
  const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
  if (std::abs(sum - 1.0) > 1e-6) error(key, fmt::format("shares must sum to 1 (got {:.6g})", sum));
}

}  // namespace

void validate_scenario(Scenario& s, const detail::Origins& origins, const std::string& file,
                       Diagnostics& diagnostics) {
  const auto error = [&](const std::string& key, const std::string& message) {
    origins.error(diagnostics, file, key, message);
  };
  // Time.
  parse_iso_date(s.time.start_date, s.start_day);
  std::int64_t pilot_start = s.start_day, pilot_end = 0;
  parse_iso_date(s.pilot.start_date, pilot_start);
  parse_iso_date(s.pilot.end_date, pilot_end);
  if (pilot_end < pilot_start)
    error("pilot.end_date", fmt::format("must not be before pilot.start_date {} (got {})", s.pilot.start_date,
                            s.pilot.end_date));
  const auto step_of = [&](std::int64_t day) { return step_of_day(s, day); };
  s.pilot_start_step = step_of(pilot_start);
  s.pilot_end_step = step_of(pilot_end + 1);
  const std::int64_t horizon_days = s.time.steps * s.time.step_days;
  if (pilot_start >= s.start_day + horizon_days)
    error("pilot.start_date", fmt::format("is after the simulated horizon ({} to {}; got {})", s.time.start_date,
                            format_iso_date(s.start_day + horizon_days - 1), s.pilot.start_date));
  if (s.choice.min_listing_months * 30.44 > static_cast<double>(horizon_days) &&
      !s.pilot.zones.empty())
    error("rules.min_listing_months", fmt::format("must not be longer than the whole run ({} days; got {} months): no "
                            "resident could switch a second time; shorten it or add time.steps",
                            horizon_days, s.choice.min_listing_months));

  // Shares and tables.
  check_shares(s.population.age_band_shares, "population.age_band_shares", error);

  // Zones: unique names, a population to simulate.
  std::map<std::string, std::size_t> zone_index;
  std::int64_t total = 0;
  for (std::size_t i = 0; i < s.zones.size(); ++i) {
    if (!zone_index.emplace(s.zones[i].name, i).second)
      error("zones", fmt::format("zone '{}' appears more than once", s.zones[i].name));
    total += static_cast<std::int64_t>(std::llround(static_cast<double>(s.zones[i].population) * s.population.scale));
  }
  if (s.zones.empty())
    error("zones", "no zones: give population.zones_file or a zones list");
  else if (total == 0)
    error("population", "the population is empty (every zone has 0 residents)");
  if (total > 60'000'000'000LL / 16)
    error("population.scale", fmt::format("{} residents is more than one machine can hold", total));

  auto zone_names = [&] {
    std::vector<std::string> names;
    for (const auto& z : s.zones) names.push_back(z.name);
    return names;
  };
  auto unknown_zone = [&](const std::string& key, const std::string& name) {
    const std::string guess = did_you_mean(name, zone_names());
    error(key, fmt::format("unknown zone '{}'{}", name,
                            guess.empty() ? "" : "; did you mean '" + guess + "'?"));
  };
  for (std::size_t i = 0; i < s.pilot.zones.size(); ++i)
    if (!s.zones.empty() && !zone_index.count(s.pilot.zones[i]))
      unknown_zone(fmt::format("pilot.zones[{}]", i), s.pilot.zones[i]);

  // Producers: known zones and sectors, unique names, sensible fields.
  std::set<std::string> names;
  for (std::size_t i = 0; i < s.producers.size(); ++i) {
    const ProducerSpec& p = s.producers[i];
    const std::string key = fmt::format("producers[{}]", i);
    if (!names.insert(p.name).second)
      error(key + ".name", fmt::format("producer '{}' appears more than once", p.name));
    if (!s.zones.empty() && !zone_index.count(p.zone)) unknown_zone(key + ".zone", p.zone);
    if (std::isnan(p.lat) != std::isnan(p.lon))
      error(key, "give both lat and lon, or neither (the zone centre is used)");
  }
  // Producers' opening and closing dates.
  for (std::size_t i = 0; i < s.producers.size(); ++i) {
    const ProducerSpec& p = s.producers[i];
    std::int64_t opens = 0, closes = 0;
    if (!p.opens.empty() && !p.closes.empty() && parse_iso_date(p.opens, opens) &&
        parse_iso_date(p.closes, closes) && closes <= opens)
      error(fmt::format("producers[{}].closes", i), fmt::format("must be after opens ({}; got {})", p.opens, p.closes));
  }

  for (std::size_t i = 0; i < s.producers.size(); ++i)
    if (!s.producers[i].opens.empty() && s.producers[i].capacity_per_week < 0)
      error(fmt::format("producers[{}].capacity_per_week", i),
            "a producer that opens later has no initial list to size `auto` capacity from; give visits per week");
  if (std::ceil(s.needs.unmet_weeks * 7.0 / static_cast<double>(s.time.step_days)) > 255)
    error("needs.unmet_weeks", fmt::format("must be at most {} weeks with steps of {} days (got {})",
                                           255 * s.time.step_days / 7, s.time.step_days, s.needs.unmet_weeks));

  // Chains that may enter the market.
  std::set<std::string> chain_names;
  for (std::size_t i = 0; i < s.chains.size(); ++i)
    if (!chain_names.insert(s.chains[i].name).second)
      error(fmt::format("chains[{}].name", i), fmt::format("chain '{}' appears more than once", s.chains[i].name));
  if (s.market.enabled && s.chains.empty())
    error("market.enabled", "the market is on but no chains are given (a `chains:` list)");

  // Scheduled events: dates inside the horizon, references to known producers and zones.
  std::vector<std::string> producer_names;
  for (const auto& p : s.producers) producer_names.push_back(p.name);
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    EventSpec& e = s.events[i];
    const std::string key = fmt::format("events[{}]", i);
    std::int64_t day = 0;
    if (parse_iso_date(e.date, day)) {
      e.step = step_containing_day(s, day);
      if (day < s.start_day || day >= s.start_day + horizon_days)
        error(key + ".date", fmt::format("must be inside the simulated horizon ({} to {}; got {})", s.time.start_date,
                                         format_iso_date(s.start_day + horizon_days - 1), e.date));
    }
    const bool needs_producer = e.type == "open" || e.type == "close" || e.type == "stop_listing" ||
                                (e.type == "capacity_shock" && e.sector.empty());
    if (needs_producer && e.producer.empty())
      error(key + ".producer", "is required for a " + e.type + " event");
    if (!e.producer.empty() && std::find(producer_names.begin(), producer_names.end(), e.producer) == producer_names.end()) {
      const std::string guess = did_you_mean(e.producer, producer_names);
      error(key + ".producer", fmt::format("unknown producer '{}'{}", e.producer,
                                           guess.empty() ? "" : "; did you mean '" + guess + "'?"));
    }
    for (std::size_t z = 0; z < e.zones.size(); ++z)
      if (!s.zones.empty() && !zone_index.count(e.zones[z])) unknown_zone(fmt::format("{}.zones[{}]", key, z), e.zones[z]);
    if (e.type == "rule_change" && e.set.empty())
      error(key + ".set", "a rule_change needs `set: {parameter: value, ...}`");
  }

  if (s.producers.size() + s.zones.size() > 65000)
    error("producers", "at most 65,000 producers and zones are supported");
}

}  // namespace valinta

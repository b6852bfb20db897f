#include "valinta/input/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "valinta/model/service_package.hpp"

namespace valinta {

namespace {

void check_shares(const std::vector<double>& shares, const std::string& key,
                  const std::function<void(const std::string&, const std::string&)>& error) {
  const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
  if (std::abs(sum - 1.0) > 1e-6) error(key, fmt::format("shares must sum to 1 (got {:.6g})", sum));
}

// Residents' home stations are public stations: everyone not choosing is listed at theirs, a
// closing unit's queue goes to the nearest open one, and a resident whose home station closes
// gets the nearest open one. So at every step at least one public station must be open. A zone
// without a public station of its own (one listed from the start) gets one that never closes;
// when every zone lists its own, replays the listed stations' openings and closings (their dates
// and `open`/`close` events, in the order the events phase applies them) and reports the first
// closing that leaves none open.
void check_a_public_station_stays_open(
    const Scenario& s, const std::map<std::string, std::size_t>& zone_index,
    const std::function<void(const std::string&, const std::string&)>& error) {
  if (s.zones.empty()) return;
  std::vector<bool> has_station(s.zones.size(), false);
  for (const ProducerSpec& p : s.producers)
    if (const auto z = zone_index.find(p.zone);
        z != zone_index.end() && p.sector == Sector::public_sector && p.opens.empty())
      has_station[z->second] = true;
  if (s.producer_defaults.public_station_per_zone &&
      std::find(has_station.begin(), has_station.end(), false) != has_station.end())
    return;  // an automatic station stays open

  constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  const std::size_t P = s.producers.size();
  std::vector<bool> is_station(P, false), active(P, false);
  std::vector<std::int64_t> open_step(P, 0), close_step(P, kNever);
  std::set<std::int64_t> steps;  // the steps at which something opens or closes
  int n_open = 0;
  for (std::size_t j = 0; j < P; ++j) {
    const ProducerSpec& p = s.producers[j];
    if (p.sector != Sector::public_sector || !zone_index.count(p.zone)) continue;
    is_station[j] = true;
    std::int64_t day = 0;
    if (!p.opens.empty() && parse_iso_date(p.opens, day)) open_step[j] = step_containing_day(s, day);
    if (!p.closes.empty() && parse_iso_date(p.closes, day)) close_step[j] = step_containing_day(s, day);
    active[j] = open_step[j] <= 0;
    n_open += active[j] ? 1 : 0;
    if (open_step[j] > 0) steps.insert(open_step[j]);
    if (close_step[j] != kNever) steps.insert(close_step[j]);
  }
  std::vector<std::size_t> event_producer(s.events.size(), P);
  for (std::size_t k = 0; k < s.events.size(); ++k) {
    const EventSpec& e = s.events[k];
    std::int64_t day = 0;  // (an event outside the horizon is reported above)
    if ((e.type != EventType::open && e.type != EventType::close) || !parse_iso_date(e.date, day) ||
        day < s.start_day)
      continue;
    for (std::size_t j = 0; j < P; ++j)
      if (is_station[j] && s.producers[j].name == e.producer) {
        event_producer[k] = j;
        steps.insert(e.step);
        break;
      }
  }
  const auto closed = [&](std::size_t j, const std::string& key, const std::string& date) {
    active[j] = false;
    if (--n_open > 0) return false;
    const char* why = s.producer_defaults.public_station_per_zone
                          ? "every zone lists a public station of its own, so none is added for any zone"
                          : "producers_default.public_station_per_zone is off, so none is added";
    error(key, fmt::format("'{}' closing on {} leaves no public station open: residents would have no home "
                           "station ({}); keep one open, or open another before then",
                           s.producers[j].name, date, why));
    return true;
  };
  for (const std::int64_t t : steps) {
    if (t >= s.total_steps()) break;
    for (std::size_t j = 0; j < P; ++j) {
      if (!is_station[j]) continue;
      if (open_step[j] == t && t > 0 && !active[j]) {
        active[j] = true;
        ++n_open;
      }
      if (close_step[j] == t && active[j] &&
          closed(j, fmt::format("producers[{}].closes", j), s.producers[j].closes))
        return;
    }
    for (std::size_t k = 0; k < s.events.size(); ++k) {
      const std::size_t j = event_producer[k];
      if (j == P || s.events[k].step != t) continue;
      if (s.events[k].type == EventType::open && !active[j]) {
        active[j] = true;
        ++n_open;
      } else if (s.events[k].type == EventType::close && active[j] &&
                 closed(j, fmt::format("events[{}]", k), s.events[k].date)) {
        return;
      }
    }
  }
}

}  // namespace

void validate_scenario(Scenario& s, const detail::Origins& origins, const std::string& file,
                       Diagnostics& diagnostics) {
  const auto error = [&](const std::string& key, const std::string& message) {
    origins.error(diagnostics, file, key, message);
  };
  // Time.
  parse_iso_date(s.time.start_date, s.start_day);
  // Whole steps of warm-up (weeks may be given for any step length).
  if (std::isfinite(s.time.warm_up_weeks) && s.time.step_days > 0)
    s.warm_up_steps = static_cast<std::int64_t>(
        std::ceil(s.time.warm_up_weeks * 7.0 / static_cast<double>(s.time.step_days) - 1e-9));
  // Residents keep steps in 16 bits (listed_since, the arrival of a waiting contact).
  if (s.total_steps() > 32000)
    error("time.warm_up_weeks",
          fmt::format("the warm-up's {} steps and time.steps {} make {} steps; at most 32000 "
                      "steps can be simulated (shorten the warm-up or lengthen time.step_days)",
                      s.warm_up_steps, s.time.steps, s.total_steps()));
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
    error("pilot.start_date",
          fmt::format("is after the simulated horizon ({} to {}; got {})", s.time.start_date,
                      format_iso_date(s.start_day + horizon_days - 1), s.pilot.start_date));
  if (s.choice.min_listing_months * 30.44 > static_cast<double>(horizon_days) && !s.pilot.zones.empty())
    error("rules.min_listing_months",
          fmt::format("must not be longer than the whole run ({} days; got {} months): no "
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
    if (!s.zones[i].age_band_shares.empty())
      check_shares(s.zones[i].age_band_shares, fmt::format("zones[{}].age_band_shares", i), error);
    if (s.zones[i].region == kWholeArea)
      error(fmt::format("zones[{}].region", i),
            fmt::format("'{}' names the whole area in the service package; give the region another name "
                        "(or none)",
                        kWholeArea));
    total += static_cast<std::int64_t>(
        std::llround(static_cast<double>(s.zones[i].population) * s.population.scale));
  }
  // When the zones file's own rows were refused, its errors say why there are no zones.
  const std::filesystem::path zones_file_name = std::filesystem::path(s.population.zones_file).filename();
  const bool zones_file_refused =
      !s.population.zones_file.empty() &&
      std::any_of(diagnostics.list().begin(), diagnostics.list().end(), [&](const Diagnostic& d) {
        return std::filesystem::path(d.file).filename() == zones_file_name;
      });
  if (s.zones.empty()) {
    if (!zones_file_refused) error("zones", "no zones: give population.zones_file or a zones list");
  } else if (total == 0) {
    error("population", "the population is empty (every zone has 0 residents)");
  }
  if (total > 60'000'000'000LL / 16)
    error("population.scale", fmt::format("{} residents is more than one machine can hold", total));

  auto zone_names = [&] {
    std::vector<std::string> names;
    for (const auto& z : s.zones) names.push_back(z.name);
    return names;
  };
  auto unknown_zone = [&](const std::string& key, const std::string& name) {
    const std::string guess = did_you_mean(name, zone_names());
    error(key,
          fmt::format("unknown zone '{}'{}", name, guess.empty() ? "" : "; did you mean '" + guess + "'?"));
  };
  std::map<std::string, std::size_t> pilot_index;
  for (std::size_t i = 0; i < s.pilot.zones.size(); ++i) {
    const std::string key = fmt::format("pilot.zones[{}]", i);
    if (!s.zones.empty() && !zone_index.count(s.pilot.zones[i])) unknown_zone(key, s.pilot.zones[i]);
    const auto [first, fresh] = pilot_index.emplace(s.pilot.zones[i], i);
    if (fresh) continue;
    const detail::Origin* at = origins.find(fmt::format("pilot.zones[{}]", first->second));
    const std::string where =
        at != nullptr && at->line > 0 ? fmt::format(" ({}:{}:{})", at->file, at->line, at->column) : "";
    error(key,
          fmt::format(
              "zone '{}' is listed twice, at pilot.zones[{}]{} and at pilot.zones[{}]; list each zone once",
              s.pilot.zones[i], first->second, where, i));
  }

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
  // Producers' opening and closing dates. A closing date in the first step closes the unit as
  // the run starts, before any contact or choice: it would never be open.
  const std::int64_t second_step_day = s.start_day + s.time.step_days;
  const std::string first_step = s.time.step_days == 1
                                     ? s.time.start_date
                                     : s.time.start_date + " to " + format_iso_date(second_step_day - 1);
  for (std::size_t i = 0; i < s.producers.size(); ++i) {
    const ProducerSpec& p = s.producers[i];
    std::int64_t opens = 0, closes = 0;
    if (p.closes.empty() || !parse_iso_date(p.closes, closes)) continue;
    if (!p.opens.empty() && parse_iso_date(p.opens, opens) && closes <= opens)
      error(fmt::format("producers[{}].closes", i),
            fmt::format("must be after opens ({}; got {})", p.opens, p.closes));
    else if (closes < second_step_day)
      error(fmt::format("producers[{}].closes", i),
            fmt::format(
                "must be after the first step ({}): a producer closing by then is never open; the earliest "
                "closing date is {} (got {})",
                first_step, format_iso_date(second_step_day), p.closes));
  }

  for (std::size_t i = 0; i < s.producers.size(); ++i)
    if (!s.producers[i].opens.empty() && s.producers[i].capacity_per_week < 0)
      error(fmt::format("producers[{}].capacity_per_week", i),
            "a producer that opens later has no initial list to size `auto` capacity from; give visits per "
            "week");
  if (std::ceil(s.needs.unmet_weeks * 7.0 / static_cast<double>(s.time.step_days)) > 255)
    error("needs.unmet_weeks",
          fmt::format("must be at most {} weeks with steps of {} days (got {})", 255 * s.time.step_days / 7,
                      s.time.step_days, s.needs.unmet_weeks));

  // Chains that may enter the market.
  std::set<std::string> chain_names;
  for (std::size_t i = 0; i < s.chains.size(); ++i)
    if (!chain_names.insert(s.chains[i].name).second)
      error(fmt::format("chains[{}].name", i),
            fmt::format("chain '{}' appears more than once", s.chains[i].name));
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
        error(key + ".date",
              fmt::format("must be inside the simulated horizon ({} to {}; got {})", s.time.start_date,
                          format_iso_date(s.start_day + horizon_days - 1), e.date));
    }
    const bool needs_producer = e.type == EventType::open || e.type == EventType::close ||
                                e.type == EventType::stop_listing ||
                                (e.type == EventType::capacity_shock && e.sector.empty());
    if (needs_producer && e.producer.empty())
      error(key + ".producer",
            fmt::format("is required for a {} event", kEventTypeNames[static_cast<std::size_t>(e.type)]));
    if (!e.producer.empty() &&
        std::find(producer_names.begin(), producer_names.end(), e.producer) == producer_names.end()) {
      const std::string guess = did_you_mean(e.producer, producer_names);
      error(key + ".producer", fmt::format("unknown producer '{}'{}", e.producer,
                                           guess.empty() ? "" : "; did you mean '" + guess + "'?"));
    }
    for (std::size_t z = 0; z < e.zones.size(); ++z)
      if (!s.zones.empty() && !zone_index.count(e.zones[z]))
        unknown_zone(fmt::format("{}.zones[{}]", key, z), e.zones[z]);
    if (e.type == EventType::rule_change && e.set.empty())
      error(key + ".set", "a rule_change needs `set: {parameter: value, ...}`");
  }

  check_a_public_station_stays_open(s, zone_index, error);

  if (s.producers.size() + s.zones.size() > 65000)
    error("producers", "at most 65,000 producers and zones are supported");
}

}  // namespace valinta

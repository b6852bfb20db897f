#include "valinta/scenario/data_files.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <functional>
#include <set>

namespace valinta {

using detail::describe;

namespace {

// Walks one list entry against a registry of fields; unknown and duplicate keys are errors.
// `special(name, value)` may claim keys that are not plain fields (returns true if it did).
void read_record(const YAML::Node& item, const std::string& key, const ParamRegistry& fields,
                 const detail::Where& where, std::set<std::string>& present,
                 const std::function<bool(const std::string&, const YAML::Node&)>& special = {}) {
  std::vector<std::string> names;
  for (const auto& p : fields.params()) names.push_back(p.key);
  for (auto it = item.begin(); it != item.end(); ++it) {
    if (!it->first.IsScalar()) {
      where.error(it->first, key, "keys must be plain names");
      continue;
    }
    const std::string name = it->first.Scalar();
    const std::string full = key + "." + name;
    if (!present.insert(name).second) {
      where.error(it->first, full, "duplicate key (each key may appear once)");
      continue;
    }
    where.note(full, it->second);
    if (special && special(name, it->second)) continue;
    const Param* param = fields.find(name);
    if (param == nullptr) {
      const std::string guess = did_you_mean(name, names);
      std::string allowed;
      for (const auto& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
      where.error(it->first, full,
                  guess.empty() ? "unknown key (allowed here: " + allowed + ")"
                                : "unknown key; did you mean '" + guess + "'?");
      continue;
    }
    detail::assign_param(*param, it->second, full, where);
  }
}

struct ZoneFields {
  ZoneSpec zone;
  ParamRegistry registry;
  ZoneFields() { declare_zone_fields(registry, zone); }
};

}  // namespace

void declare_zone_fields(ParamRegistry& r, ZoneSpec& z) {
  r.text("name", z.name, "", {"zone name (a municipality or grid cell)", "", ""});
  r.integer("population", z.population, 0, between(0, 2e9), {"residents", "persons", ""});
  r.real("lat", z.lat, 0, between(-90, 90), {"centre latitude", "degrees", "WGS84"});
  r.real("lon", z.lon, 0, between(-180, 180), {"centre longitude", "degrees", "WGS84"});
  r.real_or_auto("spread_km", z.spread_km, above(0),
                 {"radius around the centre where residents live (auto: grows with the population, "
                  "see population.spread_km_*)", "km", ""});
}

void read_zone_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where) {
  if (!list.IsSequence()) {
    where.error(list, "zones", "must be a list of zones (got " + describe(list) + ")");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = fmt::format("zones[{}]", i);
    where.note(key, list[i]);
    if (!list[i].IsMap()) {
      where.error(list[i], key, "must be a mapping {name, population, lat, lon} (got " + describe(list[i]) + ")");
      continue;
    }
    ZoneFields fields;
    std::set<std::string> present;
    read_record(list[i], key, fields.registry, where, present);
    for (const char* required : {"name", "population", "lat", "lon"})
      if (!present.count(required))
        where.error(list[i], key + "." + required, "is required");
    scenario.zones.push_back(fields.zone);
  }
}

void read_zones_csv(const std::filesystem::path& path, Scenario& scenario,
                    Diagnostics& diagnostics) {
  const std::string file = path.string();
  // Not a device or a file larger than any zone table (at most 65,000 zones are supported):
  // reading /dev/zero or a huge file line by line would exhaust memory.
  constexpr std::uintmax_t kMaxZonesFileBytes = 64u << 20;
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    diagnostics.error(file, 0, 0, "population.zones_file", "the zones file is not a regular file");
    return;
  }
  if (const std::uintmax_t size = std::filesystem::file_size(path, ec); !ec && size > kMaxZonesFileBytes) {
    diagnostics.error(file, 0, 0, "population.zones_file",
                      fmt::format("the zones file is {:.0f} MiB; a zones file may be at most {} MiB",
                                  static_cast<double>(size) / (1 << 20), kMaxZonesFileBytes >> 20));
    return;
  }
  std::ifstream in(path);
  if (!in) {
    diagnostics.error(file, 0, 0, "population.zones_file", "cannot open the zones file");
    return;
  }
  std::string line;
  int line_no = 0;
  const std::string expected = "region,municipality,population_2020_12_31,lat,lon";
  std::size_t kept = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '#') continue;  // comments (e.g. the source of the data)
    if (!header_seen) {
      header_seen = true;
      if (line != expected)
        diagnostics.error(file, line_no, 1, "", "header must be '" + expected + "'");
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (std::size_t pos; (pos = line.find(',', start)) != std::string::npos; start = pos + 1)
      cells.push_back(line.substr(start, pos - start));
    cells.push_back(line.substr(start));
    if (cells.size() != 5) {
      diagnostics.error(file, line_no, 1, "", fmt::format("expected 5 fields, found {}", cells.size()));
      continue;
    }
    if (!scenario.population.region.empty() && cells[0] != scenario.population.region) continue;
    ZoneSpec z;
    z.name = cells[1];
    auto number = [&](const std::string& cell, int column, double lo, double hi, double& out) {
      const char* end = cell.data() + cell.size();
      auto r = std::from_chars(cell.data(), end, out);
      if (r.ec != std::errc() || r.ptr != end || !std::isfinite(out) || out < lo || out > hi) {
        diagnostics.error(file, line_no, column, "",
                          fmt::format("'{}' must be a number between {} and {}", cell, lo, hi));
        return false;
      }
      return true;
    };
    double population = 0;
    const int col_pop = static_cast<int>(cells[0].size() + cells[1].size() + 3);
    const int col_lat = col_pop + static_cast<int>(cells[2].size()) + 1;
    const int col_lon = col_lat + static_cast<int>(cells[3].size()) + 1;
    bool ok = number(cells[2], col_pop, 0, 2e9, population);
    ok = number(cells[3], col_lat, -90, 90, z.lat) && ok;
    ok = number(cells[4], col_lon, -180, 180, z.lon) && ok;
    if (ok && population != std::floor(population)) {
      diagnostics.error(file, line_no, col_pop, "", "population must be a whole number");
      ok = false;
    }
    if (z.name.empty()) {
      diagnostics.error(file, line_no, static_cast<int>(cells[0].size()) + 2, "", "municipality name is empty");
      ok = false;
    }
    z.population = static_cast<std::int64_t>(population);
    if (ok) {
      scenario.zones.push_back(z);
      ++kept;
    }
  }
  if (!header_seen) diagnostics.error(file, 0, 0, "population.zones_file", "the zones file is empty");
  else if (kept == 0 && diagnostics.empty())
    diagnostics.error(file, 0, 0, "population.region",
                      "no rows of region '" + scenario.population.region + "' in the zones file");
}

void read_producer_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where) {
  if (!list.IsSequence()) {
    where.error(list, "producers", "must be a list of producers (got " + describe(list) + ")");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = fmt::format("producers[{}]", i);
    where.note(key, list[i]);
    if (!list[i].IsMap()) {
      where.error(list[i], key, "must be a mapping of producer fields (got " + describe(list[i]) + ")");
      continue;
    }
    ProducerSpec spec;
    ParamRegistry fields;
    declare_producer_fields(fields, spec);
    std::set<std::string> present;
    read_record(list[i], key, fields, where, present);
    for (const char* required : {"name", "zone"})
      if (!present.count(required)) where.error(list[i], key + "." + required, "is required");
    const YAML::Mark m = list[i].Mark();
    spec.line = m.line + 1;
    spec.column = m.column + 1;
    scenario.producers.push_back(spec);
  }
}

void read_event_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where) {
  if (!list.IsSequence()) {
    where.error(list, "events", "must be a list of events (got " + describe(list) + ")");
    return;
  }
  // Rule changes are checked against the parameter declarations now, applied when due.
  Scenario scratch;
  ParamRegistry params;
  declare_scenario_params(params, scratch);
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = fmt::format("events[{}]", i);
    where.note(key, list[i]);
    if (!list[i].IsMap()) {
      where.error(list[i], key, "must be a mapping {date, type, ...} (got " + describe(list[i]) + ")");
      continue;
    }
    EventSpec event;
    ParamRegistry fields;
    declare_event_fields(fields, event);
    std::set<std::string> present;
    auto special = [&](const std::string& name, const YAML::Node& value) {
      if (name != "set") return false;
      if (!value.IsMap()) {
        where.error(value, key + ".set", "must be a mapping of parameter: value (got " + describe(value) + ")");
        return true;
      }
      for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string param_key = it->first.Scalar();
        const Param* param = params.find(param_key);
        // Settings read only when the run is set up (geography, queues, the population, risk
        // normalisation, the market's sites and pool) cannot change during it.
        for (const char* fixed : {"time.", "population.", "pilot.", "producers_default.", "seed", "name", "description",
                                  "service.capacity_ratio", "service.queue_max_weeks", "service.doctor_share",
                                  "choice.max_travel_min", "choice.travel_base_min", "choice.detour_factor",
                                  "choice.speed_kmh", "choice.word_of_mouth_noise_sd", "payment.risk_weight",
                                  "rules.risk_adjustment", "market.enabled", "market.min_zone_population",
                                  "workforce.free_share"})
          if (param != nullptr && param_key.rfind(fixed, 0) == 0) {
            where.error(it->first, key + ".set." + param_key,
                        "cannot change during a run (rules, behaviour and module parameters can)");
            param = nullptr;
            break;
          }
        if (param == nullptr && where.diagnostics.size() > 0 &&
            where.diagnostics.list().back().key == key + ".set." + param_key)
          continue;
        if (param == nullptr) {
          std::vector<std::string> keys;
          for (const auto& p : params.params()) keys.push_back(p.key);
          const std::string guess = did_you_mean(param_key, keys);
          where.error(it->first, key + ".set." + param_key,
                      "unknown parameter" + (guess.empty() ? "" : "; did you mean '" + guess + "'?"));
          continue;
        }
        detail::assign_param(*param, it->second, key + ".set." + param_key, where);
        YAML::Emitter out;
        out << YAML::Flow << it->second;
        event.set.emplace_back(param_key, out.c_str());
      }
      return true;
    };
    read_record(list[i], key, fields, where, present, special);
    for (const char* required : {"date", "type"})
      if (!present.count(required)) where.error(list[i], key + "." + required, "is required");
    const YAML::Mark m = list[i].Mark();
    event.origin = fmt::format("{}:{}", where.file, m.line + 1);
    scenario.events.push_back(std::move(event));
  }
}

void read_chain_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where) {
  if (!list.IsSequence()) {
    where.error(list, "chains", "must be a list of chains (got " + describe(list) + ")");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = fmt::format("chains[{}]", i);
    where.note(key, list[i]);
    if (!list[i].IsMap()) {
      where.error(list[i], key, "must be a mapping {name, sector, ...} (got " + describe(list[i]) + ")");
      continue;
    }
    ChainSpec chain;
    ParamRegistry fields;
    declare_chain_fields(fields, chain);
    std::set<std::string> present;
    read_record(list[i], key, fields, where, present);
    if (!present.count("name")) where.error(list[i], key + ".name", "is required");
    scenario.chains.push_back(chain);
  }
}

}  // namespace valinta

#include "valinta/scenario/data_files.hpp"

#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <set>

namespace valinta {

using detail::describe;

namespace {

// Walks one list entry against a registry of fields; unknown and duplicate keys are errors.
void read_record(const YAML::Node& item, const std::string& key, const ParamRegistry& fields,
                 const detail::Where& where, std::set<std::string>& present) {
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

}  // namespace valinta

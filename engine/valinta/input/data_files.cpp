#include "valinta/input/data_files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "valinta/input/csv_table.hpp"
#include "valinta/util/utf8.hpp"

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

void read_zone_list(const YAML::Node& list, Scenario& scenario, const detail::Where& where) {
  if (!list.IsSequence()) {
    where.error(list, "zones", "must be a list of zones (got " + describe(list) + ")");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string key = fmt::format("zones[{}]", i);
    where.note(key, list[i]);
    if (!list[i].IsMap()) {
      where.error(list[i], key,
                  "must be a mapping {name, population, lat, lon} (got " + describe(list[i]) + ")");
      continue;
    }
    ZoneFields fields;
    std::set<std::string> present;
    read_record(list[i], key, fields.registry, where, present);
    for (const char* required : {"name", "population", "lat", "lon"})
      if (!present.count(required)) where.error(list[i], key + "." + required, "is required");
    scenario.zones.push_back(fields.zone);
  }
}

namespace {

// More residents than any municipality has (the largest Finnish one has under 700,000): a row
// beyond this is a shifted column or numbers run together, not a place to simulate.
constexpr double kMaxZonePopulation = 10'000'000;
// The most residents one run can hold, after population.scale (checked for the whole scenario
// in validate.cpp; residents are numbered with 32-bit integers).
constexpr std::int64_t kMaxResidents = 60'000'000'000LL / 16;

constexpr const char* kZonesHeaderRule =
    "the header must name the columns municipality, population_2020_12_31, lat and lon (it may also "
    "name region or maakunta, hyvinvointialue and code; other columns are ignored)";

}  // namespace

void read_zones_csv_text(std::string_view text, const std::string& file, Scenario& scenario,
                         Diagnostics& diagnostics) {
  CsvTable table = parse_csv(std::string(text), file, kZonesHeaderRule, diagnostics);
  if (table.header_line == 0) {
    if (!table.stopped) diagnostics.error(file, 0, 0, "population.zones_file", "the zones file is empty");
    return;
  }
  const auto name_col = table.column("municipality"), population_col = table.column("population_2020_12_31"),
             lat_col = table.column("lat"), lon_col = table.column("lon"), code_col = table.column("code");
  auto region_col = table.column("region");
  if (!region_col) region_col = table.column("maakunta");
  // The region a zone is reported under in the service package: its wellbeing services county
  // where the file names one, else the region it is selected by.
  const auto county_col = table.column("hyvinvointialue");
  const auto reported_col = county_col ? county_col : region_col;
  if (!name_col || !population_col || !lat_col || !lon_col) {
    std::string got;
    for (const std::string& h : table.header) got += (got.empty() ? "" : ",") + h;
    table.error(diagnostics, table.header_line, 1,
                std::string(kZonesHeaderRule) + " (got " + shown(got) + ")");
    return;
  }
  const std::string& region = scenario.population.region;
  if (!region.empty() && !region_col) {
    table.error(diagnostics, table.header_line, 1,
                "population.region is set, so the header must name a region (or maakunta) column");
    return;
  }

  // The total the rows add to, after population.scale and with any zones given inline.
  const double scale = std::isfinite(scenario.population.scale) ? scenario.population.scale : 1.0;
  const auto residents = [&](double population) {
    return static_cast<std::int64_t>(std::llround(population * scale));
  };
  std::int64_t total = 0;
  for (const ZoneSpec& z : scenario.zones) total += residents(static_cast<double>(z.population));
  bool too_many = false;
  std::size_t kept = 0;
  for (const CsvRow& row : table.rows) {
    if (table.stopped) break;
    // Names end up in the results file, which stores text as UTF-8.
    bool ok = true;
    for (const auto& [col, what] : {std::pair{region_col, "region"}, std::pair{county_col, "hyvinvointialue"},
                                    std::pair{name_col, "municipality"}, std::pair{code_col, "code"}}) {
      if (!col) continue;
      const CsvCell& cell = row.cells[*col];
      if (cell.text.find_first_of("\r\n") != std::string::npos) {
        table.error(
            diagnostics, cell.line, cell.column,
            fmt::format("the {} name {} holds a line break; names are one line of text (a quoted cell "
                        "may hold line breaks, but not in this column)",
                        what, shown(cell.text)));
        ok = false;
        continue;
      }
      const std::string_view raw = table.raw(cell);
      const std::size_t bad = first_bad_utf8(raw);
      if (bad == std::string_view::npos) continue;
      const auto byte = static_cast<unsigned char>(raw[bad]);
      const std::size_t offset = first_bad_utf8(cell.text);
      table.error(
          diagnostics, cell.line, cell.column + static_cast<int>(bad),
          fmt::format(
              "the {} name has {} at byte offset {} (offset {} in the file); names must be UTF-8 text "
              "without NUL bytes (a file saved as Latin-1 or Windows-1252 must be saved as UTF-8)",
              what,
              byte == 0 ? std::string("a NUL byte") : fmt::format("byte 0x{:02x}, which is not UTF-8,", byte),
              offset, cell.offset + bad));
      ok = false;
    }
    if (!region.empty() && row.cells[*region_col].text != region) continue;
    ZoneSpec z;
    z.name = row.cells[*name_col].text;
    if (code_col) z.code = row.cells[*code_col].text;
    if (reported_col) z.region = row.cells[*reported_col].text;
    double population = 0;
    const CsvCell& pop_cell = row.cells[*population_col];
    const bool counted = csv_number(table, diagnostics, pop_cell, 0, std::numeric_limits<double>::max(),
                                    population, kMaxZonePopulation);
    ok = csv_number(table, diagnostics, row.cells[*lat_col], -90, 90, z.lat, 90) && ok;
    ok = csv_number(table, diagnostics, row.cells[*lon_col], -180, 180, z.lon, 180) && ok;
    if (counted && population != std::floor(population)) {
      table.error(diagnostics, pop_cell.line, pop_cell.column, "population must be a whole number");
      ok = false;
    } else if (counted && population > kMaxZonePopulation) {
      table.error(
          diagnostics, pop_cell.line, pop_cell.column,
          fmt::format(
              "a population of {:.0f} is more than any municipality has: at most {:.0f} residents per "
              "row (is a column shifted, or are two numbers run together?)",
              population, kMaxZonePopulation));
      ok = false;
    }
    ok = ok && counted;
    if (z.name.empty()) {
      table.error(diagnostics, row.cells[*name_col].line, row.cells[*name_col].column,
                  "municipality name is empty");
      ok = false;
    }
    if (!ok || too_many) continue;
    z.population = static_cast<std::int64_t>(population);
    total += residents(population);
    if (total > kMaxResidents) {
      // The rows from here on are checked but not kept: the scenario is refused here, not again
      // for its total.
      table.error(
          diagnostics, pop_cell.line, pop_cell.column,
          scale == 1.0
              ? fmt::format("the populations of the zones file add up to more than {} residents by this row, "
                            "more than one run can hold (at most {} in all)",
                            kMaxResidents, kMaxResidents)
              : fmt::format(
                    "the populations of the zones file times population.scale {} add up to more than {} "
                    "residents by this row, more than one run can hold (at most {} in all)",
                    scale, kMaxResidents, kMaxResidents));
      too_many = true;
      continue;
    }
    scenario.zones.push_back(z);
    ++kept;
  }
  if (kept == 0 && diagnostics.empty() && region.empty())
    diagnostics.error(file, 0, 0, "population.zones_file", "the zones file has a header but no rows");
  else if (kept == 0 && diagnostics.empty())
    diagnostics.error(file, 0, 0, "population.region",
                      "no rows of region '" + region + "' in the zones file");
}

void read_zones_csv(const std::filesystem::path& path, Scenario& scenario, Diagnostics& diagnostics) {
  if (auto text = read_data_file(path, "population.zones_file", "zones file", diagnostics))
    read_zones_csv_text(*text, path.string(), scenario, diagnostics);
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

bool settable_during_run(const std::string& key) {
  // Settings read only when the run is set up (geography, queues, the population, risk
  // normalisation, the market's sites and pool) cannot change during it.
  for (const char* fixed : {"time.",
                            "population.",
                            "pilot.",
                            "producers_default.",
                            "seed",
                            "name",
                            "description",
                            "service.capacity_ratio",
                            "service.queue_max_weeks",
                            "service.doctor_share",
                            "choice.max_travel_min",
                            "choice.travel_base_min",
                            "choice.detour_factor",
                            "choice.speed_kmh",
                            "choice.word_of_mouth_noise_sd",
                            "payment.risk_weight",
                            "rules.risk_adjustment",
                            "market.enabled",
                            "market.min_zone_population",
                            "workforce.free_share"})
    if (key.rfind(fixed, 0) == 0) return false;
  return true;
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
        where.error(value, key + ".set",
                    "must be a mapping of parameter: value (got " + describe(value) + ")");
        return true;
      }
      for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string param_key = it->first.Scalar();
        const Param* param = params.find(param_key);
        if (param != nullptr && !settable_during_run(param_key)) {
          where.error(it->first, key + ".set." + param_key,
                      "cannot change during a run (rules, behaviour and module parameters can)");
          param = nullptr;
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
    if (!event.sector.empty() &&
        std::find(kSectorNames.begin(), kSectorNames.end(), event.sector) == kSectorNames.end())
      where.error(list[i]["sector"], key + ".sector",
                  "must be public, private or third_sector (got '" + event.sector + "')");
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

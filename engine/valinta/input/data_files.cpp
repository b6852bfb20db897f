#include "valinta/input/data_files.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

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

constexpr std::string_view kZonesHeader = "region,municipality,population_2020_12_31,lat,lon";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Not a device or a file larger than any zone table (at most 65,000 zones are supported).
constexpr std::uintmax_t kMaxZonesFileBytes = 64u << 20;
// More residents than any municipality has (the largest Finnish one has under 700,000): a row
// beyond this is a shifted column or numbers run together, not a place to simulate.
constexpr double kMaxZonePopulation = 10'000'000;
// The most residents one run can hold, after population.scale (checked for the whole scenario
// in validate.cpp; residents are numbered with 32-bit integers).
constexpr std::int64_t kMaxResidents = 60'000'000'000LL / 16;
// A hostile file gets a bounded answer, not an error for each of millions of lines.
constexpr std::size_t kMaxZonesFileErrors = 100;

// One cell of a zones file: its value (quotes removed) and where it was written.
struct CsvCell {
  std::string text;
  std::string_view raw;  // as written, quotes included
  int column = 0;        // 1-based byte column of its first character
};

// `text` as shown in a message: quoted, at most 40 bytes, with control characters and bytes that
// are not UTF-8 written as \xNN.
std::string shown(std::string_view text) {
  constexpr std::size_t kShown = 40;
  std::string out = "'";
  std::size_t i = 0;
  while (i < text.size() && i < kShown) {
    const std::size_t bad = first_bad_utf8(text.substr(i, 4));
    const auto c = static_cast<unsigned char>(text[i]);
    if (bad == 0 || c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else {
      const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out + (i < text.size() ? "'..." : "'");
}

// Splits one line (without its line break) into cells as RFC 4180 does: a cell in double quotes
// may hold commas, and a quote written twice inside it stands for one quote; a quote inside an
// unquoted cell is kept as written. A quoted cell must close on its own line and be followed by a
// comma or the end of the line; otherwise the problem is returned (with its column) and `cells`
// is incomplete.
std::optional<std::pair<int, std::string>> split_csv_line(std::string_view line,
                                                          std::vector<CsvCell>& cells) {
  cells.clear();
  std::size_t pos = 0;
  while (true) {
    CsvCell cell;
    cell.column = static_cast<int>(pos) + 1;
    const std::size_t begin = pos;
    if (pos < line.size() && line[pos] == '"') {
      ++pos;
      while (true) {
        const std::size_t quote = line.find('"', pos);
        if (quote == std::string_view::npos)
          return std::pair{cell.column,
                           std::string("the quote that opens this cell is not closed on this line (a quoted "
                                       "cell ends with \" before the next comma; cells cannot span lines)")};
        cell.text.append(line.substr(pos, quote - pos));
        pos = quote + 1;
        if (pos < line.size() && line[pos] == '"') {
          cell.text += '"';
          ++pos;
          continue;
        }
        break;
      }
      if (pos < line.size() && line[pos] != ',')
        return std::pair{
            static_cast<int>(pos) + 1,
            std::string("text after the closing quote of a quoted cell (a comma or the end of the line "
                        "must follow it; a quote inside a quoted cell is written twice: \"\")")};
    } else {
      pos = std::min(line.find(',', pos), line.size());
      cell.text.assign(line.substr(begin, pos - begin));
    }
    cell.raw = line.substr(begin, pos - begin);
    cells.push_back(std::move(cell));
    if (pos >= line.size()) return std::nullopt;
    ++pos;  // the comma
  }
}

}  // namespace

void read_zones_csv_text(std::string_view text, const std::string& file, Scenario& scenario,
                         Diagnostics& diagnostics) {
  std::size_t reported = 0;
  bool stopped = false;
  const auto error = [&](int line, int column, const std::string& message) {
    if (stopped) return;
    if (reported == kMaxZonesFileErrors) {
      diagnostics.error(file, line, column, "",
                        fmt::format("stopped reading the zones file after {} errors", kMaxZonesFileErrors));
      stopped = true;
      return;
    }
    ++reported;
    diagnostics.error(file, line, column, "", message);
  };
  const std::string header_rule = "header must be '" + std::string(kZonesHeader) + "'";
  const char* const whole = text.data();  // byte offsets count from the start of the file
  if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom) text.remove_prefix(kUtf8Bom.size());

  // The total the rows add to, after population.scale and with any zones given inline.
  const double scale = std::isfinite(scenario.population.scale) ? scenario.population.scale : 1.0;
  const auto residents = [&](double population) {
    return static_cast<std::int64_t>(std::llround(population * scale));
  };
  std::int64_t total = 0;
  for (const ZoneSpec& z : scenario.zones) total += residents(static_cast<double>(z.population));
  bool too_many = false;

  int line_no = 0;
  std::size_t kept = 0;
  bool header_seen = false;
  std::vector<CsvCell> cells;
  for (std::size_t start = 0; start < text.size() && !stopped;) {
    const std::size_t newline = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, newline - start);
    start = newline + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line[0] == '#') continue;  // comments (e.g. the source of the data)
    if (!header_seen) {
      header_seen = true;
      const bool utf16 = line.substr(0, 2) == "\xFF\xFE" || line.substr(0, 2) == "\xFE\xFF";
      // The header's cells may be quoted like any others.
      std::string names;
      if (!split_csv_line(line, cells))
        for (const CsvCell& cell : cells) names += (names.empty() ? "" : ",") + cell.text;
      const bool matches = names == kZonesHeader && cells.size() == 5;
      if (utf16)
        error(line_no, 1, "the zones file is UTF-16 text; save it as UTF-8 (" + header_rule + ")");
      else if (!matches)
        error(line_no, 1, header_rule + " (got " + shown(line) + ")");
      continue;
    }
    if (line.empty()) continue;
    if (const auto problem = split_csv_line(line, cells)) {
      error(line_no, problem->first, problem->second);
      continue;
    }
    if (cells.size() != 5) {
      error(line_no, 1, fmt::format("expected 5 fields, found {}", cells.size()));
      continue;
    }
    // Names end up in the results file, which stores text as UTF-8.
    bool ok = true;
    for (int k = 0; k < 2; ++k) {
      const std::size_t bad = first_bad_utf8(cells[k].raw);
      if (bad == std::string_view::npos) continue;
      const auto byte = static_cast<unsigned char>(cells[k].raw[bad]);
      const std::size_t offset = first_bad_utf8(cells[k].text);
      error(
          line_no, cells[k].column + static_cast<int>(bad),
          fmt::format(
              "the {} name has {} at byte offset {} (offset {} in the file); names must be UTF-8 text "
              "without NUL bytes (a file saved as Latin-1 or Windows-1252 must be saved as UTF-8)",
              k == 0 ? "region" : "municipality",
              byte == 0 ? std::string("a NUL byte") : fmt::format("byte 0x{:02x}, which is not UTF-8,", byte),
              offset, static_cast<std::size_t>(cells[k].raw.data() - whole) + bad));
      ok = false;
    }
    if (!scenario.population.region.empty() && cells[0].text != scenario.population.region) continue;
    ZoneSpec z;
    z.name = cells[1].text;
    // A number from lo to hi; `allowed` is the upper end that messages state.
    auto number = [&](const CsvCell& cell, double lo, double hi, double& out, double allowed) {
      const char* end = cell.text.data() + cell.text.size();
      auto r = std::from_chars(cell.text.data(), end, out);
      if (r.ec != std::errc() || r.ptr != end || !std::isfinite(out) || out < lo || out > hi) {
        error(line_no, cell.column,
              fmt::format("{} must be a number between {} and {}", shown(cell.text), lo, allowed));
        return false;
      }
      return true;
    };
    double population = 0;
    const bool counted =
        number(cells[2], 0, std::numeric_limits<double>::max(), population, kMaxZonePopulation);
    ok = number(cells[3], -90, 90, z.lat, 90) && ok;
    ok = number(cells[4], -180, 180, z.lon, 180) && ok;
    if (counted && population != std::floor(population)) {
      error(line_no, cells[2].column, "population must be a whole number");
      ok = false;
    } else if (counted && population > kMaxZonePopulation) {
      error(line_no, cells[2].column,
            fmt::format(
                "a population of {:.0f} is more than any municipality has: at most {:.0f} residents per row "
                "(is a column shifted, or are two numbers run together?)",
                population, kMaxZonePopulation));
      ok = false;
    }
    ok = ok && counted;
    if (z.name.empty()) {
      error(line_no, cells[1].column, "municipality name is empty");
      ok = false;
    }
    if (!ok || too_many) continue;
    z.population = static_cast<std::int64_t>(population);
    total += residents(population);
    if (total > kMaxResidents) {
      // The rows from here on are checked but not kept: the scenario is refused here, not again
      // for its total.
      error(
          line_no, cells[2].column,
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
  if (!header_seen)
    diagnostics.error(file, 0, 0, "population.zones_file", "the zones file is empty");
  else if (kept == 0 && diagnostics.empty() && scenario.population.region.empty())
    diagnostics.error(file, 0, 0, "population.zones_file", "the zones file has a header but no rows");
  else if (kept == 0 && diagnostics.empty())
    diagnostics.error(file, 0, 0, "population.region",
                      "no rows of region '" + scenario.population.region + "' in the zones file");
}

void read_zones_csv(const std::filesystem::path& path, Scenario& scenario, Diagnostics& diagnostics) {
  const std::string file = path.string();
  // Reading /dev/zero or a huge file would exhaust memory.
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diagnostics.error(file, 0, 0, "population.zones_file", "cannot open the zones file");
    return;
  }
  std::string text;
  char chunk[1 << 16];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxZonesFileBytes) {  // grew while being read
      diagnostics.error(file, 0, 0, "population.zones_file",
                        fmt::format("the zones file is more than {} MiB; a zones file may be at most {} MiB",
                                    kMaxZonesFileBytes >> 20, kMaxZonesFileBytes >> 20));
      return;
    }
  }
  if (in.bad()) {
    diagnostics.error(file, 0, 0, "population.zones_file", "cannot read the zones file");
    return;
  }
  read_zones_csv_text(text, file, scenario, diagnostics);
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
        where.error(value, key + ".set",
                    "must be a mapping of parameter: value (got " + describe(value) + ")");
        return true;
      }
      for (auto it = value.begin(); it != value.end(); ++it) {
        const std::string param_key = it->first.Scalar();
        const Param* param = params.find(param_key);
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

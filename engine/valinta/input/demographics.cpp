#include "valinta/input/demographics.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "valinta/input/csv_table.hpp"

namespace valinta {

namespace {

// The age bands of the model (model/types.hpp) as columns of the age structure file.
constexpr std::array<const char*, kAgeBands> kAgeColumns = {
    "age_0_6", "age_7_17", "age_18_24", "age_25_44", "age_45_64", "age_65_74", "age_75_84", "age_85_plus"};

// Reads `table`'s rows by code and hands each zone its row: `apply(zone, row)` returns false when the
// row was refused (its errors already reported). Every zone that still needs the file's values
// (`needs(zone)`) must have a code and a row.
void join_by_code(CsvTable& table, const std::vector<std::string>& columns, const std::string& key,
                  Scenario& scenario, Diagnostics& diagnostics,
                  const std::function<bool(const ZoneSpec&)>& needs,
                  const std::function<bool(ZoneSpec&, const CsvRow&)>& apply) {
  if (table.header_line == 0) {
    if (!table.stopped) diagnostics.error(table.file, 0, 0, key, "the file is empty");
    return;
  }
  std::string missing;
  for (const std::string& c : columns)
    if (!table.column(c)) missing += (missing.empty() ? "" : ", ") + c;
  if (!table.column("code")) missing = "code" + (missing.empty() ? "" : ", " + missing);
  if (!missing.empty()) {
    std::string all;
    for (const std::string& c : columns) all += ", " + c;
    table.error(diagnostics, table.header_line, 1,
                "the header must name the columns code" + all + " (missing: " + missing + ")");
    return;
  }
  const std::size_t code_col = *table.column("code");
  std::map<std::string, const CsvRow*> by_code;
  for (const CsvRow& row : table.rows) {
    const CsvCell& code = row.cells[code_col];
    if (!by_code.emplace(code.text, &row).second)
      table.error(diagnostics, code.line, code.column,
                  "code " + shown(code.text) + " appears twice in this file");
  }
  for (ZoneSpec& zone : scenario.zones) {
    if (!needs(zone)) continue;
    if (zone.code.empty()) {
      diagnostics.error(table.file, 0, 0, key,
                        "zone '" + zone.name +
                            "' has no code, so this file cannot give its values (give the "
                            "zones file a code column, or the zone its code or values inline)");
      continue;
    }
    const auto row = by_code.find(zone.code);
    if (row == by_code.end()) {
      diagnostics.error(table.file, 0, 0, key,
                        "no row for zone '" + zone.name + "' (code " + shown(zone.code) + ") in this file");
      continue;
    }
    apply(zone, *row->second);
  }
}

std::vector<std::string> age_columns() {
  std::vector<std::string> columns = {"males", "females"};
  columns.insert(columns.end(), kAgeColumns.begin(), kAgeColumns.end());
  return columns;
}

// A whole count of people in a cell (at most ten million, as a municipality's population).
bool count_cell(CsvTable& table, Diagnostics& diagnostics, const CsvRow& row, std::size_t col, double& out) {
  const CsvCell& cell = row.cells[col];
  if (!csv_number(table, diagnostics, cell, 0, 1e7, out, 1e7)) return false;
  if (out != std::floor(out)) {
    table.error(diagnostics, cell.line, cell.column, shown(cell.text) + " must be a whole number of people");
    return false;
  }
  return true;
}

}  // namespace

void read_age_structure_text(std::string_view text, const std::string& file, Scenario& scenario,
                             Diagnostics& diagnostics) {
  const std::vector<std::string> columns = age_columns();
  CsvTable table =
      parse_csv(std::string(text), file,
                "the header must name the columns code, males, females and the age bands", diagnostics);
  join_by_code(
      table, columns, "population.age_structure_file", scenario, diagnostics,
      [](const ZoneSpec& z) { return z.age_band_shares.empty() || z.female_share < 0; },
      [&](ZoneSpec& zone, const CsvRow& row) {
        std::array<double, kAgeBands> bands{};
        double total = 0, males = 0, females = 0;
        bool ok = count_cell(table, diagnostics, row, *table.column("males"), males);
        ok = count_cell(table, diagnostics, row, *table.column("females"), females) && ok;
        for (int b = 0; b < kAgeBands; ++b) {
          ok = count_cell(table, diagnostics, row, *table.column(kAgeColumns[b]), bands[b]) && ok;
          total += bands[b];
        }
        if (!ok) return false;
        if (total <= 0 || males + females <= 0) {
          table.error(diagnostics, row.line, 1, "a municipality with no residents in its age bands or sexes");
          return false;
        }
        if (zone.age_band_shares.empty())
          for (const double n : bands) zone.age_band_shares.push_back(n / total);
        if (zone.female_share < 0) zone.female_share = females / (males + females);
        return true;
      });
}

void read_activity_text(std::string_view text, const std::string& file, Scenario& scenario,
                        Diagnostics& diagnostics) {
  CsvTable table = parse_csv(std::string(text), file,
                             "the header must name the columns code, population_2017_12_31, employed and "
                             "median_income_eur",
                             diagnostics);
  join_by_code(
      table, {"population_2017_12_31", "employed", "median_income_eur"}, "population.activity_file", scenario,
      diagnostics, [](const ZoneSpec& z) { return z.employed_share < 0 || z.median_income_eur < 0; },
      [&](ZoneSpec& zone, const CsvRow& row) {
        double population = 0, employed = 0, income = 0;
        bool ok = count_cell(table, diagnostics, row, *table.column("population_2017_12_31"), population);
        ok = count_cell(table, diagnostics, row, *table.column("employed"), employed) && ok;
        const CsvCell& income_cell = row.cells[*table.column("median_income_eur")];
        ok = csv_number(table, diagnostics, income_cell, 0, 1e7, income, 1e7) && ok;
        if (!ok) return false;
        if (population <= 0 || employed > population) {
          table.error(
              diagnostics, row.line, 1,
              fmt::format("{:.0f} employed of {:.0f} residents: the employed must be at most all residents, "
                          "and a municipality has residents",
                          employed, population));
          return false;
        }
        if (zone.employed_share < 0) zone.employed_share = employed / population;
        if (zone.median_income_eur < 0) zone.median_income_eur = income;
        return true;
      });
}

void read_age_structure_csv(const std::filesystem::path& path, Scenario& scenario, Diagnostics& diagnostics) {
  if (auto text = read_data_file(path, "population.age_structure_file", "age structure file", diagnostics))
    read_age_structure_text(*text, path.string(), scenario, diagnostics);
}

void read_activity_csv(const std::filesystem::path& path, Scenario& scenario, Diagnostics& diagnostics) {
  if (auto text = read_data_file(path, "population.activity_file", "activity file", diagnostics))
    read_activity_text(*text, path.string(), scenario, diagnostics);
}

}  // namespace valinta

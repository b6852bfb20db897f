// The municipal zones CSV (scenario/data_files.cpp, read_zones_csv): names that would end up in
// the results file must be UTF-8 text without NUL bytes; a UTF-8 byte-order mark is skipped;
// cells may be quoted as in RFC 4180 (commas, line breaks and doubled quotes inside quotes) and
// lines may end in CRLF; no row is dropped without an error; populations that no municipality has, or that
// add up to more residents than a run can hold, are reported at the CSV's file:line:col.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_support.hpp"
#include "valinta/input/loader.hpp"

namespace valinta::test {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

const std::string kHeader = "region,municipality,population_2020_12_31,lat,lon\n";
// A valid row, so that a file whose other row is refused still has a zone.
const std::string kGood = "Keski-Suomi,Hankasalmi,4782,62.39,26.43\n";

struct Loaded {
  std::optional<Scenario> scenario;  // when the scenario loaded
  std::vector<Diagnostic> errors;    // when it did not
  fs::path csv;                      // the zones file, as errors name it
};

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A scenario in a scratch directory whose zones file holds `csv` (bytes as given), loaded.
// `population` is added to the scenario's population: mapping (e.g. "region: Keski-Suomi").
Loaded load_with_csv(const std::string& name, const std::string& csv, const std::string& population = "") {
  const fs::path dir = fresh_dir("zones-csv-" + name);
  write_bytes(dir / "zones.csv", csv);
  std::string yaml =
      "name: zones-csv\n"
      "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
      "population:\n"
      "  zones_file: zones.csv\n";
  if (!population.empty()) yaml += "  " + population + "\n";
  write_bytes(dir / "scenario.yaml", yaml);
  Loaded loaded;
  loaded.csv = dir / "zones.csv";
  try {
    loaded.scenario = load_scenario(dir / "scenario.yaml");
  } catch (const ScenarioError& e) {
    loaded.errors = e.diagnostics().list();
  }
  return loaded;
}

std::string all_errors(const Loaded& loaded) {
  std::string out;
  for (const Diagnostic& d : loaded.errors) out += d.format() + "\n";
  return out;
}

// The only error of `loaded`: at the zones file's line:column, with every one of `words`.
void expect_csv_error(const Loaded& loaded, int line, int column, const std::vector<std::string>& words) {
  ASSERT_FALSE(loaded.scenario.has_value()) << "expected the zones file to be refused";
  ASSERT_EQ(loaded.errors.size(), 1u) << all_errors(loaded);
  const Diagnostic& d = loaded.errors[0];
  EXPECT_EQ(d.file, loaded.csv.string()) << d.format();
  EXPECT_EQ(d.line, line) << d.format();
  EXPECT_EQ(d.column, column) << d.format();
  for (const std::string& word : words)
    EXPECT_NE(d.message.find(word), std::string::npos) << "'" << word << "' missing: " << d.format();
}

std::vector<std::string> names_of(const Scenario& s) {
  std::vector<std::string> names;
  for (const ZoneSpec& z : s.zones) names.push_back(z.name);
  return names;
}

TEST(ZonesCsv, AFileWhoseEveryRowIsRefusedSaysWhyAndOnlyThat) {
  // The one row's error explains why there are no zones; "no zones" would only repeat it.
  expect_csv_error(load_with_csv("every-row-refused", kHeader + "Keski-Suomi,Jou\xfftsa,4297,61.74,26.11\n"),
                   2, 16, {"not UTF-8"});
}

// --- Names: UTF-8 text without NUL bytes ---

TEST(ZonesCsv, NameThatIsNotUtf8IsRefusedAtItsByte) {
  // Line 3; "Keski-Suomi,Jou" is 15 bytes, so the bad byte is in column 16.
  const Loaded loaded = load_with_csv("latin", kHeader +
                                                   "Keski-Suomi,Hankasalmi,4782,62.39,26.43\n"
                                                   "Keski-Suomi,Jou\xff\xfetsa,4297,61.74,26.11\n");
  expect_csv_error(loaded, 3, 16, {"municipality", "0xff", "offset 3", "UTF-8", "NUL"});
}

TEST(ZonesCsv, Latin1NameIsRefused) {
  // "Jämsä" saved as Latin-1: 0xe4 starts a three-byte sequence that 'm' does not continue.
  const Loaded loaded =
      load_with_csv("latin1", kHeader + kGood + "Keski-Suomi,J\xe4ms\xe4,20000,61.86,25.19\n");
  expect_csv_error(loaded, 3, 14, {"municipality", "0xe4", "UTF-8"});
}

TEST(ZonesCsv, NulByteInANameIsRefused) {
  const Loaded loaded = load_with_csv("nul", kHeader + kGood + "Keski-Suomi,Joutsa\0x,4297,61.74,26.11\n"s);
  expect_csv_error(loaded, 3, 19, {"municipality", "NUL", "UTF-8"});
}

TEST(ZonesCsv, RegionThatIsNotUtf8IsRefused) {
  const Loaded loaded =
      load_with_csv("region-latin", kHeader + kGood + "Keski-Suomi\xc0,Joutsa,4297,61.74,26.11\n");
  expect_csv_error(loaded, 3, 12, {"region", "0xc0", "UTF-8"});
}

TEST(ZonesCsv, NameCutInsideACharacterIsRefused) {
  // "ö" is 0xc3 0xb6; a name ending after 0xc3 is not UTF-8.
  const Loaded loaded = load_with_csv("cut", kHeader + kGood + "Keski-Suomi,Pedersö\xc3,11000,63.6,22.8\n");
  expect_csv_error(loaded, 3, 21, {"municipality", "0xc3", "UTF-8"});
}

TEST(ZonesCsv, Utf8NamesAreKept) {
  const Loaded loaded = load_with_csv("utf8", kHeader +
                                                  "Keski-Suomi,Jyväskylä,144477,62.24,25.75\n"
                                                  "Keski-Suomi,Äänekoski,18662,62.6,25.73\n");
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  EXPECT_EQ(names_of(*loaded.scenario), (std::vector<std::string>{"Jyväskylä", "Äänekoski"}));
}

// --- A UTF-8 byte-order mark is skipped ---

TEST(ZonesCsv, ByteOrderMarkBeforeTheHeaderIsSkipped) {
  const std::string rows =
      "Keski-Suomi,Hankasalmi,4782,62.396007,26.43071\nKeski-Suomi,Joutsa,4297,61.742449,26.115608\n";
  const Loaded plain = load_with_csv("no-bom", kHeader + rows);
  const Loaded bom = load_with_csv("bom", "\xef\xbb\xbf" + kHeader + rows);
  ASSERT_TRUE(plain.scenario.has_value()) << all_errors(plain);
  ASSERT_TRUE(bom.scenario.has_value()) << all_errors(bom);
  ASSERT_EQ(bom.scenario->zones.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(bom.scenario->zones[i].name, plain.scenario->zones[i].name);
    EXPECT_EQ(bom.scenario->zones[i].population, plain.scenario->zones[i].population);
    EXPECT_EQ(bom.scenario->zones[i].lat, plain.scenario->zones[i].lat);
    EXPECT_EQ(bom.scenario->zones[i].lon, plain.scenario->zones[i].lon);
  }
}

TEST(ZonesCsv, ByteOrderMarkBeforeACommentIsSkipped) {
  const Loaded loaded = load_with_csv("bom-comment", "\xef\xbb\xbf# Source: Statistics Finland\n" + kHeader +
                                                         "Keski-Suomi,Joutsa,4297,61.742449,26.115608\n");
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  EXPECT_EQ(names_of(*loaded.scenario), (std::vector<std::string>{"Joutsa"}));
}

TEST(ZonesCsv, Utf16FileIsNamedAsSuch) {
  const Loaded loaded = load_with_csv("utf16", "\xff\xfer\0e\0g\0\n\0"s);
  ASSERT_FALSE(loaded.errors.empty());
  EXPECT_NE(loaded.errors[0].message.find("UTF-16"), std::string::npos) << all_errors(loaded);
  EXPECT_NE(loaded.errors[0].message.find("save it as UTF-8"), std::string::npos) << all_errors(loaded);
}

// --- RFC 4180 quoting, CRLF line endings, no row dropped silently ---

TEST(ZonesCsv, QuotedCellsMayHoldCommasAndDoubledQuotes) {
  const Loaded loaded =
      load_with_csv("quoted", kHeader +
                                  "\"Pohjanmaa\",\"Pedersöre, Pedersören kunta\",11000,63.6,22.8\n"
                                  "Pohjanmaa,\"Kallio \"\"North\"\"\",100,63.1,21.6\n"
                                  "Pohjanmaa,\"\"\"\",\"100\",\"63.2\",\"21.7\"\n");
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  EXPECT_EQ(names_of(*loaded.scenario),
            (std::vector<std::string>{"Pedersöre, Pedersören kunta", "Kallio \"North\"", "\""}));
  EXPECT_EQ(loaded.scenario->zones[0].population, 11000);
  EXPECT_EQ(loaded.scenario->zones[2].population, 100);
  EXPECT_DOUBLE_EQ(loaded.scenario->zones[2].lat, 63.2);
}

TEST(ZonesCsv, QuotedRegionIsNotDroppedByTheRegionFilter) {
  const Loaded loaded = load_with_csv("quoted-region",
                                      kHeader +
                                          "Keski-Suomi,Hankasalmi,4782,62.39,26.43\n"
                                          "\"Keski-Suomi\",Joutsa,4297,61.74,26.11\n"
                                          "Pirkanmaa,Tampere,244029,61.5,23.76\n",
                                      "region: Keski-Suomi");
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  EXPECT_EQ(names_of(*loaded.scenario), (std::vector<std::string>{"Hankasalmi", "Joutsa"}));
}

TEST(ZonesCsv, QuotedHeaderIsAccepted) {
  const Loaded loaded =
      load_with_csv("quoted-header",
                    "\"region\",\"municipality\",\"population_2020_12_31\",\"lat\",\"lon\"\n"
                    "Keski-Suomi,Joutsa,4297,61.74,26.11\n");
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  EXPECT_EQ(names_of(*loaded.scenario), (std::vector<std::string>{"Joutsa"}));
}

TEST(ZonesCsv, UnterminatedQuoteIsReportedAtTheQuote) {
  const Loaded loaded = load_with_csv("unterminated", kHeader +
                                                          "Keski-Suomi,Hankasalmi,4782,62.39,26.43\n"
                                                          "Keski-Suomi,\"Joutsa,4297,61.74,26.11\n"
                                                          "Keski-Suomi,Uurainen,3646,62.49,25.44\n");
  expect_csv_error(loaded, 3, 13, {"quote", "not closed"});
}

TEST(ZonesCsv, TextAfterAClosingQuoteIsReported) {
  const Loaded loaded =
      load_with_csv("after-quote", kHeader + kGood + "Keski-Suomi,\"Jou\"tsa,4297,61.74,26.11\n");
  expect_csv_error(loaded, 3, 18, {"closing quote", "\"\""});
}

TEST(ZonesCsv, ErrorsInQuotedRowsPointAtTheCell) {
  // The population cell starts after `Keski-Suomi,"A, B",` (19 bytes).
  const Loaded loaded =
      load_with_csv("quoted-column", kHeader + kGood + "Keski-Suomi,\"A, B\",many,61.74,26.11\n");
  expect_csv_error(loaded, 3, 20, {"'many'", "must be a number"});
}

// A spreadsheet's export may hold line breaks inside quoted cells (RFC 4180), here in a column the
// engine does not read; the rows after them keep their own line numbers.
TEST(ZonesCsv, QuotedCellsMayHoldLineBreaks) {
  const std::string header = "region,municipality,note,population_2020_12_31,lat,lon\n";
  const std::string rows =
      "Keski-Suomi,Hankasalmi,\"two\nlines\",4782,62.39,26.43\n"
      "Keski-Suomi,Joutsa,\"three\r\nlines, \"\"quoted\"\"\r\nand commas\",4297,61.74,26.11\n"
      "Keski-Suomi,Uurainen,,3646,62.49,25.44\n";
  const Loaded loaded = load_with_csv("multiline", header + rows);
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  EXPECT_EQ(names_of(*loaded.scenario), (std::vector<std::string>{"Hankasalmi", "Joutsa", "Uurainen"}));
  EXPECT_EQ(loaded.scenario->zones[2].population, 3646);
  // An error after them is at its own line: the header is line 1, the three rows take 1 + 2 + 3
  // lines, so the bad row is line 8.
  const Loaded bad =
      load_with_csv("multiline-error", header + rows + "Keski-Suomi,Toivakka,x,many,62.1,26.08\n");
  expect_csv_error(bad, 8, 24, {"'many'", "must be a number"});
  // A cell after a line break inside the same row is at the line it starts on.
  const Loaded inside =
      load_with_csv("multiline-cell", header + "Keski-Suomi,Joutsa,\"a\nb\",4297,61.74,many\n");
  expect_csv_error(inside, 3, 15, {"'many'", "must be a number"});
}

TEST(ZonesCsv, NameWithALineBreakIsRefusedAtItsCell) {
  const Loaded loaded =
      load_with_csv("name-break", kHeader + kGood + "Keski-Suomi,\"Jou\ntsa\",4297,61.74,26.11\n");
  expect_csv_error(loaded, 3, 13, {"municipality name", "line break"});
}

TEST(ZonesCsv, QuoteClosedOnALaterLineThenTextIsReportedWithWhereItOpened) {
  const Loaded loaded = load_with_csv("late-quote", kHeader + kGood +
                                                        "Keski-Suomi,\"Joutsa,4297,61.74,26.11\n"
                                                        "Keski-Suomi,\"Uurainen\",3646,62.49,25.44\n");
  expect_csv_error(loaded, 4, 14, {"closing quote", "line 3, column 13"});
}

TEST(ZonesCsv, CrlfLineEndingsReadLikeLf) {
  const std::string lf = "# Source: test\n" + kHeader +
                         "Keski-Suomi,Hankasalmi,4782,62.396007,26.43071\n"
                         "\n"
                         "Keski-Suomi,\"Pedersöre, Pedersören kunta\",11000,63.6,22.8\n";
  std::string crlf;
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const Loaded a = load_with_csv("lf", lf);
  const Loaded b = load_with_csv("crlf", crlf);
  ASSERT_TRUE(a.scenario.has_value()) << all_errors(a);
  ASSERT_TRUE(b.scenario.has_value()) << all_errors(b);
  EXPECT_EQ(names_of(*b.scenario), names_of(*a.scenario));
  EXPECT_EQ(names_of(*b.scenario), (std::vector<std::string>{"Hankasalmi", "Pedersöre, Pedersören kunta"}));
  EXPECT_EQ(b.scenario->zones[0].lon, a.scenario->zones[0].lon);
  EXPECT_EQ(b.scenario->zones[1].lon, a.scenario->zones[1].lon);
}

TEST(ZonesCsv, CrlfErrorsKeepTheirColumns) {
  const Loaded loaded = load_with_csv("crlf-error",
                                      "region,municipality,population_2020_12_31,lat,lon\r\n"
                                      "Keski-Suomi,Hankasalmi,4782,62.39,26.43\r\n"
                                      "Keski-Suomi,Joutsa,4297,61.74,260.11\r\n");
  expect_csv_error(loaded, 3, 31, {"'260.11'", "between -180 and 180"});
}

// --- Populations ---

TEST(ZonesCsv, ImplausiblePopulationOfOneRowIsReportedAtTheRow) {
  // Five rows adding up to 8.8 billion residents: each is refused where it is written, and
  // population.scale is not blamed.
  std::string csv = kHeader;
  for (int i = 0; i < 5; ++i) csv += fmt::format("Keski-Suomi,Z{},1760000000,62.{},25.7\n", i, i);
  const Loaded loaded = load_with_csv("huge-rows", csv);
  ASSERT_FALSE(loaded.scenario.has_value());
  int at_rows = 0;
  for (const Diagnostic& d : loaded.errors) {
    EXPECT_NE(d.key, "population.scale") << d.format();
    if (d.file == loaded.csv.string() && d.column == 16 && d.message.find("10000000") != std::string::npos &&
        d.message.find("1760000000") != std::string::npos)
      EXPECT_EQ(d.line, 2 + at_rows++) << d.format();
  }
  EXPECT_EQ(at_rows, 5) << all_errors(loaded);
}

TEST(ZonesCsv, PopulationOfTenMillionIsAccepted) {
  const Loaded loaded = load_with_csv("ten-million", kHeader + "Keski-Suomi,Big,10000000,62.2,25.7\n");
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  EXPECT_EQ(loaded.scenario->zones[0].population, 10'000'000);
}

TEST(ZonesCsv, TotalBeyondWhatARunCanHoldIsReportedAtTheCsv) {
  // 400 rows of 9.5 million: the 395th row (line 396) takes the total past 3,750,000,000.
  std::string csv = kHeader;
  for (int i = 1; i <= 400; ++i) csv += fmt::format("Keski-Suomi,Z{},9500000,62.2,25.7\n", i);
  const Loaded loaded = load_with_csv("huge-total", csv);
  expect_csv_error(loaded, 396, 18, {"3750000000", "zones file"});
}

TEST(ZonesCsv, TotalBeyondWhatARunCanHoldNamesTheScale) {
  // 40 rows of 9.5 million at population.scale 10: 3.8 billion residents.
  std::string csv = kHeader;
  for (int i = 1; i <= 40; ++i) csv += fmt::format("Keski-Suomi,Z{},9500000,62.2,25.7\n", i);
  const Loaded loaded = load_with_csv("huge-scaled", csv, "scale: 10");
  expect_csv_error(loaded, 41, 17, {"3750000000", "population.scale"});
}

// --- Valid files read as before ---

TEST(ZonesCsv, ExampleDataReadsCellForCell) {
  // The national table: 14 columns, of which the zones take code, municipality, population and
  // the administrative centre.
  const fs::path file =
      fs::path(VALINTA_TEST_DIR) / ".." / "scenarios" / "data" / "municipalities_all_2020.csv";
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const Loaded loaded = load_with_csv("example", text.str());
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  // The rows, split naively (the file has no quotes).
  std::istringstream lines(text.str());
  std::size_t k = 0;
  bool header = true;
  std::int64_t total = 0;
  for (std::string line; std::getline(lines, line);) {
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> cells;
    std::istringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 14u) << line;
    ASSERT_LT(k, loaded.scenario->zones.size());
    const ZoneSpec& z = loaded.scenario->zones[k++];
    EXPECT_EQ(z.code, cells[0]);
    EXPECT_EQ(z.name, cells[1]);
    EXPECT_EQ(z.population, std::stoll(cells[8]));
    EXPECT_EQ(z.lat, std::stod(cells[10]));
    EXPECT_EQ(z.lon, std::stod(cells[11]));
    total += z.population;
  }
  EXPECT_EQ(k, loaded.scenario->zones.size());
  EXPECT_EQ(k, 309u);
  EXPECT_EQ(total, 5'533'793);  // Statistics Finland's figure for 31.12.2020
}

TEST(ZonesCsv, ColumnsAreFoundByNameInAnyOrder) {
  const Loaded loaded = load_with_csv("any-order",
                                      "lon,extra,code,lat,population_2020_12_31,municipality\n"
                                      "26.43,x,\"079\",62.39,4782,Hankasalmi\n");
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  ASSERT_EQ(loaded.scenario->zones.size(), 1u);
  const ZoneSpec& z = loaded.scenario->zones[0];
  EXPECT_EQ(z.name, "Hankasalmi");
  EXPECT_EQ(z.code, "079");
  EXPECT_EQ(z.population, 4782);
  EXPECT_EQ(z.lat, 62.39);
  EXPECT_EQ(z.lon, 26.43);
}

TEST(ZonesCsv, MaakuntaColumnSelectsTheRegion) {
  const Loaded loaded = load_with_csv("maakunta",
                                      "code,municipality,maakunta,population_2020_12_31,lat,lon\n"
                                      "079,Hankasalmi,Keski-Suomi,4782,62.39,26.43\n"
                                      "109,Hämeenlinna,Kanta-Häme,67662,60.99,24.46\n",
                                      "region: Kanta-Häme");
  ASSERT_TRUE(loaded.scenario.has_value()) << all_errors(loaded);
  EXPECT_EQ(names_of(*loaded.scenario), std::vector<std::string>{"Hämeenlinna"});
}

TEST(ZonesCsv, RegionFilterWithoutARegionColumnIsRefusedAtTheHeader) {
  const Loaded loaded = load_with_csv("no-region-column",
                                      "municipality,population_2020_12_31,lat,lon\n"
                                      "Hankasalmi,4782,62.39,26.43\n",
                                      "region: Keski-Suomi");
  expect_csv_error(loaded, 1, 1, {"population.region", "region (or maakunta) column"});
}

TEST(ZonesCsv, HostileFileGetsABoundedNumberOfErrors) {
  std::string csv = kHeader;
  for (int i = 0; i < 20000; ++i) csv += ",\n";
  const Loaded loaded = load_with_csv("many-errors", csv);
  ASSERT_FALSE(loaded.scenario.has_value());
  EXPECT_LE(loaded.errors.size(), 110u);
  EXPECT_NE(all_errors(loaded).find("stopped"), std::string::npos) << loaded.errors.back().format();
}

}  // namespace
}  // namespace valinta::test

// The indicator declarations (model/indicators.hpp) are the one place an indicator is defined:
// every series a run records is declared there, carries its declaration into the results file,
// and docs/output-format.md lists each with the same dimensions, type and unit.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "support/test_support.hpp"
#include "valinta/model/indicators.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

struct DocRow {
  std::string dims, type, units;
  int line = 0;
};

// The rows of docs/output-format.md's tables of indicator series ("| `name` | (step, ...) | ...").
std::map<std::string, DocRow> documented_series() {
  std::ifstream in(std::string(VALINTA_SOURCE_DIR) + "/docs/output-format.md");
  EXPECT_TRUE(in) << "docs/output-format.md not found";
  const std::regex row(R"(^\| `([a-z0-9_]+)` \| (\(step[^)]*\)) \| ([a-z]+) \| ([^|]*?) \|)");
  std::map<std::string, DocRow> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::smatch m;
    if (std::regex_search(line, m, row)) rows[m[1]] = {m[2], m[3], m[4], number};
  }
  return rows;
}

std::string dims_text(const Indicator& d) {
  std::string s = "(step";
  for (const std::string& dim : d.dims) s += ", " + dim;
  return s + ")";
}

TEST(IndicatorCatalogue, EveryDeclarationIsDocumentedAlike) {
  const auto docs = documented_series();
  for (const Indicator& d : indicators()) {
    SCOPED_TRACE(d.name);
    const auto it = docs.find(d.name);
    ASSERT_NE(it, docs.end()) << "docs/output-format.md has no row for indicator " << d.name;
    EXPECT_EQ(it->second.dims, dims_text(d)) << "docs/output-format.md:" << it->second.line;
    EXPECT_EQ(it->second.type, d.kind == Indicator::Kind::count ? "int" : "float")
        << "docs/output-format.md:" << it->second.line;
    EXPECT_EQ(it->second.units, d.units) << "docs/output-format.md:" << it->second.line;
  }
}

TEST(IndicatorCatalogue, EveryDocumentedSeriesIsDeclared) {
  for (const auto& [name, row] : documented_series()) {
    if (name == "date" || name == "time") continue;  // the time coordinates, written with the results
    EXPECT_NO_THROW(indicator(name)) << "docs/output-format.md:" << row.line << " documents " << name
                                     << ", which no declaration in model/indicators.cpp names";
  }
}

TEST(IndicatorCatalogue, ARunRecordsExactlyTheDeclaredIndicatorsWithTheirDeclarations) {
  Simulation sim(test::scenario_from_yaml(test::small_region_yaml() + "pilot: {zones: [A]}\n"), {3, 0, 1});
  sim.step();
  const auto& series = sim.recorder.series();
  ASSERT_EQ(series.size(), indicators().size());
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Indicator& d = indicators()[k];
    SCOPED_TRACE(d.name);
    EXPECT_EQ(series[k].name, d.name) << "recorded in the declarations' order";
    EXPECT_EQ(series[k].dims, d.dims);
    EXPECT_EQ(series[k].units, d.units);
    EXPECT_EQ(series[k].long_name, d.meaning);
    EXPECT_EQ(series[k].integer, d.kind == Indicator::Kind::count);
  }
}

TEST(IndicatorCatalogue, AnUndeclaredOrMistypedIndicatorFailsLoudly) {
  Recorder rec;
  EXPECT_THROW(rec.append("n_lsited", std::int64_t{1}), std::logic_error);  // a typo
  EXPECT_THROW(rec.append("n_listed", 1.0), std::logic_error);              // counts recorded as reals
  try {
    indicator("new_arivals");
    FAIL() << "no exception";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("new_arivals"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace valinta

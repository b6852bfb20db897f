// libFuzzer target: the zones CSV reader (scenario/data_files.cpp) on arbitrary bytes.
//
// read_zones_csv_text must either keep zones or report what is wrong in the diagnostics (which
// the loader turns into ScenarioError). Any exception, a crash, a sanitizer report, an input that
// takes longer than -timeout or more memory than -rss_limit_mb is a finding; so is a kept zone
// that breaks the reader's promises: a name that is empty, holds a line break or is not UTF-8
// text without NUL bytes, a population outside 0 to 10,000,000, a position off the globe, or no
// zone and no error.
// Built and run by tests/fuzz/run-fuzzer zones_csv.
//
// The input is read twice: with every region kept, and with only the rows of Keski-Suomi.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "valinta/input/data_files.hpp"
#include "valinta/model/scenario.hpp"
#include "valinta/scenario/diagnostics.hpp"
#include "valinta/util/utf8.hpp"

namespace {

[[noreturn]] void broken(const char* promise) {
  std::fprintf(stderr, "fuzz_zones_csv: a kept zone breaks a promise: %s\n", promise);
  std::abort();
}

void read_and_check(std::string_view text, const std::string& region) {
  valinta::Scenario scenario;
  scenario.population.region = region;
  valinta::Diagnostics diagnostics;
  valinta::read_zones_csv_text(text, "fuzz-input.csv", scenario, diagnostics);
  (void)diagnostics.format();
  if (scenario.zones.empty() && diagnostics.empty()) broken("no zones and no error");
  for (const valinta::ZoneSpec& z : scenario.zones) {
    if (z.name.empty()) broken("the name is empty");
    if (!valinta::is_clean_utf8(z.name)) broken("the name is not UTF-8 text without NUL bytes");
    if (z.name.find_first_of("\r\n") != std::string::npos) broken("the name holds a line break");
    if (z.population < 0 || z.population > 10'000'000) broken("the population is out of range");
    if (!(z.lat >= -90 && z.lat <= 90) || !(z.lon >= -180 && z.lon <= 180))
      broken("the position is off the globe");
  }
  for (const valinta::Diagnostic& d : diagnostics.list())
    if (d.file != "fuzz-input.csv") broken("an error names another file");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  read_and_check(text, "");
  read_and_check(text, "Keski-Suomi");
  return 0;
}

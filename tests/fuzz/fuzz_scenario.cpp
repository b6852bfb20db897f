// libFuzzer target: the scenario loader on arbitrary bytes.
//
// load_scenario_text must either return a validated scenario or throw ScenarioError listing
// what is wrong. Any other exception (std::terminate), a crash, a sanitizer report (ASan, UBSan,
// LeakSanitizer), an input that takes longer than -timeout or more memory than -rss_limit_mb is a
// finding. Built and run by tests/fuzz/run-fuzzer (clang: -fsanitize=fuzzer,address,undefined).
//
// The input is loaded as if it were the file fuzz-input.yaml in $VALINTA_FUZZ_INPUT_DIR (default:
// scenarios/), so that `extends:` and `population.zones_file` reach real files and the fuzzer
// explores those paths too. run-fuzzer points it at a directory of links to scenarios/*.yaml,
// scenarios/data and the fixtures of tests/scenario_errors (their parents and zones CSVs).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "valinta/input/loader.hpp"

namespace {
const std::filesystem::path kInputName = [] {
  const char* dir = std::getenv("VALINTA_FUZZ_INPUT_DIR");
  return (dir != nullptr ? std::filesystem::path(dir)
                         : std::filesystem::path(VALINTA_SOURCE_DIR) / "scenarios") /
         "fuzz-input.yaml";
}();
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const valinta::Scenario scenario = valinta::load_scenario_text(text, kInputName);
    (void)valinta::resolved_yaml(scenario);  // what `valinta show` and checkpoints write
  } catch (const valinta::ScenarioError& e) {
    (void)e.diagnostics().format();
  }
  return 0;
}

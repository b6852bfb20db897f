// libFuzzer target: the sweep-file parser (study/sweep.cpp) on arbitrary bytes.
//
// load_sweep must either return a checked sweep or throw ScenarioError listing what is wrong.
// Any other exception (std::terminate), a crash, a sanitizer report, an input that takes longer
// than -timeout or more memory than -rss_limit_mb is a finding. A sweep that loads also has its
// design drawn (design_points, point_overrides) when it is small enough to draw quickly.
// Built and run by tests/fuzz/run-fuzzer sweep.
//
// load_sweep reads a file: each input is written to fuzz-input-PID.yaml in $VALINTA_FUZZ_INPUT_DIR
// (default: the temporary directory), so that the base scenario's path resolves beside it.
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "input_file.hpp"
#include "valinta/scenario/diagnostics.hpp"
#include "valinta/study/sweep.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path& file = valinta::fuzz::write_input(data, size, "fuzz_sweep");
  try {
    const valinta::SweepSpec spec = valinta::load_sweep(file);
    const double values = static_cast<double>(spec.points) * static_cast<double>(spec.parameters.size());
    if (values <= 100'000) {
      const auto points = valinta::design_points(spec, spec.seed.value_or(1));
      for (std::size_t k = 0; k < points.size() && k < 16; ++k)
        (void)valinta::point_overrides(spec, points[k]);
    }
  } catch (const valinta::ScenarioError& e) {
    (void)e.diagnostics().format();
  }
  return 0;
}

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
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "valinta/scenario/diagnostics.hpp"
#include "valinta/study/sweep.hpp"

namespace {

const std::filesystem::path kInputFile = [] {
  const char* dir = std::getenv("VALINTA_FUZZ_INPUT_DIR");
  const std::filesystem::path path =
      (dir != nullptr ? std::filesystem::path(dir) : std::filesystem::temp_directory_path()) /
      ("fuzz-input-" + std::to_string(::getpid()) + ".yaml");
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove(kInputFile, ec);
  });
  return path;
}();

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(kInputFile, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) {
      std::perror("fuzz_sweep: cannot write the input file");
      std::abort();
    }
  }
  try {
    const valinta::SweepSpec spec = valinta::load_sweep(kInputFile);
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

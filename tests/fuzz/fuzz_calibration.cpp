// libFuzzer target: the sweep-file parser (study/sweep.cpp) on arbitrary bytes.
//
// load_calibration must either return a checked calibration or throw ScenarioError listing what
// is wrong. Any other exception (std::terminate), a crash, a sanitizer report, an input that takes
// longer than -timeout or more memory than -rss_limit_mb is a finding. A calibration that loads
// also has its fingerprint and the overrides of its start made.
// Built and run by tests/fuzz/run-fuzzer calibration.
//
// load_calibration reads a file: each input is written to fuzz-input-PID.yaml in
// $VALINTA_FUZZ_INPUT_DIR (default: the temporary directory), so that the scenarios' paths
// resolve beside it.
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "input_file.hpp"
#include "valinta/scenario/diagnostics.hpp"
#include "valinta/study/calibration.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::filesystem::path& file = valinta::fuzz::write_input(data, size, "fuzz_calibration");
  try {
    const valinta::CalibrationSpec spec = valinta::load_calibration(file);
    (void)valinta::calibration_fingerprint(spec);
    Eigen::VectorXd start(static_cast<Eigen::Index>(spec.parameters.size()));
    for (std::size_t d = 0; d < spec.parameters.size(); ++d)
      start[static_cast<Eigen::Index>(d)] = spec.parameters[d].start;
    (void)valinta::calibration_overrides(spec, start);
  } catch (const valinta::ScenarioError& e) {
    (void)e.diagnostics().format();
  }
  return 0;
}

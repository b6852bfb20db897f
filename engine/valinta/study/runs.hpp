#pragma once
// Running many simulations: the replications of a scenario, the scenarios of a comparison, the
// points of a sweep. Each run keeps only what the ensemble files need (its summary and its
// indicator series), so runs of a national-scale scenario do not pile up in memory.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "valinta/model/recorder.hpp"
#include "valinta/output/results.hpp"
#include "valinta/run/run_loop.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {

struct RunRecord {
  bool ok = false;
  std::string error;  // why the run failed (ok == false)
  Summary summary;
  ServicePackage package;
  std::vector<Recorder::Series> series;  // the indicator series of the run
  std::vector<std::string> event_log;
  std::optional<RunSetup> setup;  // filled when asked for
  std::array<double, kPhaseCount> phase_seconds{};
  double setup_seconds = 0;
};

// Raised when a run of a batch is asked to stop (SIGINT, SIGTERM); never recorded as a failed
// run.
struct RunsStopped {
  int signal = 0;
};

// Runs `scenario` to the end with `options` (run_to_end with `hooks`). A run that throws is
// returned with ok == false and its error; a stop that `hooks` request throws RunsStopped.
RunRecord run_and_record(const Scenario& scenario, const RunOptions& options, bool keep_setup,
                         const RunHooks& hooks = {});

// The memory a finished run's record holds until the ensemble file is written, and the most it
// adds while the file is written: its share of the largest indicator stacked over all runs and
// compressed (twice its largest series). Bytes.
std::int64_t kept_bytes(const RunRecord& record);

// Summary indicators: their names (Summary::items order), readable labels, units and the factor
// that turns a value into the unit shown (shares as percentages).
struct IndicatorInfo {
  std::string name;
  std::string label;
  std::string unit;
  double display_scale = 1;
};
const std::vector<IndicatorInfo>& summary_indicators();

}  // namespace valinta

#pragma once
// Files of many runs (docs/output-format.md): replications of one scenario, a comparison of
// scenarios run with common random numbers, and a sweep over parameters. Each extends the layout
// of a single run's file with leading dimensions (replication; scenario x replication; run).
#include <string>
#include <vector>

#include "valinta/output/h5_file.hpp"
#include "valinta/study/runs.hpp"
#include "valinta/study/stats.hpp"
#include "valinta/study/sweep.hpp"

namespace valinta {

// runs[r]: replication r of `scenario`, all successful.
void write_replications(output::H5File& file, const Scenario& scenario, const RunInfo& info,
                        const std::vector<RunRecord>& runs);
// The mean and interval of each summary indicator, as printed after `run --replications`.
std::string format_replications(const std::vector<RunRecord>& runs);

struct ComparedScenario {
  std::string label;  // unique, from the scenario's name
  Scenario scenario;
  std::vector<RunRecord> runs;  // by replication
};
// The first scenario is the baseline: differences are each scenario minus it, paired by replication.
void write_comparison(output::H5File& file, const std::vector<ComparedScenario>& scenarios,
                      const RunInfo& info);
// The table a non-specialist reads: indicator, A, B, B - A, interval, whether it is clear; for the
// headline indicators and the whole area's service package, and with `by_region` the package of
// every region the zones name as well.
std::string format_comparison(const std::vector<ComparedScenario>& scenarios, bool by_region = false);

struct SweepRun {
  std::int64_t point = 0;
  std::int64_t replication = 0;
  RunRecord record;
};
void write_sweep(output::H5File& file, const SweepSpec& spec, const Scenario& base, const RunInfo& info,
                 const std::vector<std::vector<double>>& points, const std::vector<SweepRun>& runs,
                 const std::string& sweep_text);

}  // namespace valinta

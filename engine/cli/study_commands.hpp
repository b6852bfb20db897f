#pragma once
// Commands that run many simulations: `run --replications R`, `compare`, `sweep`, `calibrate`.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace valinta::cli {

struct StudyArgs {
  std::vector<std::string> scenarios;  // run: one; compare: two or more; sweep: the sweep file
  std::string output;
  std::optional<std::uint64_t> seed;
  int threads = 0;
  int replications = 1;
  std::vector<std::string> sets;
  bool overwrite = false;
  bool quiet = false;
  bool profile = false;
  std::string command_line;
  bool resume = false;     // calibrate: continue from the evaluations in the results file (-o)
  bool by_region = false;  // compare: print the service package of every region too
};

int run_replications(const StudyArgs& args);
int compare(const StudyArgs& args);
int sweep(const StudyArgs& args);
// `valinta calibrate FILE`: fits scenario parameters to real targets (docs/calibration.md).
int calibrate(const StudyArgs& args);

}  // namespace valinta::cli

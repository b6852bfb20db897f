#pragma once
// The results file: one HDF5 file per run, self-describing (see docs/output-format.md), and the
// short summary printed at the end of a run.
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/output/h5_file.hpp"

namespace valinta {

class Simulation;

struct RunInfo {
  std::string command_line;
  std::uint64_t seed = 0;
  int threads = 1;
  int ranks = 1;  // MPI processes that ran it
};

// Headline figures of a run (printed, stored as attributes of /summary, used by golden tests).
struct Summary {
  std::int64_t residents = 0;
  std::int64_t eligible = 0;
  std::array<double, kSectors> switched_share_by_sector{};  // eligible listed away from home
  double ever_switched_share = 0;                           // eligible who switched at least once
  double mean_wait_days = 0;
  double share_within_guarantee = 0;
  double visits_per_resident_year = 0;
  double doctor_visits_per_resident_year = 0;
  double er_diversions_per_1000_year = 0;
  double referrals_per_1000_year = 0;
  double organiser_cost_per_resident_year = 0;
  double client_fees_per_resident_year = 0;

  // (name, value) pairs in a fixed order.
  std::vector<std::pair<std::string, double>> items() const;
};

// Collective under MPI: every rank calls it (it counts over every rank's residents).
Summary summarise(const Simulation& sim);
std::string format_summary(const Summary& summary);

// Writes everything about the run into `file` (not yet committed).
void write_results(output::H5File& file, const Simulation& sim, const RunInfo& info,
                   const Summary& summary);

}  // namespace valinta

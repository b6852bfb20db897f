#pragma once
// The results file: one HDF5 file per run, self-describing (see docs/output-format.md), and the
// short summary printed at the end of a run.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "valinta/model/service_package.hpp"
#include "valinta/model/types.hpp"
#include "valinta/output/h5_file.hpp"

namespace valinta {

struct State;
struct Scenario;

struct RunInfo {
  std::string command_line;
  std::uint64_t seed = 0;
  int threads = 1;
  int ranks = 1;           // MPI processes that ran it
  int output_threads = 1;  // threads that compress the results (the file does not depend on it)
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
Summary summarise(const State& sim);
std::string format_summary(const Summary& summary);

// What a run was set up with: the axes and the producers and zones, as written to results files.
struct RunSetup {
  std::size_t steps = 0;
  std::int64_t step_days = 7;
  std::int64_t start_day = 0;
  std::vector<std::string> producer_name, producer_sector, producer_zone, producer_owner;
  std::vector<double> producer_lat, producer_lon, producer_quality, producer_doctor_share;
  std::vector<std::string> zone_name, zone_code;
  std::vector<std::int64_t> zone_residents, zone_eligible, zone_in_pilot;
  std::vector<double> zone_lat, zone_lon;
};
RunSetup describe_setup(const State& sim);

// The parts of a results file, shared by single runs and the files of replications,
// comparisons and sweeps (docs/output-format.md).
// Root attributes; `kind` is run, replications, comparison or sweep.
void write_header(output::H5File& file, const Scenario& scenario, const RunInfo& info, std::string_view kind);
// The dimension scales (step, date, sector, ...), and with `producers_and_zones` the producer and
// zone dimensions and their set-up variables.
void write_axes(output::H5File& file, const RunSetup& setup, bool producers_and_zones);
// The zone dimension and its set-up variables alone (a comparison's scenarios share their zones,
// not always their producers).
void write_zone_axis(output::H5File& file, const RunSetup& setup);
void write_event_log(output::H5File& file, const std::vector<std::string>& log);
// `group`/resolved and `group`/source: the scenario as resolved and as given.
void write_scenario_texts(output::H5File& file, const Scenario& scenario, const std::string& group);

// The service package: the `region` dimension, service_package/region/NAME (leading..., region)
// and, with `by_producer`, service_package/producer/NAME (leading..., producer), NAME from
// package_indicators(). packages[k] fills index k of the leading dimensions (which multiply to
// packages.size()); a null package (a failed run) is NaN.
void write_service_package(output::H5File& file, const std::vector<const ServicePackage*>& packages,
                           const std::vector<std::string>& leading, bool by_producer);

// Writes everything about the run into `file` (not yet committed).
void write_results(output::H5File& file, const State& sim, const RunInfo& info, const Summary& summary,
                   const ServicePackage& package);

}  // namespace valinta

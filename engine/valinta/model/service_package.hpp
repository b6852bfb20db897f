#pragma once
// The service package of the reception services (docs/ODD.md 9.6): a standard set of indicators
// that makes regions and producers comparable, computed over the whole recorded period of a run -
// cost per resident and per visit, visits per resident, access and timeliness, continuity,
// heavy-user flows, referrals, emergency use and satisfaction. One row per producer and one per
// region: "all" (every producer of the run), then each region the zones name (ZoneSpec::region,
// in order of first appearance), holding the producers located in its zones. Rates per resident
// are per resident-year listed at those producers, so a region's figure is its producers' together.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "valinta/model/recorder.hpp"

namespace valinta {

struct State;

// One indicator of the package: its name in the results file, unit and meaning.
struct PackageIndicator {
  std::string name;
  std::string label;  // short, for tables
  std::string units;
  std::string display_unit;  // the unit shown in tables
  double display_scale = 1;  // shares are shown as per cent
  std::string meaning;
};
// Every indicator of the package, in the order it is written and printed.
const std::vector<PackageIndicator>& package_indicators();

// The name of the region of every producer of the run.
inline constexpr std::string_view kWholeArea = "all";

// What the package is computed from besides the recorded series.
struct PackageSetup {
  double step_days = 7;
  std::vector<std::string> regions;       // kWholeArea first, then the zones' regions
  std::vector<int> producer_region;       // index into regions of each producer's region; 0: none named
  std::vector<std::int64_t> experience;   // summed experience (stored units) of each producer's listed
  std::vector<std::int64_t> experienced;  // residents counted in it, by producer
};

struct ServicePackage {
  std::vector<std::string> regions;
  std::int64_t steps = 0;  // recorded steps the package covers
  double years = 0;
  // [indicator][region] and [indicator][producer], in package_indicators() order; NaN where
  // undefined (no residents listed, no visits, no plan holders' contacts, ...).
  std::vector<std::vector<double>> by_region;
  std::vector<std::vector<double>> by_producer;
};

// The package from a run's recorded series (every series it reads must be there).
ServicePackage compute_service_package(const std::vector<Recorder::Series>& series,
                                       const PackageSetup& setup);

// The regions of a run and where its producers are; the experience of its residents now, summed
// over the ranks. Collective under MPI: every rank calls it.
PackageSetup package_setup(const State& sim);

// Both: the package of a finished run. Collective under MPI.
ServicePackage service_package(const State& sim);

}  // namespace valinta

#pragma once
// A sweep: a design over scenario parameters (full grid, Latin hypercube or Sobol sequence),
// each design point run with the same replications, for sensitivity analysis.
//
//   scenario: ../scenarios/keski-suomi.yaml   # the base scenario, relative to this file
//   design: latin_hypercube                   # grid | latin_hypercube | sobol
//   points: 16                                # design points (latin_hypercube, sobol)
//   replications: 2                           # runs per point (seeds shared by every point)
//   seed: 2017                                # optional; default: the base scenario's seed
//   set: [time.steps=52]                      # optional overrides applied to every run
//   parameters:
//     choice.inertia: {min: 1.0, max: 3.0}    # latin_hypercube, sobol: a range
//     rules.min_listing_months: {values: [6, 12]}   # grid: the values to combine
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace valinta {

enum class SweepDesign { grid, latin_hypercube, sobol };
inline constexpr const char* kSweepDesignNames[] = {"grid", "latin_hypercube", "sobol"};

struct SweepParameter {
  std::string key;             // a scenario parameter, e.g. "choice.inertia"
  bool integer = false;        // an integer parameter: sampled values are rounded
  double min = 0, max = 0;     // latin_hypercube, sobol
  std::vector<double> values;  // grid
};

struct SweepSpec {
  std::filesystem::path file;
  std::filesystem::path scenario;  // resolved against the sweep file's directory
  SweepDesign design = SweepDesign::grid;
  std::int64_t points = 0;  // the number of design points (for grid: the product of values)
  std::int64_t replications = 1;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> sets;  // fixed overrides for every run
  std::vector<SweepParameter> parameters;
};

// Reads and checks a sweep file; throws ScenarioError (file:line:col, what is wrong, what is
// allowed) for every problem found. Parameter keys are checked against the scenario format.
SweepSpec load_sweep(const std::filesystem::path& file);

// The design: points x parameters values, in run order. Deterministic for a given spec
// (the Latin hypercube is drawn from counter-based streams keyed by `seed`).
std::vector<std::vector<double>> design_points(const SweepSpec& spec, std::uint64_t seed);

// The --set overrides of one design point (the fixed ones first).
std::vector<std::string> point_overrides(const SweepSpec& spec, const std::vector<double>& point);

}  // namespace valinta

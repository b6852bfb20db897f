#pragma once
// A calibration: scenarios fitted jointly to real targets by the method of simulated moments
// (study/msm.hpp, docs/calibration.md). The file:
//
//   scenarios:                                   # calibrated jointly; paths relative to this file
//     jyte: ../scenarios/pilots/jyte.yaml
//   replications: 4                              # runs per scenario and evaluation (common seeds)
//   seed: 2017                                   # optional; default: each scenario's own seed
//   set: [time.warm_up_weeks=26]                 # optional overrides for every run
//   parameters:                                  # scenario parameters to fit
//     choice.awareness_per_year: {lower: 0.1, upper: 3, start: 0.8, transform: log}
//   targets:
//     - scenario: jyte
//       indicator: share_eligible_away_by_sector   # a summary item or a recorded indicator
//       select: {sector: private}                  # one label of each of its dimensions
//                                                  # (zone: pilot_area sums a count over the pilot)
//       date: 2018-10-03                           # the step containing it; or from/to: their mean
//       value: 0.045
//       se: 0.005                                  # standard error of the real value
//       source: Keskisuomalainen 10/2018
//   options: {max_evaluations: 200, difference_step: 0.02}
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "valinta/study/msm.hpp"
#include "valinta/study/runs.hpp"

namespace valinta {

// The scale the optimiser searches a parameter on: its own, its logarithm (a positive parameter
// whose effect is proportional), or its logit (a share strictly between 0 and 1).
enum class Transform { none, log, logit };
inline constexpr const char* kTransformNames[] = {"none", "log", "logit"};

struct CalibrationParameter {
  std::string key;
  bool integer = false;
  double lower = 0, upper = 0, start = 0;
  Transform transform = Transform::none;
};

struct CalibrationSpec;

// A parameter's value on the search scale and back, and d value / d search at a search value.
double to_search(const CalibrationParameter& p, double value);
double from_search(const CalibrationParameter& p, double search);
double value_per_search(const CalibrationParameter& p, double search);

// The fit on the parameters' own scales: estimates; standard errors, covariance and Jacobian by
// the delta method; 95 % intervals made on the search scale and transformed back (so a log or
// logit parameter's interval stays positive, or within 0 and 1).
struct NaturalFit {
  Eigen::VectorXd theta, standard_errors, ci_low, ci_high;
  Eigen::MatrixXd covariance, jacobian;
};
NaturalFit natural_fit(const CalibrationSpec& spec, const msm::Fit& fit);

struct CalibrationTarget {
  std::string scenario;   // a name of `scenarios:`
  std::string indicator;  // a summary item (summary_indicators()) or a recorded indicator
  bool summary = false;
  std::vector<std::pair<std::string, std::string>> select;  // dimension -> label, in the dims' order
  bool count = false;          // the indicator counts (so a selection of several labels is summed)
  std::string date, from, to;  // ISO dates (series only)
  double value = 0, se = 0;
  std::string source;
  int line = 0, column = 0;  // of the target in the file, for messages about it
};

struct CalibrationSpec {
  std::filesystem::path file;
  std::vector<std::pair<std::string, std::filesystem::path>> scenarios;  // name, resolved path
  std::int64_t replications = 2;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> sets;
  std::vector<CalibrationParameter> parameters;
  std::vector<CalibrationTarget> targets;
  msm::Options options;
};

// Reads and checks a calibration file; throws ScenarioError (file:line:col, what is wrong, what
// is allowed) for every problem found. Parameter keys are checked against the scenario format,
// indicators against the catalogue, the scenarios by loading them.
CalibrationSpec load_calibration(const std::filesystem::path& file);

// The --set overrides of one parameter point (the file's fixed ones first).
std::vector<std::string> calibration_overrides(const CalibrationSpec& spec, const Eigen::VectorXd& theta);

// What makes two calibrations the same problem (scenarios, replications, seed, overrides,
// parameters with bounds and starts, targets with values and errors), not their options: a
// stopped calibration, or one with a larger budget, continues from the evaluations of another
// with the same fingerprint.
std::string calibration_fingerprint(const CalibrationSpec& spec);

// The evaluations kept in a calibration's results file (`valinta calibrate --resume`): parameter
// values and moments, in the order they were made. Throws ScenarioError (exit code 2) when the
// file is not a calibration of the same problem.
struct KeptEvaluations {
  std::vector<Eigen::VectorXd> search, moments;  // search: the parameters on their search scales
};
KeptEvaluations read_kept_evaluations(const std::filesystem::path& results, const CalibrationSpec& spec);

// The value of `target` in a finished run (its summary and series); throws ScenarioError at the
// target's place in the file when its selection names a label the run does not have (e.g. a zone
// the scenario has no such zone) or its dates fall outside the recorded steps.
double target_moment(const CalibrationSpec& spec, const CalibrationTarget& target, const RunRecord& run);

}  // namespace valinta

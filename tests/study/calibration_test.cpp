// `valinta calibrate` as a user runs it: parameter recovery (targets made by the engine itself at
// known parameter values with other seeds, then fitted back), the files it writes, and calibration
// files with mistakes refused with file:line:col and exit code 2.
#include "valinta/study/calibration.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <vector>

#include "cli/cli_helpers.hpp"
#include "safety/safety_support.hpp"
#include "valinta/input/loader.hpp"

namespace valinta {
namespace {

namespace fs = std::filesystem;
using test::quoted;
using test::run_cli;

std::vector<double> read_doubles(const fs::path& file, const std::string& name) {
  std::vector<double> out;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return out;
  hsize_t n = 0;
  int rank = 0;
  // (H5LTfind_dataset looks only in the root group; these are in groups.)
  const std::string group = name.substr(0, name.find('/'));
  const bool exists = name.find('/') == std::string::npos ? H5Lexists(f, name.c_str(), H5P_DEFAULT) > 0
                                                          : H5Lexists(f, group.c_str(), H5P_DEFAULT) > 0 &&
                                                                H5Lexists(f, name.c_str(), H5P_DEFAULT) > 0;
  if (exists && H5LTget_dataset_ndims(f, name.c_str(), &rank) >= 0 && rank == 1) {
    H5LTget_dataset_info(f, name.c_str(), &n, nullptr, nullptr);
    out.resize(n);
    H5LTread_dataset_double(f, name.c_str(), out.data());
  }
  H5Fclose(f);
  return out;
}

class Calibration : public ::testing::Test {
 protected:
  test::ScratchDir dir{"calibration"};
  // Two zones, both in the pilot; capacity below demand, so some contacts go elsewhere.
  fs::path scenario() {
    std::string yaml =
        test::small_region_yaml(3000, 1500) +
        "pilot: {zones: [A, B]}\n"
        "service: {capacity_ratio: 0.85}\n"
        "producers:\n"
        "  - {name: Private A, sector: private, zone: A, capacity_per_week: 40, digital: 0.7}\n";
    yaml.replace(yaml.find("steps: 52, step_days: 7}"), 24, "steps: 30, step_days: 7, warm_up_weeks: 8}");
    const fs::path p = dir.path() / "region.yaml";
    test::write_text(p, yaml);
    return p;
  }
  // A calibration of choice.base_review_per_year and demand.self_pay_share to three targets.
  std::string calibration(const std::vector<double>& values, const std::vector<double>& se,
                          const std::string& extra = "") {
    std::ostringstream out;
    out << "scenarios:\n  region: region.yaml\n"
        << "replications: 4\nseed: 7\n"
        << "parameters:\n"
        << "  choice.base_review_per_year: {lower: 0.05, upper: 2, start: 0.2, transform: log}\n"
        << "  demand.self_pay_share: {lower: 0, upper: 1, start: 0.6}\n"
        << "targets:\n"
        << "  - {scenario: region, indicator: new_reviews, value: " << values[0] << ", se: " << se[0]
        << ", source: the engine at known values}\n"
        << "  - {scenario: region, indicator: new_contacts_elsewhere, select: {elsewhere: self_pay}, value: "
        << values[1] << ", se: " << se[1] << ", source: the engine at known values}\n"
        << "  - {scenario: region, indicator: new_contacts_elsewhere, select: {elsewhere: self_care},\n"
        << "     from: 2017-03-01, to: 2017-08-31, value: " << values[2] << ", se: " << se[2]
        << ", source: the engine at known values}\n"
        << "options: {max_evaluations: 60}\n"
        << extra;
    return out.str();
  }
};

// The true values (0.5 a year, searched on its log scale, and 0.3) give the targets: one run with seed 99 is
// the "real" data, and the standard errors are the spread of the moments over eight runs with seed 500.
// Fitted back with seed 7 and four replications, each true value lies within its reported 95 % interval.
TEST_F(Calibration, RecoversKnownParametersWithinTheirIntervals) {
  scenario();
  const fs::path file = dir.path() / "recover.yaml";
  test::write_text(file, calibration({1, 1, 1}, {1, 1, 1}));
  const CalibrationSpec spec = load_calibration(file);
  const Eigen::Vector2d truth(0.5, 0.3);
  const Scenario at_truth = load_scenario(spec.scenarios.front().second, calibration_overrides(spec, truth));
  const auto moments = [&](std::uint64_t seed, std::uint32_t replication) {
    const RunRecord run = run_and_record(at_truth, {seed, replication, 1}, true);
    EXPECT_TRUE(run.ok) << run.error;
    std::vector<double> m;
    for (const CalibrationTarget& t : spec.targets) m.push_back(target_moment(spec, t, run));
    return m;
  };
  const std::vector<double> data = moments(99, 0);
  std::vector<double> sum(3, 0), squares(3, 0);
  for (std::uint32_t r = 0; r < 8; ++r) {
    const std::vector<double> m = moments(500, r);
    for (std::size_t t = 0; t < 3; ++t) {
      sum[t] += m[t];
      squares[t] += m[t] * m[t];
    }
  }
  std::vector<double> se(3);
  for (std::size_t t = 0; t < 3; ++t) se[t] = std::sqrt((squares[t] - sum[t] * sum[t] / 8) / 7);
  for (std::size_t t = 0; t < 3; ++t) ASSERT_GT(se[t], 0) << "target " << t << " does not vary";
  test::write_text(file, calibration(data, se));

  const fs::path out = dir.path() / "fit.h5";
  const auto r = run_cli("calibrate " + quoted(file) + " -q -o " + quoted(out) + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::vector<double> estimate = read_doubles(out, "fit/estimate");
  const std::vector<double> standard_error = read_doubles(out, "fit/standard_error");
  ASSERT_EQ(estimate.size(), 2u);
  ASSERT_EQ(standard_error.size(), 2u);
  for (std::size_t d = 0; d < 2; ++d) {
    EXPECT_TRUE(std::isfinite(standard_error[d]) && standard_error[d] > 0);
    EXPECT_LE(std::abs(estimate[d] - truth[static_cast<Eigen::Index>(d)]), 1.96 * standard_error[d])
        << "parameter " << d << ": estimate " << estimate[d] << " +- " << standard_error[d];
  }
  // Every evaluation is in the file; the table was printed; the calibrated scenario extends the
  // base with the fitted values and runs.
  EXPECT_GE(read_doubles(out, "evaluations/objective").size(), 5u);
  EXPECT_NE(r.output.find("95 % interval of real"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("95 % interval\n"), std::string::npos) << r.output;
  const fs::path calibrated = dir.path() / "fit.region.yaml";
  ASSERT_TRUE(fs::exists(calibrated));
  std::ifstream in(calibrated);
  const std::string yaml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(yaml.find("extends: region.yaml"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("base_review_per_year:"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("warm_up_weeks"), std::string::npos) << "only the fitted values: " << yaml;
  const Scenario fitted = load_scenario(calibrated);
  EXPECT_NEAR(fitted.choice.base_review_per_year, estimate[0], 1e-5 * estimate[0]);
  EXPECT_NEAR(fitted.demand.self_pay_share, estimate[1], 1e-5);
}

// Each run's results do not depend on the threads, so neither does the calibration: every
// evaluation and the fit are the same with one thread and two.
TEST_F(Calibration, OneThreadOrTwoGiveTheSameCalibration) {
  scenario();
  const fs::path file = dir.path() / "threads.yaml";
  std::string text = calibration({40, 8, 22}, {2, 1, 3});
  text.replace(text.find("max_evaluations: 60"), 19, "max_evaluations: 14");
  test::write_text(file, text);
  std::vector<std::vector<double>> objective, estimate, standard_error;
  for (const int threads : {1, 2}) {
    const fs::path out = dir.path() / ("threads-" + std::to_string(threads) + ".h5");
    const auto r = run_cli("calibrate " + quoted(file) + " -q -o " + quoted(out) + " --threads " +
                           std::to_string(threads));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    objective.push_back(read_doubles(out, "evaluations/objective"));
    estimate.push_back(read_doubles(out, "fit/estimate"));
    standard_error.push_back(read_doubles(out, "fit/standard_error"));
  }
  ASSERT_FALSE(objective[0].empty());
  EXPECT_EQ(objective[0], objective[1]);
  EXPECT_EQ(estimate[0], estimate[1]);
  EXPECT_EQ(standard_error[0], standard_error[1]);
}

// A calibration stopped by its budget goes on with --resume and a larger one: the evaluations in
// its file are taken instead of run again, and it ends exactly where one calibration with the
// larger budget ends.
TEST_F(Calibration, ResumeWithALargerBudgetEndsWhereOneLongCalibrationEnds) {
  scenario();
  const fs::path file = dir.path() / "budget.yaml";
  const std::string text = calibration({40, 8, 22}, {2, 1, 3});
  std::string shorter = text;
  shorter.replace(shorter.find("max_evaluations: 60"), 19, "max_evaluations: 16");
  std::string longer = text;
  longer.replace(longer.find("max_evaluations: 60"), 19, "max_evaluations: 30");
  test::write_text(file, longer);
  const fs::path whole = dir.path() / "whole.h5", parts = dir.path() / "parts.h5";
  auto r = run_cli("calibrate " + quoted(file) + " -q -o " + quoted(whole) + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  test::write_text(file, shorter);
  r = run_cli("calibrate " + quoted(file) + " -q -o " + quoted(parts) + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_LE(read_doubles(parts, "evaluations/objective").size(), 16u);
  test::write_text(file, longer);
  r = run_cli("calibrate " + quoted(file) + " -o " + quoted(parts) + " --threads 1 --resume");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("evaluations were taken from the results file"), std::string::npos) << r.output;
  EXPECT_EQ(read_doubles(parts, "evaluations/objective"), read_doubles(whole, "evaluations/objective"));
  EXPECT_EQ(read_doubles(parts, "fit/estimate"), read_doubles(whole, "fit/estimate"));
  EXPECT_EQ(read_doubles(parts, "fit/standard_error"), read_doubles(whole, "fit/standard_error"));
  // Another problem (a target's value changed) does not continue from these evaluations.
  std::string other = longer;
  other.replace(other.find("value: 40"), 9, "value: 41");
  test::write_text(file, other);
  r = run_cli("calibrate " + quoted(file) + " -o " + quoted(parts) + " --resume");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("made from another calibration"), std::string::npos) << r.output;
  EXPECT_EQ(read_doubles(parts, "fit/estimate"), read_doubles(whole, "fit/estimate")) << "left as it was";
}

// Ctrl-C stops a calibration cleanly and keeps the evaluations made so far; --resume goes on.
TEST_F(Calibration, CtrlCKeepsTheEvaluationsAndResumeGoesOn) {
  scenario();
  const fs::path file = dir.path() / "stop.yaml";
  std::string text = calibration({40, 8, 22}, {2, 1, 3});
  text.replace(text.find("max_evaluations: 60"), 19, "max_evaluations: 100000");
  text.replace(text.find("replications: 4"), 15, "replications: 20");
  test::write_text(file, text);
  const fs::path out = dir.path() / "stopped.h5";
  test::safety::BackgroundRun run({"calibrate", file.string(), "-o", out.string(), "--threads", "1"});
  ASSERT_TRUE(run.started());
  ASSERT_TRUE(run.wait_for_handler(SIGINT)) << run.output();
  // Until the first evaluation is in (each is 20 runs).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (run.running() && run.output().find("evaluation 2 of") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline)
    run.poll(100);
  ASSERT_TRUE(run.running()) << run.output();
  run.signal(SIGINT);
  const int status = run.wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGINT)
      << test::safety::describe_status(status) << "\n"
      << run.output();
  EXPECT_NE(run.output().find("--resume` goes on from them"), std::string::npos) << run.output();
  const std::size_t kept = read_doubles(out, "evaluations/objective").size();
  EXPECT_GE(kept, 2u);
  // Going on with a budget of one more evaluation than the kept ones.
  text.replace(text.find("max_evaluations: 100000"), 23, "max_evaluations: " + std::to_string(kept + 1));
  test::write_text(file, text);
  const auto r = run_cli("calibrate " + quoted(file) + " -o " + quoted(out) + " --resume --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find(std::to_string(kept) + " of the"), std::string::npos) << r.output;
}

// A parameter no target responds to is flagged, not given a confident interval.
TEST_F(Calibration, AParameterTheTargetsDoNotSeeIsFlagged) {
  scenario();
  const fs::path file = dir.path() / "blind.yaml";
  // market.entry_hurdle matters only with the market on (it is off here).
  std::string text = calibration({100, 5, 50}, {10, 1, 10});
  text.replace(text.find("demand.self_pay_share: {lower: 0, upper: 1, start: 0.6}"), 55,
               "market.entry_hurdle: {lower: 0, upper: 0.5, start: 0.1}");
  text.replace(text.find("max_evaluations: 60"), 19, "max_evaluations: 16");
  test::write_text(file, text);
  const fs::path out = dir.path() / "blind.h5";
  const auto r = run_cli("calibrate " + quoted(file) + " -q -o " + quoted(out) + " --threads 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("not identified by these targets"), std::string::npos) << r.output;
  const std::vector<double> standard_error = read_doubles(out, "fit/standard_error");
  ASSERT_EQ(standard_error.size(), 2u);
  EXPECT_TRUE(std::isnan(standard_error[1]));
}

// Mistakes anywhere in the file: each reported at its place, exit code 2, no file written (a
// `select` that is not a mapping was once an uncaught exception, found by fuzz_calibration).
TEST_F(Calibration, MistakesAreReportedWithTheirPlaceAndExitCodeTwo) {
  scenario();
  const fs::path file = dir.path() / "bad.yaml";
  test::write_text(
      file,
      "scenarios:\n"
      "  region: region.yaml\n"
      "replicatons: 4\n"  // line 3
      "parameters:\n"
      "  choice.inertai: {lower: 0, upper: 2}\n"                 // line 5
      "  choice.base_review_per_year: {lower: 1, upper: 0.5}\n"  // line 6
      "targets:\n"
      "  - {scenario: region, indicator: new_reviwes, value: 1, se: 1, source: x}\n"  // line 8
      "  - {scenario: elsewhere, indicator: new_reviews, value: 1, se: 0, source: x}\n"
      "  - {scenario: region, indicator: share_eligible_away_by_sector, value: 1, se: 1,\n"
      "     source: x, date: 2017-13-01}\n"  // line 11
      "  - {scenario: region, indicator: new_contacts_elsewhere, select: {elsewhere: abroad},\n"
      "     value: 1, se: 1}\n"
      "  - {scenario: region, indicator: new_contacts_elsewhere, select: self_pay, value: 1, se: 1,"
      " source: x}\n");
  const fs::path out = dir.path() / "never.h5";
  const auto r = run_cli("calibrate " + quoted(file) + " -o " + quoted(out));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  const std::string f = file.string();
  for (const std::string& expected : std::vector<std::string>{
           f + ":3:1: error: replicatons: unknown key; did you mean 'replications'?",
           f + ":5:3: error: parameters.choice.inertai: not a scenario parameter; did you mean "
               "'choice.inertia'?",
           f + ":6:50: error: parameters.choice.base_review_per_year.upper: must be greater than lower (1)",
           f + ":8:35: error: targets[0].indicator: not a summary item or recorded indicator; did you mean "
               "'new_reviews'?",
           f + ":9:16: error: targets[1].scenario: no such scenario (given: region)",
           f + ":9:65: error: targets[1].se: must be above 0 (got 0)",
           f + ":10:5: error: targets[2].select.sector: missing: one sector of share_eligible_away_by_sector "
               "(public, private, "
               "third_sector)",
           f + ":11:23: error: targets[2].date: must be an ISO date YYYY-MM-DD (got '2017-13-01')",
           "targets[3].select.elsewhere: unknown elsewhere 'abroad' (allowed: occupational, self_pay, "
           "self_care)",
           "targets[3].source: missing", "targets[4].select: must be a mapping of dimension: label"})
    EXPECT_NE(r.output.find(expected), std::string::npos) << "expected: " << expected << "\n" << r.output;
  EXPECT_FALSE(fs::exists(out));
}

// Fewer targets than parameters cannot identify them: refused before any run.
TEST_F(Calibration, FewerTargetsThanParametersAreRefused) {
  scenario();
  const fs::path file = dir.path() / "few.yaml";
  std::string text = calibration({1, 1, 1}, {1, 1, 1});
  text = text.substr(0, text.find("  - {scenario: region, indicator: new_contacts_elsewhere"));
  test::write_text(file, text);
  const auto r = run_cli("calibrate " + quoted(file) + " -o " + quoted(dir.path() / "few.h5"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("1 targets cannot identify 2 parameters"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace valinta

namespace valinta {
namespace {

// The example calibration of the pilots (scenarios/calibration/pilots.yaml) stays a valid file:
// its scenarios load, its parameters and targets are what the engine offers.
TEST(CalibrationExample, ThePilotsCalibrationIsValid) {
  const CalibrationSpec spec = load_calibration(std::filesystem::path(VALINTA_SOURCE_DIR) / "scenarios" /
                                                "calibration" / "pilots.yaml");
  EXPECT_EQ(spec.scenarios.size(), 3u);
  EXPECT_EQ(spec.parameters.size(), 3u);
  EXPECT_EQ(spec.targets.size(), 6u);
  for (const CalibrationTarget& t : spec.targets)
    EXPECT_NE(t.source.find("docs/facts.md"), std::string::npos);
}

}  // namespace
}  // namespace valinta

namespace valinta {
namespace {

// Log and logit scales: values round-trip, and the fit on the parameter's own scale follows by the
// delta method (standard error x d value / d search) with the interval made on the search scale.
TEST(CalibrationScales, TransformsAndTheDeltaMethod) {
  CalibrationParameter log_p{"a", false, 0.1, 10, 1, Transform::log};
  CalibrationParameter logit_p{"b", false, 0.01, 0.99, 0.5, Transform::logit};
  for (const double v : {0.1, 0.7, 2.0, 9.5}) EXPECT_NEAR(from_search(log_p, to_search(log_p, v)), v, 1e-12);
  for (const double v : {0.02, 0.3, 0.9}) EXPECT_NEAR(from_search(logit_p, to_search(logit_p, v)), v, 1e-12);
  CalibrationSpec spec;
  spec.parameters = {log_p, logit_p};
  msm::Fit fit;
  fit.theta = Eigen::Vector2d(std::log(2.0), 0.0);  // a = 2, b = 0.5
  fit.standard_errors = Eigen::Vector2d(0.1, 0.2);
  fit.covariance = Eigen::Matrix2d{{0.01, 0.001}, {0.001, 0.04}};
  fit.jacobian = Eigen::MatrixXd::Ones(3, 2);
  const NaturalFit own = natural_fit(spec, fit);
  EXPECT_NEAR(own.theta[0], 2.0, 1e-12);
  EXPECT_NEAR(own.theta[1], 0.5, 1e-12);
  EXPECT_NEAR(own.standard_errors[0], 0.2, 1e-12);   // 0.1 x 2
  EXPECT_NEAR(own.standard_errors[1], 0.05, 1e-12);  // 0.2 x 0.5 x 0.5
  EXPECT_NEAR(own.covariance(0, 1), 0.001 * 2 * 0.25, 1e-12);
  EXPECT_NEAR(own.ci_low[0], 2 * std::exp(-0.196), 1e-12);  // positive, and not symmetric
  EXPECT_NEAR(own.ci_high[0], 2 * std::exp(0.196), 1e-12);
  EXPECT_NEAR(own.jacobian(0, 0), 0.5, 1e-12);  // d m / d a = (d m / d log a) / a
  EXPECT_NEAR(own.jacobian(0, 1), 4.0, 1e-12);
}

TEST_F(Calibration, TransformsAndThePilotAreaAreCheckedAndUsed) {
  scenario();
  const fs::path file = dir.path() / "scales.yaml";
  std::string text = calibration({40, 8, 22}, {2, 1, 3});
  text.replace(text.find("{lower: 0, upper: 1, start: 0.6}"), 32,
               "{lower: 0, upper: 1, start: 0.6, transform: logit}");
  test::write_text(file, text);
  auto r = run_cli("calibrate " + quoted(file) + " -o " + quoted(dir.path() / "x.h5"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("logit needs bounds strictly between 0 and 1 (got 0 to 1)"), std::string::npos)
      << r.output;
  std::string share = calibration({40, 8, 22}, {2, 1, 3});
  share.replace(
      share.find("options:"), share.size() - share.find("options:"),
      "  - {scenario: region, indicator: share_eligible_away_by_sector, select: {sector: private},\n"
      "     value: 0.05, se: 0.01, source: x}\n");
  test::write_text(file, share);
  const CalibrationSpec ok = load_calibration(file);
  EXPECT_EQ(ok.targets.size(), 4u);

  // The pilot area's switches are the zones' switches added up.
  std::string zones = calibration({40, 8, 22}, {2, 1, 3});
  zones.replace(
      zones.find("options:"), zones.size() - zones.find("options:"),
      "  - {scenario: region, indicator: new_switches_by_zone, select: {zone: pilot_area}, value: 1,"
      " se: 1, source: x}\n"
      "  - {scenario: region, indicator: new_switches_by_zone, select: {zone: A}, value: 1, se: 1,"
      " source: x}\n"
      "  - {scenario: region, indicator: new_switches_by_zone, select: {zone: B}, value: 1, se: 1,"
      " source: x}\n");
  test::write_text(file, zones);
  const CalibrationSpec spec = load_calibration(file);
  const RunRecord run = run_and_record(load_scenario(spec.scenarios.front().second), {3, 0, 1}, true);
  ASSERT_TRUE(run.ok) << run.error;
  const double area = target_moment(spec, spec.targets[3], run);
  EXPECT_GT(area, 0);
  EXPECT_DOUBLE_EQ(area,
                   target_moment(spec, spec.targets[4], run) + target_moment(spec, spec.targets[5], run));
  // The pilot area is a label of zones only.
  std::string bad = zones;
  const std::string area_target = "indicator: new_switches_by_zone, select: {zone: pilot_area}";
  bad.replace(bad.find(area_target), area_target.size(),
              "indicator: share_eligible_away_by_sector, select: {sector: private, zone: pilot_area}");
  test::write_text(file, bad);
  r = run_cli("calibrate " + quoted(file) + " -o " + quoted(dir.path() / "x.h5"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("not a dimension of share_eligible_away_by_sector (it has: sector)"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace valinta

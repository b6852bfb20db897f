// Sweep files and designs: every problem reported with file:line:col; grids combine every value;
// a Latin hypercube uses each stratum of every parameter exactly once; Sobol points fill the box.
#include "valinta/study/sweep.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "cli/cli_helpers.hpp"
#include "valinta/scenario/diagnostics.hpp"

namespace valinta {
namespace {

namespace fs = std::filesystem;

class Sweep : public ::testing::Test {
 protected:
  test::ScratchDir dir{"sweep"};
  fs::path write(const std::string& text) {
    const fs::path p = dir.path() / "sweep.yaml";
    test::write_text(p, text);
    return p;
  }
  std::string base() const {
    return (fs::path(VALINTA_TEST_DIR).parent_path() / "scenarios" / "keski-suomi.yaml").string();
  }
  // The errors of loading `text`, formatted; empty if it loads.
  std::string errors(const std::string& text) {
    try {
      load_sweep(write(text));
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  }
};

TEST_F(Sweep, GridRunsEveryCombinationLastParameterFastest) {
  const SweepSpec spec = load_sweep(write("scenario: " + base() +
                                          "\ndesign: grid\nreplications: 3\nparameters:\n"
                                          "  rules.max_switches_per_year: {values: [1, 4]}\n"
                                          "  choice.inertia: {values: [1, 2, 3]}\n"));
  EXPECT_EQ(spec.points, 6);
  EXPECT_EQ(spec.replications, 3);
  EXPECT_TRUE(spec.parameters[0].integer);
  EXPECT_FALSE(spec.parameters[1].integer);
  const auto points = design_points(spec, 1);
  const std::vector<std::vector<double>> expected = {{1, 1}, {1, 2}, {1, 3}, {4, 1}, {4, 2}, {4, 3}};
  EXPECT_EQ(points, expected);
  EXPECT_EQ(point_overrides(spec, points[4]),
            (std::vector<std::string>{"rules.max_switches_per_year=4", "choice.inertia=2"}));
}

TEST_F(Sweep, LatinHypercubeUsesEveryStratumOnce) {
  const SweepSpec spec = load_sweep(write("scenario: " + base() +
                                          "\ndesign: latin_hypercube\npoints: 20\nparameters:\n"
                                          "  choice.inertia: {min: 1, max: 3}\n"
                                          "  choice.awareness_per_year: {min: 0.2, max: 1}\n"));
  const auto points = design_points(spec, 42);
  ASSERT_EQ(points.size(), 20u);
  for (std::size_t d = 0; d < 2; ++d) {
    const double lo = spec.parameters[d].min, hi = spec.parameters[d].max;
    std::set<int> strata;
    for (const auto& p : points) {
      EXPECT_GE(p[d], lo);
      EXPECT_LE(p[d], hi);
      strata.insert(static_cast<int>((p[d] - lo) / (hi - lo) * 20));
    }
    EXPECT_EQ(strata.size(), 20u) << "parameter " << d << ": a stratum was used twice";
  }
  EXPECT_EQ(design_points(spec, 42), points) << "the same seed gives the same design";
  EXPECT_NE(design_points(spec, 43), points) << "another seed gives another design";
}

TEST_F(Sweep, SobolPointsFillTheBoxAndIntegersAreRounded) {
  const SweepSpec spec = load_sweep(write("scenario: " + base() +
                                          "\ndesign: sobol\npoints: 16\nparameters:\n"
                                          "  choice.inertia: {min: 0, max: 4}\n"
                                          "  rules.max_switches_per_year: {min: 1, max: 12}\n"));
  const auto points = design_points(spec, 1);
  ASSERT_EQ(points.size(), 16u);
  std::set<std::vector<double>> distinct(points.begin(), points.end());
  EXPECT_EQ(distinct.size(), 16u);
  int low_half = 0;
  for (const auto& p : points) {
    EXPECT_GE(p[0], 0);
    EXPECT_LE(p[0], 4);
    EXPECT_EQ(p[1], std::round(p[1]));
    low_half += p[0] < 2 ? 1 : 0;
  }
  EXPECT_EQ(low_half, 8) << "a Sobol sequence of 16 points puts half in each half of a range";
}

TEST_F(Sweep, ProblemsAreReportedWithPositionAndWhatIsAllowed) {
  const std::string e = errors("scenario: " + base() +
                               "\ndesign: latin_hypercub\npoints: 0\nreplicatons: 2\nparameters:\n"
                               "  choice.inertiaa: {min: 1, max: 3}\n"
                               "  choice.awareness_per_year: {min: 0.9, max: 0.1}\n"
                               "  rules.information: {min: 0, max: 1}\n");
  EXPECT_NE(e.find("sweep.yaml:2:9: error: design: unknown design 'latin_hypercub' (allowed: grid, "
                   "latin_hypercube, sobol)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("sweep.yaml:4:1: error: replicatons: unknown key; did you mean 'replications'?"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("sweep.yaml:6:3: error: parameters.choice.inertiaa: not a scenario parameter; did you "
                   "mean 'choice.inertia'?"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("rules.information: only numeric parameters"), std::string::npos) << e;
  EXPECT_EQ(e.find("awareness_per_year"), std::string::npos)
      << "ranges are checked only against a known design\n"
      << e;
  const std::string f = errors("scenario: " + base() +
                               "\ndesign: sobol\npoints: 0\nparameters:\n"
                               "  choice.awareness_per_year: {min: 0.9, max: 0.1}\n");
  EXPECT_NE(f.find("sweep.yaml:3:9: error: points: must be from 1 to 1000000 (got 0)"), std::string::npos)
      << f;
  EXPECT_NE(
      f.find(
          "sweep.yaml:5:46: error: parameters.choice.awareness_per_year.max: must be greater than min (0.9)"),
      std::string::npos)
      << f;
}

TEST_F(Sweep, UglyInputIsRefusedCleanly) {
  EXPECT_NE(errors("").find("a sweep must be a mapping"), std::string::npos);
  EXPECT_NE(errors("[1, 2").find("invalid YAML"), std::string::npos);
  EXPECT_NE(errors("design: grid\nparameters: {}\n").find("scenario: missing"), std::string::npos);
  EXPECT_NE(
      errors("scenario: x.yaml\ndesign: grid\npoints: 3\nparameters:\n  choice.inertia: {min: 1, max: 2}\n")
          .find("a grid runs every combination"),
      std::string::npos);
  EXPECT_NE(errors("scenario: x.yaml\ndesign: grid\nparameters:\n  choice.inertia: {values: [1, -2]}\n")
                .find("-2 is outside what choice.inertia allows"),
            std::string::npos);
  EXPECT_NE(
      errors("scenario: x.yaml\ndesign: grid\nparameters:\n  rules.max_switches_per_year: {values: [1.5]}\n")
          .find("must be a whole number"),
      std::string::npos);
  EXPECT_NE(errors("scenario: x.yaml\ndesign: sobol\npoints: 99999999\nparameters:\n  choice.inertia: {min: "
                   "1, max: 2}\n")
                .find("points: must be from 1 to 1000000"),
            std::string::npos);
  const std::string huge_grid =
      "scenario: x.yaml\ndesign: grid\nparameters:\n"
      "  choice.inertia: {values: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}\n"
      "  choice.awareness_per_year: {values: [0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0]}\n"
      "  rules.min_listing_months: {values: [1,2,3,4,5,6,7,8,9,10,11,12]}\n"
      "  demand.ohc_offload: {values: [0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1.0]}\n"
      "  choice.speed_kmh: {values: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}\n"
      "  demand.induced_visits: {values: [0,1,2,3,4,5,6,7,8,9]}\n";
  EXPECT_NE(errors(huge_grid).find("the grid has 4800000 points; at most 1000000"), std::string::npos)
      << errors(huge_grid);
  for (const std::string text :
       {"scenario: x.yaml\ndesign: grid\nparameters:\n  choice.inertia: {values: [1, .nan]}\n",
        "scenario: x.yaml\ndesign: sobol\npoints: 4\nparameters:\n  choice.inertia: {min: 1, max: .inf}\n"})
    EXPECT_NE(errors(text).find("must be a finite number"), std::string::npos) << text << "\n"
                                                                               << errors(text);
  // Keys that are lists or mappings (found by the sweep fuzzer: they escaped as yaml-cpp errors).
  for (const std::string text :
       {"[a]: 1\nscenario: x.yaml\n", "scenario: x.yaml\ndesign: grid\nparameters:\n  {k: v}: 2\n",
        "scenario: x.yaml\ndesign: grid\nparameters:\n  choice.inertia: {[values]: [1]}\n"})
    EXPECT_NE(errors(text).find("keys must be plain names"), std::string::npos) << text << "\n"
                                                                                << errors(text);
}

}  // namespace
}  // namespace valinta

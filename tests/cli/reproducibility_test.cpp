// Reproducibility (docs/architecture.md, "Fast and exact"): the same seed gives
// a bit-identical results file for any number of threads and on every repetition; a different
// seed gives a different one. Files are compared object by object (support/h5_compare.hpp),
// ignoring only the root attributes that record when, how and on how many threads the run was.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cli/cli_helpers.hpp"
#include "support/h5_compare.hpp"
#include "support/test_support.hpp"
#include "valinta/output/h5_file.hpp"

namespace valinta::test {
namespace {

namespace fs = std::filesystem;

// Runs `valinta run <scenario_args> -o <out> <options>` and expects success and a file.
void run_to(const std::string& scenario_args, const fs::path& out, const std::string& options) {
  const CliResult r = run_cli("run " + scenario_args + " -o " + quoted(out) + " -q " + options);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_TRUE(fs::exists(out)) << r.output;
}

// True if some difference is in a dataset or an attribute other than the root's `seed`.
bool has_data_difference(const std::vector<std::string>& differences) {
  return std::any_of(differences.begin(), differences.end(),
                     [](const std::string& d) { return d.rfind("/ @", 0) != 0; });
}

// A scenario to run and a seed other than its own.
struct Case {
  std::string scenario_args;  // what follows `valinta run`
  std::string other_seed;
};

// --threads 1, --threads 2 (and `extra_threads`), a repeated run and another seed.
void expect_reproducible(const Case& c, const fs::path& dir, const std::string& extra_threads = "") {
  const fs::path one = dir / "threads1.h5", two = dir / "threads2.h5", again = dir / "threads2-again.h5";
  ASSERT_NO_FATAL_FAILURE(run_to(c.scenario_args, one, "--threads 1"));
  ASSERT_NO_FATAL_FAILURE(run_to(c.scenario_args, two, "--threads 2"));
  ASSERT_NO_FATAL_FAILURE(run_to(c.scenario_args, again, "--threads 2"));
  EXPECT_TRUE(h5_files_equal(one, two)) << "--threads 1 and --threads 2 must give the same results";
  EXPECT_TRUE(h5_files_equal(two, again)) << "a repeated run must give the same results";
  if (!extra_threads.empty()) {
    const fs::path more = dir / ("threads" + extra_threads + ".h5");
    ASSERT_NO_FATAL_FAILURE(run_to(c.scenario_args, more, "--threads " + extra_threads));
    EXPECT_TRUE(h5_files_equal(one, more))
        << "--threads 1 and --threads " << extra_threads << " must give the same results";
  }

  const fs::path other = dir / "other-seed.h5";
  ASSERT_NO_FATAL_FAILURE(run_to(c.scenario_args, other, "--threads 1 --seed " + c.other_seed));
  const std::vector<std::string> differences = h5_differences(one, other);
  EXPECT_TRUE(has_data_difference(differences)) << "another seed must change the simulated results";
  EXPECT_NE(std::find_if(differences.begin(), differences.end(),
                         [](const std::string& d) { return d.rfind("/ @seed", 0) == 0; }),
            differences.end())
      << "the seed attribute must record the seed";
}

// The text of the string dataset `path` of an HDF5 file ("" if it cannot be read).
std::string text_dataset(const fs::path& file, const std::string& path) {
  using detail::h5::Id;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Id f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Id ds(f.valid() ? H5Dopen2(f, path.c_str(), H5P_DEFAULT) : -1, H5Dclose);
  if (!ds.valid()) return "";
  Id type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  char* text = nullptr;
  if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) < 0 || text == nullptr) return "";
  std::string out(text);
  H5free_memory(text);
  return out;
}

// The resolved scenario a results file keeps runs the same simulation again, also when the run
// changed its rules on the way (it holds the rules the run started with, and the rule change).
TEST(Reproducibility, TheResolvedScenarioInTheResultsFileRunsTheSameSimulation) {
  const ScratchDir scratch("repro-resolved");
  const fs::path scenario = scratch.path() / "rules.yaml", first = scratch.path() / "first.h5";
  write_text(scenario,
             small_daily_yaml() +
                 "events:\n  - {date: 2017-04-01, type: rule_change, set: {rules.min_listing_months: 12}}\n");
  ASSERT_NO_FATAL_FAILURE(run_to(quoted(scenario), first, "--seed 31"));
  const std::string resolved = text_dataset(first, "/scenario/resolved");
  ASSERT_NE(resolved.find("min_listing_months: 2"), std::string::npos) << resolved;
  const fs::path again_scenario = scratch.path() / "resolved.yaml", again = scratch.path() / "again.h5";
  write_text(again_scenario, resolved);
  ASSERT_NO_FATAL_FAILURE(run_to(quoted(again_scenario), again, "--seed 31"));
  H5CompareOptions options;
  // The files given differ; what they say does not.
  options.ignored_objects = {"/scenario/source"};
  options.ignored_attributes["/"].insert("scenario_file");
  const std::vector<std::string> differences = h5_differences(first, again, options);
  EXPECT_TRUE(differences.empty()) << differences.front();
}

// The built-in default scenario at full size (272,617 residents, weekly steps).
TEST(Reproducibility, DefaultScenario) {
  const ScratchDir scratch("repro-default");
  expect_reproducible({"", "20170202"}, scratch.path(), "4");
}

// A rule set with every module on (market entry and exit, customer plans, events): 1, 2 and 4
// threads give the same file.
TEST(Reproducibility, RuleSetWithMarketAndPlans) {
  const ScratchDir scratch("repro-market");
  const fs::path file = scratch.path() / "market.yaml";
  write_text(file, "extends: " + (fs::path(VALINTA_SOURCE_DIR) / "scenarios" / "bill-2018.yaml").string() +
                       "\nplans: {prob_per_week: 0.02}\npopulation: {scale: 0.2}\n");
  expect_reproducible({quoted(file), "5"}, scratch.path(), "4");
}

// A small region stepped daily; three threads split its residents unevenly.
TEST(Reproducibility, SmallScenarioWithDailySteps) {
  const ScratchDir scratch("repro-daily");
  const fs::path& dir = scratch.path();
  const fs::path file = dir / "small-daily.yaml";
  write_text(file, small_daily_yaml());
  expect_reproducible({quoted(file), "2"}, dir, "3");
}

// The comparison itself: it must see every kind of difference and ignore only what it is told to.
TEST(Reproducibility, FileComparisonSeesEveryKindOfDifference) {
  const ScratchDir scratch("repro-compare");
  const fs::path& dir = scratch.path();
  const std::vector<std::int64_t> steps = {0, 1, 2};
  auto write = [&](const std::string& name, auto&& change) {
    output::H5File f(dir / name, false);
    f.attribute("/", "created", name);  // ignored by default
    f.attribute("/", "seed", std::int64_t{7});
    f.dimension("step", steps, "1", "step");
    f.dimension("other", steps, "1", "another axis of the same length");
    std::vector<double> values = {1.0, 2.0, 3.0};
    std::string units = "residents", dim = "step";
    change(values, units, dim, f);
    f.variable("group/values", values, {dim}, units, "some values");
    f.commit();
  };
  write("base.h5", [](auto&, auto&, auto&, auto&) {});
  write("same.h5", [](auto&, auto&, auto&, auto&) {});
  write("value.h5", [](std::vector<double>& v, auto&, auto&, auto&) { v[2] = std::nextafter(3.0, 4.0); });
  write("units.h5", [](auto&, std::string& units, auto&, auto&) { units = "persons"; });
  write("axis.h5", [](auto&, auto&, std::string& dim, auto&) { dim = "other"; });
  write("root-attribute.h5",
        [](auto&, auto&, auto&, output::H5File& f) { f.attribute("/", "seed", std::int64_t{8}); });
  write("extra.h5", [](auto&, auto&, auto&, output::H5File& f) { f.text("extra", "x", "an extra dataset"); });

  EXPECT_TRUE(h5_files_equal(dir / "base.h5", dir / "same.h5"));
  for (const char* name : {"value.h5", "units.h5", "axis.h5", "root-attribute.h5", "extra.h5"})
    EXPECT_FALSE(h5_files_equal(dir / "base.h5", dir / name)) << name;
  const auto value_diff = h5_differences(dir / "base.h5", dir / "value.h5");
  ASSERT_EQ(value_diff.size(), 1u);
  EXPECT_NE(value_diff[0].find("/group/values: 1 of 3 values differ; first at flat index 2"),
            std::string::npos)
      << value_diff[0];
  H5CompareOptions nothing_ignored;
  nothing_ignored.ignored_attributes.clear();
  EXPECT_FALSE(h5_files_equal(dir / "base.h5", dir / "same.h5", nothing_ignored));
  EXPECT_FALSE(h5_files_equal(dir / "base.h5", dir / "missing.h5"));
  H5CompareOptions group_ignored;
  group_ignored.ignored_objects = {"/group"};  // and everything in it
  EXPECT_TRUE(h5_files_equal(dir / "base.h5", dir / "value.h5", group_ignored));
  EXPECT_TRUE(h5_files_equal(dir / "base.h5", dir / "units.h5", group_ignored));
  // Dimension scales are compared by the objects their references point to.
  const auto axis_diff = h5_differences(dir / "base.h5", dir / "axis.h5");
  for (const char* where :
       {"/group/values @DIMENSION_LIST", "/step @REFERENCE_LIST", "/other @REFERENCE_LIST"})
    EXPECT_NE(std::find_if(axis_diff.begin(), axis_diff.end(),
                           [&](const std::string& d) { return d.rfind(where, 0) == 0; }),
              axis_diff.end())
        << where << " not among the differences:\n"
        << testing::PrintToString(axis_diff);
}

}  // namespace
}  // namespace valinta::test

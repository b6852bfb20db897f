// The commands that run many simulations, as a user runs them: `run --replications`, `compare`
// and `sweep`; the progress lines and --profile.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cmath>
#include <vector>

#include "cli/cli_helpers.hpp"

namespace valinta {
namespace {

namespace fs = std::filesystem;
using test::quoted;
using test::run_cli;

// A dataset of a results file read as doubles, with its shape; empty if it is not there.
struct Array {
  std::vector<hsize_t> shape;
  std::vector<double> data;
};
Array read_array(const fs::path& file, const std::string& name) {
  Array a;
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return a;
  int rank = 0;
  if (H5LTpath_valid(f, ("/" + name).c_str(), 1) > 0 && H5LTget_dataset_ndims(f, name.c_str(), &rank) >= 0) {
    a.shape.resize(static_cast<std::size_t>(rank));
    H5LTget_dataset_info(f, name.c_str(), a.shape.data(), nullptr, nullptr);
    hsize_t n = 1;
    for (const auto d : a.shape) n *= d;
    a.data.resize(n);
    H5LTread_dataset_double(f, name.c_str(), a.data.data());
  }
  H5Fclose(f);
  return a;
}

class Study : public ::testing::Test {
 protected:
  test::ScratchDir dir{"study"};
  fs::path scenario(const std::string& name, const std::string& extra = "", int steps = 30) {
    std::string yaml =
        test::small_region_yaml(3000, 1500) +
        "pilot: {zones: [A, B]}\n"
        "rules: {min_listing_months: 1}\n"
        "producers:\n"
        "  - {name: Private A, sector: private, zone: A, capacity_per_week: 60, digital: 0.7}\n" +
        extra;
    yaml.replace(yaml.find("name: small"), 11, "name: " + name);
    yaml.replace(yaml.find("steps: 52"), 9, "steps: " + std::to_string(steps));
    const fs::path p = dir.path() / (name + ".yaml");
    test::write_text(p, yaml);
    return p;
  }
};

TEST_F(Study, ReplicationsShareOneFileAndReplicationZeroIsTheSingleRun) {
  const fs::path s = scenario("base");
  const fs::path reps = dir.path() / "reps.h5", one = dir.path() / "one.h5";
  const auto r = run_cli("run " + quoted(s) + " --replications 3 --seed 11 --threads 2 -o " + quoted(reps));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("3 replications; mean and 95 % interval of the mean"), std::string::npos)
      << r.output;
  ASSERT_EQ(run_cli("run " + quoted(s) + " --seed 11 -q -o " + quoted(one)).exit_code, 0);

  const Array listed = read_array(reps, "n_listed"), single = read_array(one, "n_listed");
  ASSERT_EQ(listed.shape.size(), 3u) << "replication x step x producer";
  EXPECT_EQ(listed.shape[0], 3u);
  ASSERT_EQ(single.shape.size(), 2u);
  EXPECT_EQ(listed.shape[1], single.shape[0]);
  const std::vector<double> first(listed.data.begin(),
                                  listed.data.begin() + static_cast<long>(single.data.size()));
  EXPECT_EQ(first, single.data) << "replication 0 is the run with the same seed";
  const std::vector<double> second(listed.data.begin() + static_cast<long>(single.data.size()),
                                   listed.data.begin() + 2 * static_cast<long>(single.data.size()));
  EXPECT_NE(second, single.data) << "replication 1 draws other random numbers";

  const Array summary = read_array(reps, "summary"), mean = read_array(reps, "summary_mean");
  const Array low = read_array(reps, "summary_ci_low"), high = read_array(reps, "summary_ci_high");
  ASSERT_EQ(summary.shape, (std::vector<hsize_t>{3, 14}));
  ASSERT_EQ(mean.shape, (std::vector<hsize_t>{14}));
  for (std::size_t k = 0; k < 14; ++k) {
    const double m = (summary.data[k] + summary.data[14 + k] + summary.data[28 + k]) / 3;
    EXPECT_NEAR(mean.data[k], m, 1e-12 * std::max(1.0, std::abs(m)));
    EXPECT_LE(low.data[k], mean.data[k]);
    EXPECT_GE(high.data[k], mean.data[k]);
  }
}

TEST_F(Study, CompareTablesPairedDifferencesAndWritesOneFile) {
  const fs::path a = scenario("a"), b = scenario("b", "choice: {inertia: 0.5}\n");
  const fs::path out = dir.path() / "cmp.h5";
  const auto r = run_cli("compare " + quoted(a) + " " + quoted(b) + " " + quoted(a) +
                         " --replications 3 --threads 2 -q -o " + quoted(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* text : {"A = a (", "B = b (", "B = a-2 (", "B - A", "95 % interval", "clear?",
                           "switched at least once", "yes, B higher", "no (identical)"})
    EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
  const Array diff = read_array(out, "difference_mean"), clear = read_array(out, "difference_clear");
  const Array summary = read_array(out, "summary");
  ASSERT_EQ(diff.shape, (std::vector<hsize_t>{3, 14}));
  ASSERT_EQ(summary.shape, (std::vector<hsize_t>{3, 3, 14}));
  for (std::size_t k = 0; k < 14; ++k) {
    EXPECT_EQ(diff.data[k], 0) << "the baseline minus itself";
    EXPECT_EQ(diff.data[28 + k], 0) << "the same scenario again, with the same random numbers";
    EXPECT_EQ(clear.data[28 + k], 0);
  }
  EXPECT_GT(diff.data[14 + 5], 0) << "less inertia: more residents switch";
  EXPECT_EQ(clear.data[14 + 5], 1);
  // Series without producer or zone dimensions, by scenario and replication.
  const Array books = read_array(out, "organiser_books_eur");
  ASSERT_EQ(books.shape.size(), 4u);
  EXPECT_EQ(books.shape[0], 3u);
  EXPECT_EQ(books.shape[1], 3u);
  EXPECT_TRUE(read_array(out, "n_listed").shape.empty())
      << "producer series differ between scenarios; left out";
}

TEST_F(Study, CompareRefusesScenariosOnDifferentTimeAxes) {
  const fs::path a = scenario("a"), b = scenario("b", "", 40);
  const fs::path out = dir.path() / "cmp.h5";
  const auto r = run_cli("compare " + quoted(a) + " " + quoted(b) + " --replications 2 -o " + quoted(out));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("must share one time axis"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
  const auto one = run_cli("compare " + quoted(a) + " " + quoted(a) + " --replications 1 -o " + quoted(out));
  EXPECT_EQ(one.exit_code, 2) << "an interval needs two replications\n" << one.output;
  const auto single = run_cli("compare " + quoted(a) + " --replications 2 -o " + quoted(out));
  EXPECT_EQ(single.exit_code, 2) << single.output;
  EXPECT_FALSE(fs::exists(out));
}

// The service package is compared region by region, so compared scenarios' zones must name the
// same regions; and the whole area's package is printed with the paired differences.
TEST_F(Study, CompareNeedsTheSameRegionsAndPrintsTheServicePackage) {
  const fs::path a = scenario("a"), b = scenario("b", "choice: {inertia: 0.5}\n");
  fs::path regional = scenario("regional");
  std::string text = test::read_text(regional);
  text.replace(text.find("{name: A,"), 9, "{name: A, region: North,");
  test::write_text(regional, text);
  const fs::path out = dir.path() / "cmp.h5";
  const auto refused =
      run_cli("compare " + quoted(a) + " " + quoted(regional) + " --replications 2 -o " + quoted(out));
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("regions of the service package"), std::string::npos) << refused.output;
  EXPECT_FALSE(fs::exists(out));
  const auto r = run_cli("compare " + quoted(a) + " " + quoted(b) + " --replications 2 -o " + quoted(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* text : {"Service package of the whole area", "cost per visit", "EUR/visit", "continuity"})
    EXPECT_NE(r.output.find(text), std::string::npos) << text << "\n" << r.output;
  const Array cost = read_array(out, "service_package/region/cost_per_visit_eur");
  ASSERT_EQ(cost.shape, (std::vector<hsize_t>{2, 2, 1})) << "scenario, replication, region (all)";
  for (const double v : cost.data) EXPECT_GT(v, 0);
  // --by-region prints every region's package too.
  const fs::path regional_b = dir.path() / "regional-b.yaml";
  text.replace(text.find("name: regional"), 14, "name: regional-b\nchoice: {inertia: 0.5}");
  test::write_text(regional_b, text);
  const fs::path out2 = dir.path() / "cmp2.h5";
  const auto by_region = run_cli("compare " + quoted(regional) + " " + quoted(regional_b) +
                                 " --replications 2 --by-region -o " + quoted(out2));
  ASSERT_EQ(by_region.exit_code, 0) << by_region.output;
  EXPECT_NE(by_region.output.find("Service package of North"), std::string::npos) << by_region.output;
  EXPECT_EQ(read_array(out2, "service_package/region/cost_per_visit_eur").shape,
            (std::vector<hsize_t>{2, 2, 2}));
  const auto plain = run_cli("compare " + quoted(a) + " " + quoted(b) + " --replications 2 --by-region -o " +
                             quoted(dir.path() / "cmp3.h5"));
  EXPECT_NE(plain.output.find("the zones name no regions"), std::string::npos) << plain.output;
}

TEST_F(Study, SweepKeepsTheRunsThatFinishWhenOthersFail) {
  const fs::path s = scenario("base");
  const fs::path sweep = dir.path() / "sweep.yaml", out = dir.path() / "sweep.h5";
  // 30 weekly steps are 210 days: a minimum listing of 12 months cannot be run and fails.
  test::write_text(sweep,
                   "scenario: base.yaml\ndesign: grid\nreplications: 2\nparameters:\n"
                   "  rules.min_listing_months: {values: [1, 12]}\n"
                   "  choice.inertia: {values: [0.5, 3]}\n");
  const auto r = run_cli("sweep " + quoted(sweep) + " --threads 2 -o " + quoted(out));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("warning: 4 of 8 runs failed"), std::string::npos) << r.output;
  const Array ok = read_array(out, "run_ok"), params = read_array(out, "run_parameters");
  const Array summary = read_array(out, "summary");
  ASSERT_EQ(ok.data, (std::vector<double>{1, 1, 1, 1, 0, 0, 0, 0}));
  ASSERT_EQ(params.shape, (std::vector<hsize_t>{8, 2}));
  EXPECT_EQ(params.data[2 * 2 + 1], 3) << "run 2: point 1 (1 month, inertia 3), replication 0";
  EXPECT_TRUE(std::isnan(summary.data[4 * 14 + 5]));
  EXPECT_GT(summary.data[0 * 14 + 5], summary.data[2 * 14 + 5]) << "less inertia, more switching";
  const Array rep = read_array(out, "run_replication");
  EXPECT_EQ(rep.data, (std::vector<double>{0, 1, 0, 1, 0, 1, 0, 1}));
}

TEST_F(Study, BadSweepFileExitsTwoAndWritesNothing) {
  const fs::path sweep = dir.path() / "sweep.yaml", out = dir.path() / "sweep.h5";
  test::write_text(sweep,
                   "scenario: missing.yaml\ndesign: grid\nparameters:\n  choice.inertia: {values: [1]}\n");
  const auto r = run_cli("sweep " + quoted(sweep) + " -o " + quoted(out));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("missing.yaml"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(Study, ProgressLinesWhenNotATerminalAndNothingWhenQuiet) {
  const fs::path s = scenario("base");
  const auto r = run_cli("run " + quoted(s) + " -o " + quoted(dir.path() / "a.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Progress counts the 52 warm-up steps and the 30 recorded ones.
  EXPECT_NE(r.output.find("30 steps of 7 days after 52 steps of warm-up"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("valinta: step 41/82 (50 %)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("valinta: step 82/82 (100 %)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("steps/s"), std::string::npos);
  EXPECT_NE(r.output.find("left"), std::string::npos);
  EXPECT_EQ(r.output.find("\r"), std::string::npos) << "no terminal control characters in a log";
  const auto q = run_cli("run " + quoted(s) + " -q -o " + quoted(dir.path() / "b.h5"));
  EXPECT_EQ(q.output, (dir.path() / "b.h5").string() + "\n");  // the path alone
}

TEST_F(Study, ProgressBarOnATerminal) {
  if (test::run_shell("command -v script").exit_code != 0) GTEST_SKIP() << "script(1) is not installed";
  const fs::path s = scenario("base");
  // script(1) gives the run a terminal; the bar redraws one line with carriage returns.
  const std::string command =
      std::string(VALINTA_CLI) + " run " + test::quoted(s) + " -o " + test::quoted(dir.path() / "a.h5");
  const auto r = test::run_shell("script -qec " + test::quoted(fs::path(command)) + " /dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("\r  ["), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("steps/s"), std::string::npos) << r.output;
  // The last draw always comes (the bar redraws at most every 0.1 s, so a fast run may show no
  // other); the time left is checked in the log lines above.
  EXPECT_NE(r.output.find("step 82/82 (100 %)"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\033[K"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("valinta: step "), std::string::npos) << "no log lines on a terminal";
  EXPECT_NE(r.output.find("results: "), std::string::npos);
}

TEST_F(Study, ProfileGivesTheTimeOfEveryPhase) {
  const fs::path s = scenario("base");
  const auto r = run_cli("run " + quoted(s) + " -q --profile -o " + quoted(dir.path() / "a.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("time per phase"), std::string::npos) << r.output;
  // The nine phases of docs/ODD.md section 3 by their names, demand shown as run in the needs pass.
  for (const char* phase : {"events", "needs", "demand", "service", "referral", "choice", "payment", "market",
                            "record", "set-up", "output", "total"})
    EXPECT_NE(r.output.find("  " + std::string(phase) + " "), std::string::npos) << phase << "\n" << r.output;
  EXPECT_NE(r.output.find("(in the needs pass)"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace valinta

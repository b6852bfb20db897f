// The results file of a run is self-describing (docs/architecture.md, "Users' work is safe"):
// provenance attributes, the scenario as given and resolved, a time axis, named dimensions
// attached to every indicator, units, and it opens with xarray + h5netcdf as a labelled dataset.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "cli/cli_helpers.hpp"
#include "support/h5_compare.hpp"
#include "support/test_support.hpp"
#include "valinta/scenario/params.hpp"
#include "valinta/version.hpp"

namespace valinta::test {
namespace {

namespace fs = std::filesystem;

// 40 weekly steps: no other dimension of this scenario has 40 entries, so a leading extent of 40
// identifies an indicator along `step`.
constexpr int kSteps = 40;
constexpr int kStepDays = 7;
constexpr int kProducers = 3;  // a public station in each zone and one private producer
constexpr std::uint64_t kSeed = 4242;
const char* const kStartDate = "2017-03-06";

std::string scenario_text() {
  return "name: results-check\n"
         "time: {start_date: " +
         std::string(kStartDate) + ", steps: " + std::to_string(kSteps) +
         ", step_days: " + std::to_string(kStepDays) +
         "}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.40, lon: 26.43}\n"
         "pilot: {zones: [A, B], start_date: " +
         std::string(kStartDate) +
         "}\n"
         "producers:\n"
         "  - {name: Private A, sector: private, zone: A, capacity_per_week: 60}\n";
}

// Owns an HDF5 identifier.
struct H5Id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~H5Id() {
    if (id >= 0) close(id);
  }
  operator hid_t() const { return id; }  // NOLINT
};

// The variable-length strings of a dataset.
std::vector<std::string> read_strings(hid_t obj) {
  H5Id type{H5Dget_type(obj), H5Tclose};
  H5Id space{H5Dget_space(obj), H5Sclose};
  if (type < 0 || space < 0 || H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) <= 0) return {};
  std::vector<char*> raw(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  H5Id mem{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5Tget_cset(type));
  if (H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0) return {};
  std::vector<std::string> out(raw.begin(), raw.end());
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(mem, space, H5P_DEFAULT, raw.data());
#else
  H5Dvlen_reclaim(mem, space, H5P_DEFAULT, raw.data());
#endif
  return out;
}

// A text attribute as netCDF's NC_CHAR: one fixed-length UTF-8 string (what ncdump -t and R's
// ncdf4 read as text); anything else is "<not a string>".
std::string string_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return "<missing>";
  H5Id attr{H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose};
  H5Id type{H5Aget_type(attr), H5Tclose};
  H5Id space{H5Aget_space(attr), H5Sclose};
  if (type < 0 || H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0 ||
      H5Tget_cset(type) != H5T_CSET_UTF8 || H5Sget_simple_extent_type(space) != H5S_SCALAR)
    return "<not a string>";
  std::string buffer(H5Tget_size(type) + 1, '\0');
  if (H5Aread(attr, type, buffer.data()) < 0) return "<not a string>";
  return buffer.c_str();
}

std::int64_t integer_attribute(hid_t obj, const std::string& name) {
  H5Id attr{H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose};
  std::int64_t value = -1;
  if (attr < 0 || H5Aread(attr, H5T_NATIVE_INT64, &value) < 0) return -1;
  return value;
}

class ResultsFile : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fresh_dir("results-file");
    scenario_ = dir_ / "results-check.yaml";
    results_ = dir_ / "results.h5";
    write_text(scenario_, scenario_text());
    const CliResult r = run_cli("run " + quoted(scenario_) + " -o " + quoted(results_) + " --seed " +
                                std::to_string(kSeed) + " --threads 1 -q");
    ASSERT_EQ(r.exit_code, 0) << r.output;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    if (!::testing::UnitTest::GetInstance()->current_test_suite()->Failed()) fs::remove_all(dir_, ec);
  }
  void SetUp() override {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    file_ = H5Fopen(results_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    ASSERT_GE(file_, 0) << results_;
  }
  void TearDown() override {
    if (file_ >= 0) H5Fclose(file_);
  }
  static inline fs::path dir_, scenario_, results_;
  hid_t file_ = -1;
};

TEST_F(ResultsFile, RootAttributesRecordTheRun) {
  EXPECT_EQ(string_attribute(file_, "engine_version"), kVersion);
  EXPECT_EQ(string_attribute(file_, "git_commit"), kGitCommit);
  EXPECT_FALSE(std::string(kGitCommit).empty());
  EXPECT_EQ(integer_attribute(file_, "seed"), static_cast<std::int64_t>(kSeed));
  EXPECT_EQ(string_attribute(file_, "scenario_name"), "results-check");
  const std::string command_line = string_attribute(file_, "command_line");
  for (const std::string& part :
       {std::string(" run "), scenario_.string(), results_.string(), "--seed " + std::to_string(kSeed)})
    EXPECT_NE(command_line.find(part), std::string::npos) << part << " not in: " << command_line;
  EXPECT_TRUE(
      std::regex_match(string_attribute(file_, "created"), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << string_attribute(file_, "created");
}

TEST_F(ResultsFile, ScenarioIsStoredAsGivenAndResolved) {
  H5Id source{H5Dopen2(file_, "/scenario/source", H5P_DEFAULT), H5Dclose};
  ASSERT_GE(source, 0);
  const auto source_text = read_strings(source);
  ASSERT_EQ(source_text.size(), 1u);
  EXPECT_EQ(source_text[0], scenario_text());

  H5Id resolved{H5Dopen2(file_, "/scenario/resolved", H5P_DEFAULT), H5Dclose};
  ASSERT_GE(resolved, 0);
  const auto resolved_text = read_strings(resolved);
  ASSERT_EQ(resolved_text.size(), 1u);
  const YAML::Node yaml = YAML::Load(resolved_text[0]);
  EXPECT_EQ(yaml["name"].as<std::string>(), "results-check");
  EXPECT_EQ(yaml["time"]["steps"].as<int>(), kSteps);
  EXPECT_EQ(yaml["time"]["start_date"].as<std::string>(), kStartDate);
  EXPECT_TRUE(yaml["rules"]) << "defaults must be written out";
  EXPECT_EQ(yaml["zones"].size(), 2u);
}

TEST_F(ResultsFile, TimeAxisIsAStepScaleWithIsoDates) {
  H5Id step{H5Dopen2(file_, "/step", H5P_DEFAULT), H5Dclose};
  ASSERT_GE(step, 0);
  EXPECT_GT(H5DSis_scale(step), 0) << "step must be a dimension scale";
  char name[64] = "";
  ASSERT_GT(H5DSget_scale_name(step, name, sizeof name), 0);
  EXPECT_STREQ(name, "step");
  std::vector<std::int64_t> values(kSteps + 1, -1);
  H5Id space{H5Dget_space(step), H5Sclose};
  ASSERT_EQ(H5Sget_simple_extent_npoints(space), kSteps);
  ASSERT_GE(H5Dread(step, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  for (int k = 0; k < kSteps; ++k) EXPECT_EQ(values[k], k);

  H5Id date{H5Dopen2(file_, "/date", H5P_DEFAULT), H5Dclose};
  ASSERT_GE(date, 0);
  EXPECT_GT(H5DSis_attached(date, step, 0), 0) << "date must be attached to the step axis";
  const auto dates = read_strings(date);
  ASSERT_EQ(dates.size(), static_cast<std::size_t>(kSteps));
  std::int64_t start = 0;
  ASSERT_TRUE(parse_iso_date(kStartDate, start));
  for (int k = 0; k < kSteps; ++k)
    EXPECT_EQ(dates[k], format_iso_date(start + k * kStepDays)) << "step " << k;
}

// Every numeric dataset whose leading extent is the number of steps is an indicator.
TEST_F(ResultsFile, EveryIndicatorHasNamedAttachedDimensionsAndUnits) {
  std::vector<std::string> datasets;
  for (const auto& [path, type] : detail::h5::objects(file_))
    if (type == H5O_TYPE_DATASET) datasets.push_back(path);
  H5Id step{H5Dopen2(file_, "/step", H5P_DEFAULT), H5Dclose};
  int indicators = 0;
  for (const std::string& path : datasets) {
    H5Id ds{H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose};
    H5Id type{H5Dget_type(ds), H5Tclose};
    H5Id space{H5Dget_space(ds), H5Sclose};
    const int rank = H5Sget_simple_extent_ndims(space);
    if (rank < 1 || H5DSis_scale(ds) > 0 || H5Tget_class(type) == H5T_STRING) continue;
    std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, shape.data(), nullptr);
    if (shape[0] != static_cast<hsize_t>(kSteps)) continue;
    ++indicators;
    SCOPED_TRACE(path);
    EXPECT_GT(H5DSis_attached(ds, step, 0), 0) << "the leading axis must be attached to /step";
    for (int axis = 0; axis < rank; ++axis) {
      ASSERT_EQ(H5DSget_num_scales(ds, static_cast<unsigned>(axis)), 1) << "axis " << axis;
      // The attached scale: its name, length, and the attachment as HDF5 sees it.
      std::string scale_path;
      H5DSiterate_scales(
          ds, static_cast<unsigned>(axis), nullptr,
          [](hid_t, unsigned, hid_t scale_id, void* out) -> herr_t {
            char path[256] = "";
            H5Iget_name(scale_id, path, sizeof path);
            *static_cast<std::string*>(out) = path;
            return 1;
          },
          &scale_path);
      H5Id scale_id{H5Dopen2(file_, scale_path.c_str(), H5P_DEFAULT), H5Dclose};
      ASSERT_GE(scale_id, 0) << "axis " << axis << ": cannot open the attached scale '" << scale_path << "'";
      H5Id scale_space{H5Dget_space(scale_id), H5Sclose};
      char name[64] = "";
      EXPECT_GT(H5DSget_scale_name(scale_id, name, sizeof name), 0) << "axis " << axis;
      EXPECT_EQ(static_cast<hsize_t>(H5Sget_simple_extent_npoints(scale_space)), shape[axis])
          << "axis " << axis << " (" << name << ")";
      EXPECT_GT(H5DSis_attached(ds, scale_id, static_cast<unsigned>(axis)), 0) << "axis " << axis;
    }
    const std::string units = string_attribute(ds, "units");
    EXPECT_NE(units, "<missing>");
    EXPECT_FALSE(units.empty());
    EXPECT_NE(string_attribute(ds, "long_name"), "<missing>");
  }
  EXPECT_GE(indicators, 30) << "too few indicators found: the file layout changed?";
}

TEST_F(ResultsFile, OpensWithXarrayAsNamedDimensions) {
  if (std::system("/usr/bin/python3 -c 'import xarray, h5netcdf' >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "/usr/bin/python3 cannot import xarray and h5netcdf";
  const fs::path log = dir_ / "xarray.log";
  const std::string command = "/usr/bin/python3 " +
                              quoted(fs::path(VALINTA_TEST_DIR) / "cli" / "check_results_xarray.py") + " " +
                              quoted(results_) + " " + std::to_string(kSteps) + " " +
                              std::to_string(kProducers) + " > " + quoted(log) + " 2>&1";
  const int status = std::system(command.c_str());
  EXPECT_EQ(status, 0) << command << "\n" << read_text(log);
}

}  // namespace
}  // namespace valinta::test

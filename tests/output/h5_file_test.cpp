// Tests for valinta::output::H5File: round trips read back with the HDF5 C API, the
// temporary-file / commit protocol and the error paths.
#include "valinta/output/h5_file.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using valinta::TargetRefused;
using valinta::output::H5File;

// A fresh scratch directory per test, removed afterwards.
class H5FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "h5file_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }
  std::vector<fs::path> entries() const { return {fs::directory_iterator(dir_), fs::directory_iterator()}; }
  fs::path dir_;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// --- reading back with the C API ---------------------------------------------------------

struct File {
  explicit File(const fs::path& p) : id(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
  ~File() {
    if (id >= 0) H5Fclose(id);
  }
  hid_t id;
};

template <typename T>
std::vector<T> read_numbers(hid_t file, const char* path, hid_t mem_type) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  EXPECT_GE(ds, 0) << path;
  hid_t space = H5Dget_space(ds);
  std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  EXPECT_GE(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), 0) << path;
  H5Sclose(space);
  H5Dclose(ds);
  return out;
}

std::vector<std::string> read_strings(hid_t file, const char* path) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  EXPECT_GE(ds, 0) << path;
  hid_t ftype = H5Dget_type(ds);
  EXPECT_TRUE(H5Tis_variable_str(ftype) > 0) << path;
  EXPECT_EQ(H5Tget_cset(ftype), H5T_CSET_UTF8) << path;
  hid_t space = H5Dget_space(ds);
  std::vector<char*> raw(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space)));
  hid_t mtype = H5Tcopy(H5T_C_S1);
  H5Tset_size(mtype, H5T_VARIABLE);
  H5Tset_cset(mtype, H5T_CSET_UTF8);  // no conversion path between character sets
  EXPECT_GE(H5Dread(ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0) << path;
  std::vector<std::string> out(raw.begin(), raw.end());
  H5Dvlen_reclaim(mtype, space, H5P_DEFAULT, raw.data());
  H5Tclose(mtype);
  H5Tclose(ftype);
  H5Sclose(space);
  H5Dclose(ds);
  return out;
}

std::string read_string_attr(hid_t file, const char* object, const char* name) {
  hid_t attr = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(attr, 0) << object << "@" << name;
  hid_t ftype = H5Aget_type(attr);
  // As netCDF writes text attributes (NC_CHAR): a fixed-length UTF-8 string.
  EXPECT_EQ(H5Tget_class(ftype), H5T_STRING);
  EXPECT_FALSE(H5Tis_variable_str(ftype) > 0);
  EXPECT_EQ(H5Tget_cset(ftype), H5T_CSET_UTF8);
  std::string buffer(H5Tget_size(ftype) + 1, '\0');
  EXPECT_GE(H5Aread(attr, ftype, buffer.data()), 0);
  std::string out = buffer.c_str();
  H5Tclose(ftype);
  H5Aclose(attr);
  return out;
}

template <typename T>
T read_attr(hid_t file, const char* object, const char* name, hid_t mem_type) {
  hid_t attr = H5Aopen_by_name(file, object, name, H5P_DEFAULT, H5P_DEFAULT);
  EXPECT_GE(attr, 0) << object << "@" << name;
  T value{};
  EXPECT_GE(H5Aread(attr, mem_type, &value), 0);
  H5Aclose(attr);
  return value;
}

// True if dimension scale `dim` is attached to axis `axis` of `path`.
bool attached(hid_t file, const char* path, const char* dim, unsigned axis) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  hid_t scale = H5Dopen2(file, dim, H5P_DEFAULT);
  const bool yes = H5DSis_attached(ds, scale, axis) > 0;
  H5Dclose(scale);
  H5Dclose(ds);
  return yes;
}

H5D_layout_t layout(hid_t file, const char* path, int* nfilters) {
  hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist(ds);
  const H5D_layout_t out = H5Pget_layout(dcpl);
  *nfilters = H5Pget_nfilters(dcpl);
  H5Pclose(dcpl);
  H5Dclose(ds);
  return out;
}

// Writes the same small results file every time (used for round trip and determinism).
void write_sample(H5File& f) {
  f.attribute("/", "title", std::string_view("Valinta – test ÄÖ"));
  f.attribute("/", "seed", std::int64_t{-42});
  f.attribute("/", "scale", 0.25);
  const std::vector<std::int64_t> years{2020, 2021, 2022};
  f.dimension("year", years, "year", "calendar year");
  f.dimension("producer", std::vector<std::string>{"alpha", "beta", "gämma", "delta"}, "producer name");
  std::vector<std::int64_t> agents(5000);
  std::iota(agents.begin(), agents.end(), 0);
  f.dimension("agent", agents, "1", "agent index");
  std::vector<double> price(12);
  std::iota(price.begin(), price.end(), 0.5);
  f.variable("price", price, {"year", "producer"}, "EUR", "mean price");
  std::vector<double> wealth(3 * 5000);
  for (std::size_t i = 0; i < wealth.size(); ++i) wealth[i] = 0.001 * static_cast<double>(i * i);
  f.variable("wealth", wealth, {"year", "agent"}, "EUR", "agent wealth");
  const std::vector<std::int64_t> listed{1, -2, 3, 1LL << 40};
  f.variable("by_producer/n_listed", listed, {"producer"}, "1", "number listed");
  f.variable("/by_producer/deep/kind", std::vector<std::string>{"a", "", "ccc", "ü"}, "producer",
             "producer kind");
  f.text("scenario", "a: 1\nb: [2, 3]\n", "resolved scenario (YAML)");
  f.attribute("/price", "note", std::string_view("hello"));
  f.attribute("by_producer", "count", std::int64_t{4});
}

// --- tests ----------------------------------------------------------------------------------

TEST_F(H5FileTest, RoundTripEveryKind) {
  const fs::path target = dir_ / "out.h5";
  {
    H5File f(target, false);
    EXPECT_EQ(f.temporary(), dir_ / (".out.h5.tmp-" + std::to_string(::getpid())));
    EXPECT_TRUE(fs::exists(f.temporary()));
    EXPECT_FALSE(fs::exists(target));
    write_sample(f);
    f.commit();
    EXPECT_TRUE(fs::exists(target));
    EXPECT_FALSE(fs::exists(f.temporary()));
  }
  ASSERT_EQ(entries().size(), 1u);  // the target only, no temporary left behind
  File file(target);
  ASSERT_GE(file.id, 0);
  const hid_t id = file.id;

  EXPECT_EQ(read_string_attr(id, "/", "title"), "Valinta – test ÄÖ");
  EXPECT_EQ(read_attr<std::int64_t>(id, "/", "seed", H5T_NATIVE_INT64), -42);
  EXPECT_EQ(read_attr<double>(id, "/", "scale", H5T_NATIVE_DOUBLE), 0.25);
  EXPECT_EQ(read_attr<std::int64_t>(id, "/by_producer", "count", H5T_NATIVE_INT64), 4);
  EXPECT_EQ(read_string_attr(id, "/price", "note"), "hello");

  // Dimensions: scales with their values and attributes.
  EXPECT_EQ(read_numbers<std::int64_t>(id, "/year", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{2020, 2021, 2022}));
  EXPECT_EQ(read_strings(id, "/producer"), (std::vector<std::string>{"alpha", "beta", "gämma", "delta"}));
  for (const char* dim : {"/year", "/producer", "/agent"}) {
    hid_t ds = H5Dopen2(id, dim, H5P_DEFAULT);
    EXPECT_GT(H5DSis_scale(ds), 0) << dim;
    char name[32] = {};
    EXPECT_GT(H5DSget_scale_name(ds, name, sizeof name), 0);
    EXPECT_EQ(std::string("/") + name, dim);
    H5Dclose(ds);
  }
  EXPECT_EQ(read_string_attr(id, "/year", "units"), "year");
  EXPECT_EQ(read_string_attr(id, "/year", "long_name"), "calendar year");
  EXPECT_EQ(read_string_attr(id, "/producer", "long_name"), "producer name");

  // Numeric variables: values, file types, attributes, attached scales, storage layout.
  std::vector<double> price(12);
  std::iota(price.begin(), price.end(), 0.5);
  EXPECT_EQ(read_numbers<double>(id, "/price", H5T_NATIVE_DOUBLE), price);
  EXPECT_EQ(read_string_attr(id, "/price", "units"), "1");  // CF: money has no UDUNITS unit
  EXPECT_EQ(read_string_attr(id, "/price", "valinta_units"), "EUR");
  EXPECT_EQ(read_string_attr(id, "/price", "long_name"), "mean price");
  EXPECT_TRUE(attached(id, "/price", "/year", 0));
  EXPECT_TRUE(attached(id, "/price", "/producer", 1));
  const std::vector<double> wealth = read_numbers<double>(id, "/wealth", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(wealth.size(), 15000u);
  EXPECT_EQ(wealth[14999], 0.001 * 14999.0 * 14999.0);
  EXPECT_TRUE(attached(id, "/wealth", "/agent", 1));
  EXPECT_EQ(read_numbers<std::int64_t>(id, "/by_producer/n_listed", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{1, -2, 3, 1LL << 40}));
  EXPECT_TRUE(attached(id, "/by_producer/n_listed", "/producer", 0));
  {
    hid_t ds = H5Dopen2(id, "/price", H5P_DEFAULT);
    hid_t t = H5Dget_type(ds);
    EXPECT_GT(H5Tequal(t, H5T_IEEE_F64LE), 0);
    H5Tclose(t);
    H5Dclose(ds);
    ds = H5Dopen2(id, "/by_producer/n_listed", H5P_DEFAULT);
    t = H5Dget_type(ds);
    EXPECT_GT(H5Tequal(t, H5T_STD_I64LE), 0);
    H5Tclose(t);
    H5Dclose(ds);
  }
  int nfilters = -1;
  EXPECT_EQ(layout(id, "/price", &nfilters), H5D_CONTIGUOUS);
  EXPECT_EQ(nfilters, 0);
  EXPECT_EQ(layout(id, "/wealth", &nfilters), H5D_CHUNKED);
  EXPECT_EQ(nfilters, 2);  // shuffle + deflate

  // String variable and text.
  EXPECT_EQ(read_strings(id, "/by_producer/deep/kind"), (std::vector<std::string>{"a", "", "ccc", "ü"}));
  EXPECT_TRUE(attached(id, "/by_producer/deep/kind", "/producer", 0));
  EXPECT_EQ(read_string_attr(id, "/by_producer/deep/kind", "long_name"), "producer kind");
  EXPECT_EQ(read_strings(id, "/scenario"), (std::vector<std::string>{"a: 1\nb: [2, 3]\n"}));
  {
    hid_t ds = H5Dopen2(id, "/scenario", H5P_DEFAULT);
    hid_t space = H5Dget_space(ds);
    EXPECT_EQ(H5Sget_simple_extent_type(space), H5S_SCALAR);
    H5Sclose(space);
    H5Dclose(ds);
  }
}

TEST_F(H5FileTest, IdenticalDataGivesIdenticalFiles) {
  for (const char* name : {"a.h5", "b.h5"}) {
    H5File f(dir_ / name, false);
    write_sample(f);
    f.commit();
  }
  EXPECT_EQ(slurp(dir_ / "a.h5"), slurp(dir_ / "b.h5"));
}

// Large variables are chunked, shuffled and deflated by H5File itself, chunks compressed in
// parallel: HDF5 must read back every element, edge chunks included, and the file must not
// depend on the number of threads.
TEST_F(H5FileTest, CompressedChunksReadBackForAnyShapeAndThreads) {
  struct Case {
    std::vector<std::size_t> shape;
  };
  // 1-D past one chunk, 2-D and 3-D with partial chunks on every axis, one row that needs no split.
  const std::vector<Case> cases = {{{70001}}, {{104, 1005}}, {{37, 300, 3}}, {{5, 7, 11, 13}}, {{1, 5000}}};
  std::string first_file;
  for (const int threads : {1, 2, 4}) {
    const fs::path target = dir_ / ("chunks" + std::to_string(threads) + ".h5");
    {
      H5File f(target, false);
      f.compress_with_threads(threads);
      for (std::size_t c = 0; c < cases.size(); ++c) {
        std::vector<std::string> dims;
        std::size_t n = 1;
        for (std::size_t a = 0; a < cases[c].shape.size(); ++a) {
          const std::string dim = "d" + std::to_string(c) + "_" + std::to_string(a);
          std::vector<std::int64_t> axis(cases[c].shape[a]);
          std::iota(axis.begin(), axis.end(), 0);
          f.dimension(dim, axis, "", "");
          dims.push_back(dim);
          n *= cases[c].shape[a];
        }
        std::vector<double> values(n);
        std::vector<std::int64_t> counts(n);
        for (std::size_t k = 0; k < n; ++k) {
          values[k] = 0.5 * static_cast<double>(k) - 3.25 * static_cast<double>(c);
          counts[k] = static_cast<std::int64_t>(k * 2654435761u % 1000003) - 500000;
        }
        f.variable("/v" + std::to_string(c), values, dims, "", "");
        f.variable("/c" + std::to_string(c), counts, dims, "", "");
      }
      f.commit();
    }
    File file(target);
    ASSERT_GE(file.id, 0);
    for (std::size_t c = 0; c < cases.size(); ++c) {
      const std::string v = "/v" + std::to_string(c), k = "/c" + std::to_string(c);
      const auto values = read_numbers<double>(file.id, v.c_str(), H5T_NATIVE_DOUBLE);
      const auto counts = read_numbers<std::int64_t>(file.id, k.c_str(), H5T_NATIVE_INT64);
      for (std::size_t e = 0; e < values.size(); ++e) {
        ASSERT_EQ(values[e], 0.5 * static_cast<double>(e) - 3.25 * static_cast<double>(c))
            << v << "[" << e << "]";
        ASSERT_EQ(counts[e], static_cast<std::int64_t>(e * 2654435761u % 1000003) - 500000)
            << k << "[" << e << "]";
      }
      hid_t ds = H5Dopen2(file.id, v.c_str(), H5P_DEFAULT);
      hid_t dcpl = H5Dget_create_plist(ds);
      EXPECT_EQ(H5Pget_layout(dcpl), H5D_CHUNKED) << v;
      EXPECT_EQ(H5Pget_nfilters(dcpl), 2) << v;  // shuffle and deflate
      H5Pclose(dcpl);
      H5Dclose(ds);
    }
    if (threads == 1)
      first_file = slurp(target);
    else
      EXPECT_EQ(slurp(target), first_file) << threads << " threads";
  }
}

TEST_F(H5FileTest, RefusesToOverwrite) {
  const fs::path target = dir_ / "out.h5";
  std::ofstream(target) << "keep me";
  try {
    H5File f(target, false);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), target.string() + ": exists; pass --overwrite to replace it");
  }
  EXPECT_EQ(slurp(target), "keep me");
  EXPECT_EQ(entries().size(), 1u);
}

TEST_F(H5FileTest, OverwriteReplacesOnlyAtCommit) {
  const fs::path target = dir_ / "out.h5";
  std::ofstream(target) << "old contents";
  H5File f(target, true);
  write_sample(f);
  EXPECT_EQ(slurp(target), "old contents");  // untouched until commit()
  f.commit();
  EXPECT_GT(H5Fis_hdf5(target.c_str()), 0);
  File file(target);
  EXPECT_EQ(read_strings(file.id, "/scenario").at(0), "a: 1\nb: [2, 3]\n");
  EXPECT_EQ(entries().size(), 1u);
}

TEST_F(H5FileTest, DestructorWithoutCommitLeavesNothing) {
  const fs::path target = dir_ / "out.h5";
  fs::path temporary;
  {
    H5File f(target, false);
    temporary = f.temporary();
    write_sample(f);
    EXPECT_TRUE(fs::exists(temporary));
  }
  EXPECT_FALSE(fs::exists(target));
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_TRUE(entries().empty());
}

TEST_F(H5FileTest, DestructorAfterExceptionLeavesNothing) {
  const fs::path target = dir_ / "out.h5";
  try {
    H5File f(target, false);
    f.dimension("year", std::vector<std::int64_t>{1, 2}, "year", "year");
    throw std::runtime_error("simulated failure");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(entries().empty());
}

TEST_F(H5FileTest, SizeMismatchThrows) {
  H5File f(dir_ / "out.h5", false);
  f.dimension("year", std::vector<std::int64_t>{2020, 2021, 2022}, "year", "year");
  f.dimension("producer", std::vector<std::string>{"a", "b"}, "producer");
  const std::vector<double> five(5, 1.0);
  try {
    f.variable("grp/price", five, {"year", "producer"}, "EUR", "price");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("grp/price"), std::string::npos) << what;
    EXPECT_NE(what.find('5'), std::string::npos) << what;
    EXPECT_NE(what.find('6'), std::string::npos) << what;
  }
  EXPECT_THROW(f.variable("s", std::vector<std::string>{"x"}, "producer", "s"), std::runtime_error);
  EXPECT_THROW(f.variable("q", five, {"nope"}, "1", "q"), std::runtime_error);
  // A failed HDF5 call names the object path.
  try {
    f.attribute("/missing/object", "x", 1.0);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/missing/object"), std::string::npos) << e.what();
  }
  EXPECT_THROW(f.dimension("year", std::vector<std::int64_t>{1}, "", ""), std::runtime_error);
}

TEST_F(H5FileTest, CommitTwiceThrows) {
  H5File f(dir_ / "out.h5", false);
  f.commit();
  EXPECT_THROW(f.commit(), std::runtime_error);
  EXPECT_THROW(f.text("t", "x", "x"), std::runtime_error);
  EXPECT_TRUE(fs::exists(dir_ / "out.h5"));
}

TEST_F(H5FileTest, MissingDirectoryThrows) {
  const fs::path target = dir_ / "no" / "such" / "out.h5";
  try {
    H5File f(target, false);
    FAIL() << "expected an exception";
  } catch (const TargetRefused& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find((dir_ / "no" / "such").string()), std::string::npos) << what;
    EXPECT_NE(what.find("does not exist; create it first"), std::string::npos) << what;
  }
  std::ofstream(dir_ / "file") << "x";
  EXPECT_THROW(H5File(dir_ / "file" / "out.h5", false), std::runtime_error);
}

TEST_F(H5FileTest, UnwritableDirectoryThrows) {
  const fs::path locked = dir_ / "locked";
  fs::create_directory(locked);
  fs::permissions(dir_, fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                              fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  // Root ignores directory permissions, so run the check as an unprivileged user.
  EXPECT_EXIT(
      {
        if (::geteuid() == 0 && ::setuid(65534) != 0) std::exit(3);
        try {
          H5File f(locked / "out.h5", false);
        } catch (const std::runtime_error& e) {
          const std::string what = e.what();
          const bool good = what.find(locked.string()) != std::string::npos &&
                            what.find("Permission denied") != std::string::npos;
          std::exit(good ? 0 : 2);
        }
        std::exit(1);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_TRUE(fs::is_empty(locked));
}

// CF units: what UDUNITS parses, with the engine's own unit kept beside it where it says more.
TEST(CfUnits, EveryUnitOfTheEngineBecomesAUdunitsUnit) {
  using valinta::output::cf_units;
  EXPECT_EQ(cf_units("days"), "day");  // not "days": xarray would make waits timedelta64
  EXPECT_EQ(cf_units("weeks"), "week");
  EXPECT_EQ(cf_units("visits/week"), "week-1");
  EXPECT_EQ(cf_units("residents"), "1");
  EXPECT_EQ(cf_units("EUR"), "1");
  EXPECT_EQ(cf_units("SD"), "1");
  EXPECT_EQ(cf_units("1"), "1");
  EXPECT_EQ(cf_units("degrees_north"), "degrees_north");
  EXPECT_EQ(cf_units("days since 2017-02-01 00:00:00"), "days since 2017-02-01 00:00:00");
  EXPECT_EQ(cf_units("as indicator"), "");  // varies along a dimension: no units attribute
  EXPECT_EQ(cf_units(""), "");
}

TEST_F(H5FileTest, AuxiliaryCoordinatesAreNamedOnEveryVariableAlongTheirDimension) {
  const fs::path path = dir_ / "coordinates.h5";
  {
    H5File f(path, false);
    const std::vector<std::int64_t> steps = {0, 1, 2};
    f.dimension("step", steps, "1", "step");
    f.dimension("producer", std::vector<std::string>{"a", "b"}, "producer");
    f.variable("time", std::vector<double>{0, 7, 14}, {"step"}, "days since 2017-02-01 00:00:00",
               "first day");
    f.auxiliary_coordinate("step", "time");
    f.variable("queue", std::vector<double>(6, 1.0), {"step", "producer"}, "contacts", "waiting");
    f.variable("quality", std::vector<double>(2, 0.0), {"producer"}, "SD", "quality");
    f.commit();
  }
  hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(id, 0);
  EXPECT_EQ(read_string_attr(id, "/queue", "coordinates"), "time");
  EXPECT_EQ(read_string_attr(id, "/queue", "units"), "1");
  EXPECT_EQ(read_string_attr(id, "/queue", "valinta_units"), "contacts");
  EXPECT_EQ(read_string_attr(id, "/time", "units"), "days since 2017-02-01 00:00:00");
  EXPECT_EQ(H5Aexists_by_name(id, "/time", "coordinates", H5P_DEFAULT), 0);     // not its own coordinate
  EXPECT_EQ(H5Aexists_by_name(id, "/quality", "coordinates", H5P_DEFAULT), 0);  // not along step
  H5Fclose(id);
}

}  // namespace

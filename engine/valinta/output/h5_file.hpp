#pragma once
// A small, safe writer for one HDF5 results file (HDF5 C API).
//
// The file is created under a temporary name beside the target and moved onto the target only by
// commit(); a writer destroyed without commit() removes its temporary file, so an interrupted or
// failed run never leaves a file that looks complete at the target path. What may be written
// where, and how commit() avoids replacing what others wrote meanwhile: util/target_file.hpp.
//
// Layout conventions (so that h5py, xarray + h5netcdf and h5dump all see named axes):
//  - dimensions are 1-D datasets made HDF5 dimension scales (H5DSset_scale) in the root group;
//  - every data variable is attached to its dimension scales (H5DSattach_scale) in order;
//  - `units` and `long_name` are string attributes on every variable. `units` follows CF and
//    UDUNITS (cf_units below); where the engine's own unit says more (residents, EUR,
//    visits/week) it is kept in `valinta_units`;
//  - auxiliary coordinates (CF: e.g. `time` along `step`) are named in the `coordinates`
//    attribute of every variable along their dimension.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "valinta/util/target_file.hpp"

namespace valinta::output {

// A unit as CF and UDUNITS read it, for the engine's unit `unit`: time spans in UDUNITS' names
// (days -> day, which xarray does not turn into timedelta64), rates per time span as such
// (visits/week -> week-1), counts, money and scores as "1" (the engine's unit says what is
// counted); "" for no unit or a unit that varies along a dimension ("as indicator").
std::string cf_units(std::string_view unit);

class H5File {
 public:
  // Throws TargetRefused (util/target_file.hpp) with a clear message (path, reason, what is
  // allowed) if the target cannot be written: it exists and overwrite is false, it is not a
  // regular file, it is one of `inputs`, its directory is missing or read-only, or another process
  // is writing it. Throws std::runtime_error if the temporary file cannot be created.
  H5File(std::filesystem::path target, bool overwrite, std::vector<std::filesystem::path> inputs = {});
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  // Attributes on the root group ("/") or on an existing object path.
  void attribute(const std::string& object, const std::string& name, std::string_view value);
  void attribute(const std::string& object, const std::string& name, std::int64_t value);
  void attribute(const std::string& object, const std::string& name, double value);

  // A dimension scale in the root group: numeric coordinates or string labels.
  void dimension(const std::string& name, std::span<const std::int64_t> values, std::string_view units,
                 std::string_view long_name);
  void dimension(const std::string& name, const std::vector<std::string>& labels, std::string_view long_name);

  // Names `coordinate` (a variable along `dim`, written before or after) in the `coordinates`
  // attribute of every variable along `dim` written from now on.
  void auxiliary_coordinate(const std::string& dim, const std::string& coordinate) {
    coordinates_.emplace_back(dim, coordinate);
  }

  // An N-D row-major variable; dims name existing dimensions, shape follows their lengths.
  // Intermediate groups in `path` are created.
  void variable(const std::string& path, std::span<const double> data, const std::vector<std::string>& dims,
                std::string_view units, std::string_view long_name);
  void variable(const std::string& path, std::span<const std::int64_t> data,
                const std::vector<std::string>& dims, std::string_view units, std::string_view long_name);
  // How many threads compress the chunks of large variables (default 1; the file's contents do
  // not depend on it).
  void compress_with_threads(int threads) { threads_ = threads; }
  // A 1-D variable of strings along one dimension.
  void variable(const std::string& path, const std::vector<std::string>& data, const std::string& dim,
                std::string_view long_name);
  // A scalar string dataset (e.g. the resolved scenario as YAML text).
  void text(const std::string& path, std::string_view value, std::string_view long_name);

  // Flush, close, fsync and atomically move onto the target. Throws on failure (the temporary
  // file is removed and the target is left as it was). If another program created or changed the
  // target meanwhile, it is left alone: the results are kept under a free name beside it
  // (NAME-2.h5, ...) and TargetChanged says where.
  void commit();

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temporary() const { return destination_.temporary(); }

 private:
  std::filesystem::path target_;
  TargetFile destination_;
  std::int64_t file_ = -1;  // hid_t
  bool committed_ = false;
  int threads_ = 1;
  std::vector<std::pair<std::string, std::size_t>> dims_;         // name, length
  std::vector<std::pair<std::string, std::string>> coordinates_;  // dimension, auxiliary coordinate
};

}  // namespace valinta::output

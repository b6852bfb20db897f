// HDF5 (C API + high-level dimension scales) implementation of valinta::output::H5File.
// See h5_file.hpp for the contract. Every failed HDF5 call becomes a std::runtime_error naming
// the target file, the object path and (when HDF5 recorded one) the most specific HDF5 reason.
#include "valinta/output/h5_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace valinta::output {

std::string cf_units(std::string_view unit) {
  if (unit.empty() || unit.rfind("as ", 0) == 0) return "";
  if (unit.find(" since ") != std::string_view::npos) return std::string(unit);  // a time coordinate
  // Time spans and rates per time span, in UDUNITS' names.
  constexpr std::pair<std::string_view, std::string_view> kSpans[] = {{"days", "day"},   {"day", "day"},
                                                                      {"weeks", "week"}, {"week", "week"},
                                                                      {"years", "year"}, {"year", "year"}};
  for (const auto& [written, cf] : kSpans) {
    if (unit == written) return std::string(cf);
    const std::string per = "/" + std::string(written);
    if (unit.size() > per.size() && unit.substr(unit.size() - per.size()) == per)
      return std::string(cf) + "-1";
  }
  if (unit == "degrees_north" || unit == "degrees_east" || unit == "1") return std::string(unit);
  return "1";  // a count (residents, visits, ...), money (EUR) or a score (SD, FTE)
}

namespace {

// Every file is closed or removed explicitly. HDF5's own clean-up at process exit crashes when a
// close has failed (e.g. on a full disk), so it is turned off before the library starts.
const bool kNoCleanupAtExit = [] {
  H5dont_atexit();
  return true;
}();

static_assert(sizeof(hid_t) == sizeof(std::int64_t), "H5File stores hid_t as std::int64_t");

constexpr std::size_t kCompressAbove = 4096;  // variables with more elements are chunked
constexpr hsize_t kMaxChunkElements = 65536;  // at most 512 KiB of doubles per chunk

// The most specific message on HDF5's error stack (then cleared), or "" if there is none.
std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* e, void* out) -> herr_t {
        if (n == 0 && e->desc != nullptr) *static_cast<std::string*>(out) = e->desc;
        return 0;
      },
      &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason;
}

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  std::string message = where + ": " + what;
  if (const std::string reason = hdf5_reason(); !reason.empty()) message += " (HDF5: " + reason + ")";
  throw std::runtime_error(message);
}

// Checks an HDF5 return value: identifiers (hid_t) and status/boolean codes (herr_t/htri_t).
hid_t ok(hid_t id, const std::string& where, const std::string& what) {
  if (id < 0) fail(where, what);
  return id;
}
int ok(int status, const std::string& where, const std::string& what) {
  if (status < 0) fail(where, what);
  return status;
}

// Owns one HDF5 identifier and releases it with the matching H5?close function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), close_(other.close_) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  operator hid_t() const { return id_; }  // NOLINT: used directly in HDF5 calls

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

Handle plist(hid_t cls, const std::string& where) {
  return Handle(ok(H5Pcreate(cls), where, "cannot create property list"), H5Pclose);
}

// Variable-length UTF-8 string type, used for every string we store.
Handle utf8_type(const std::string& where) {
  Handle type(ok(H5Tcopy(H5T_C_S1), where, "cannot copy string type"), H5Tclose);
  ok(H5Tset_size(type, H5T_VARIABLE), where, "cannot make string type variable-length");
  ok(H5Tset_cset(type, H5T_CSET_UTF8), where, "cannot set UTF-8 character set");
  return type;
}

// Writes (or replaces) a scalar attribute on an open object.
void put_attribute(hid_t obj, const std::string& name, hid_t file_type, hid_t mem_type, const void* value,
                   const std::string& where) {
  const std::string what = "attribute '" + name + "'";
  if (ok(H5Aexists(obj, name.c_str()), where, "cannot query attribute") > 0)
    ok(H5Adelete(obj, name.c_str()), where, "cannot replace " + what);
  Handle space(ok(H5Screate(H5S_SCALAR), where, "cannot create dataspace"), H5Sclose);
  Handle attr(ok(H5Acreate2(obj, name.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT), where,
                 "cannot create " + what),
              H5Aclose);
  ok(H5Awrite(attr, mem_type, value), where, "cannot write " + what);
}

// A text attribute as netCDF writes one (NC_CHAR: a fixed-length UTF-8 string of its bytes), so
// ncdump, netCDF-C's time functions (ncdump -t) and R's ncdf4 read units and calendars as text.
void put_string_attribute(hid_t obj, const std::string& name, std::string_view value,
                          const std::string& where) {
  const std::string text(value.empty() ? std::string_view("\0", 1) : value);
  Handle type(ok(H5Tcopy(H5T_C_S1), where, "cannot copy string type"), H5Tclose);
  ok(H5Tset_size(type, text.size()), where, "cannot size string type");
  ok(H5Tset_strpad(type, H5T_STR_NULLTERM), where, "cannot set string padding");
  ok(H5Tset_cset(type, H5T_CSET_UTF8), where, "cannot set UTF-8 character set");
  put_attribute(obj, name, type, type, text.data(), where);
}

// "a/b/c" or "/a/b/c" -> "/a/b/c"; creates the missing groups "/a" and "/a/b".
std::string make_parents(hid_t file, const std::string& path, const std::string& where) {
  std::string absolute;
  std::size_t begin = path.starts_with('/') ? 1 : 0;
  while (true) {
    const std::size_t end = std::min(path.find('/', begin), path.size());
    if (end == begin) fail(where, "invalid object path '" + path + "' (empty component)");
    absolute += '/';
    absolute.append(path, begin, end - begin);
    if (end == path.size()) return absolute;
    if (ok(H5Lexists(file, absolute.c_str(), H5P_DEFAULT), where, "cannot look up group") > 0) {
      Handle group(
          ok(H5Gopen2(file, absolute.c_str(), H5P_DEFAULT), where, absolute + " exists and is not a group"),
          H5Gclose);
    } else {
      Handle gcpl = plist(H5P_GROUP_CREATE, where);
      ok(H5Pset_obj_track_times(gcpl, 0), where, "cannot disable time tracking");
      ok(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), where,
         "cannot track creation order");
      Handle group(ok(H5Gcreate2(file, absolute.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), where,
                      "cannot create group " + absolute),
                   H5Gclose);
    }
    begin = end + 1;
  }
}

// Shape from dimension names; throws unless it holds exactly `size` elements.
std::vector<hsize_t> shape_of(const std::vector<std::pair<std::string, std::size_t>>& known,
                              const std::vector<std::string>& dims, std::size_t size,
                              const std::string& where) {
  std::vector<hsize_t> shape;
  std::size_t expected = 1;
  for (const std::string& dim : dims) {
    auto it = std::find_if(known.begin(), known.end(), [&](auto& d) { return d.first == dim; });
    if (it == known.end()) fail(where, "unknown dimension '" + dim + "'");
    shape.push_back(it->second);
    expected *= it->second;
  }
  if (size != expected)
    fail(where, "data has " + std::to_string(size) + " elements but its dimensions hold " +
                    std::to_string(expected));
  return shape;
}

// Chunk shape for a compressed variable: halve the outermost axes until small enough.
std::vector<hsize_t> chunk_shape(std::vector<hsize_t> chunk) {
  hsize_t n = 1;
  for (hsize_t c : chunk) n *= c;
  for (std::size_t axis = 0; axis < chunk.size() && n > kMaxChunkElements;) {
    if (chunk[axis] == 1) {
      ++axis;
      continue;
    }
    n = n / chunk[axis] * ((chunk[axis] + 1) / 2);
    chunk[axis] = (chunk[axis] + 1) / 2;
  }
  return chunk;
}

// Writes the row-major array `data` (`shape`, elements of `size` bytes, already in the file's
// byte order) into the chunked dataset `ds` chunk by chunk, each chunk shuffled and deflated
// exactly as HDF5's shuffle and deflate filters would do it, so any HDF5 reader opens it as
// usual. The chunks are compressed in parallel (on `threads` threads) and written in order;
// compression is most of the time of writing a results file.
void write_compressed_chunks(hid_t ds, const std::vector<hsize_t>& shape, const std::vector<hsize_t>& chunk,
                             std::size_t size, const std::uint8_t* data, int threads,
                             const std::string& where) {
  const std::size_t rank = shape.size();
  std::vector<hsize_t> grid(rank), stride(rank, 1);
  std::size_t chunks = 1, chunk_elements = 1;
  for (std::size_t a = 0; a < rank; ++a) {
    grid[a] = (shape[a] + chunk[a] - 1) / chunk[a];
    chunks *= grid[a];
    chunk_elements *= chunk[a];
  }
  for (std::size_t a = rank - 1; a > 0; --a) stride[a - 1] = stride[a] * shape[a];
  const std::size_t row = chunk[rank - 1], rows = chunk_elements / row, bytes = chunk_elements * size;
  std::vector<std::vector<hsize_t>> origin(chunks, std::vector<hsize_t>(rank));
  std::vector<std::vector<std::uint8_t>> packed(chunks);
  bool failed = false;
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads)) reduction(|| : failed)
  for (std::size_t c = 0; c < chunks; ++c) {
    std::size_t rest = c;
    for (std::size_t a = rank; a-- > 0;) {
      origin[c][a] = (rest % grid[a]) * chunk[a];
      rest /= grid[a];
    }
    // The chunk's elements; those past the edge of the array stay zero.
    std::vector<std::uint8_t> raw(bytes, 0);
    for (std::size_t q = 0; q < rows; ++q) {
      std::size_t r = q, from = 0;
      bool inside = true;
      for (std::size_t a = rank - 1; a-- > 0;) {
        const hsize_t at = origin[c][a] + r % chunk[a];
        r /= chunk[a];
        inside = inside && at < shape[a];
        from += at * stride[a];
      }
      if (!inside) continue;
      const hsize_t last = origin[c][rank - 1];
      const std::size_t count = std::min<std::size_t>(row, shape[rank - 1] - last);
      std::memcpy(raw.data() + q * row * size, data + (from + last) * size, count * size);
    }
    // Shuffle: byte b of every element together, b = 0 .. size - 1.
    std::vector<std::uint8_t> shuffled(bytes);
    for (std::size_t e = 0; e < chunk_elements; ++e)
      for (std::size_t b = 0; b < size; ++b) shuffled[b * chunk_elements + e] = raw[e * size + b];
    uLongf length = compressBound(static_cast<uLong>(bytes));
    packed[c].resize(length);
    failed =
        failed || compress2(packed[c].data(), &length, shuffled.data(), static_cast<uLong>(bytes), 1) != Z_OK;
    packed[c].resize(length);
  }
  if (failed) fail(where, "cannot compress data");
  for (std::size_t c = 0; c < chunks; ++c)
    ok(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, origin[c].data(), packed[c].size(), packed[c].data()), where,
       "cannot write data");
}

// Creates a dataset (scalar if `shape` is empty) with deterministic creation properties and,
// when `compress`, chunking + shuffle + deflate level 1 (fast; level 4 saved only 6 % of the
// size), written on `threads` threads. Writes `data` unless it is empty.
Handle create_dataset(hid_t file, const std::string& path, hid_t file_type, hid_t mem_type,
                      const std::vector<hsize_t>& shape, bool compress, const void* data,
                      const std::string& where, int threads = 1) {
  Handle space(ok(shape.empty() ? H5Screate(H5S_SCALAR)
                                : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                  where, "cannot create dataspace"),
               H5Sclose);
  Handle dcpl = plist(H5P_DATASET_CREATE, where);
  ok(H5Pset_obj_track_times(dcpl, 0), where, "cannot disable time tracking");
  const bool chunked = compress && !shape.empty();
  std::vector<hsize_t> chunk;
  if (chunked) {
    chunk = chunk_shape(shape);
    ok(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), where, "cannot chunk");
    ok(H5Pset_shuffle(dcpl), where, "cannot enable shuffle filter");
    ok(H5Pset_deflate(dcpl, 1), where, "cannot enable deflate filter");
  }
  Handle ds(ok(H5Dcreate2(file, path.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), where,
               "cannot create dataset"),
            H5Dclose);
  // HDF5 rejects a null buffer even for zero elements, so empty data is simply not written.
  if (data == nullptr || H5Sget_simple_extent_npoints(space) == 0) return ds;
  // Chunks are compressed here when memory already holds the file's bytes (little-endian hosts:
  // the numeric types are stored little-endian), otherwise HDF5 converts and compresses.
  const bool same_bytes =
      std::endian::native == std::endian::little && H5Tget_size(file_type) == H5Tget_size(mem_type) &&
      H5Tget_order(file_type) == H5T_ORDER_LE && H5Tget_class(file_type) == H5Tget_class(mem_type);
  if (chunked && same_bytes)
    write_compressed_chunks(ds, shape, chunk, H5Tget_size(file_type), static_cast<const std::uint8_t*>(data),
                            threads, where);
  else
    ok(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), where, "cannot write data");
  return ds;
}

// Attaches the root-level dimension scales `dims` to the axes of `ds`, in order.
void attach_scales(hid_t file, hid_t ds, const std::vector<std::string>& dims, const std::string& where) {
  for (std::size_t axis = 0; axis < dims.size(); ++axis) {
    const std::string scale_path = "/" + dims[axis];
    Handle scale(
        ok(H5Dopen2(file, scale_path.c_str(), H5P_DEFAULT), where, "cannot open dimension " + dims[axis]),
        H5Dclose);
    ok(H5DSattach_scale(ds, scale, static_cast<unsigned>(axis)), where,
       "cannot attach dimension " + dims[axis]);
  }
}

// "<target>: <object>" for messages; throws if the file was already committed. Also silences
// HDF5's error printing, which is per thread in thread-safe builds such as Debian's.
std::string context(const std::filesystem::path& target, const std::string& object, hid_t file) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const std::string where = target.string() + ": " + object;
  if (file < 0) fail(where, "file is already committed");
  return where;
}

// Opens an existing object ("/" for the root group) for attribute writing.
Handle open_object(hid_t file, const std::string& object, const std::string& where) {
  return Handle(ok(H5Oopen(file, object.c_str(), H5P_DEFAULT), where, "cannot open object"), H5Oclose);
}

// `units` as CF reads it, and the engine's own unit beside it where that says more.
void put_units(hid_t ds, std::string_view units, const std::string& where) {
  const std::string cf = cf_units(units);
  if (!cf.empty()) put_string_attribute(ds, "units", cf, where);
  if (cf != units && !units.empty()) put_string_attribute(ds, "valinta_units", units, where);
}

// The `coordinates` attribute: the auxiliary coordinates along `dims` (not the variable itself).
void put_coordinates(hid_t ds, const std::string& path, const std::vector<std::string>& dims,
                     const std::vector<std::pair<std::string, std::string>>& coordinates,
                     const std::string& where) {
  std::string names;
  for (const auto& [dim, coordinate] : coordinates)
    if (std::find(dims.begin(), dims.end(), dim) != dims.end() && "/" + coordinate != path &&
        coordinate != path)
      names += (names.empty() ? "" : " ") + coordinate;
  if (!names.empty()) put_string_attribute(ds, "coordinates", names, where);
}

// Shared body of the numeric variable() overloads.
template <typename T>
void numeric_variable(hid_t file, const std::vector<std::pair<std::string, std::size_t>>& known,
                      const std::vector<std::pair<std::string, std::string>>& coordinates,
                      const std::string& path, std::span<const T> data, const std::vector<std::string>& dims,
                      hid_t file_type, hid_t mem_type, std::string_view units, std::string_view long_name,
                      const std::string& where, int threads) {
  const std::vector<hsize_t> shape = shape_of(known, dims, data.size(), where);
  Handle ds = create_dataset(file, make_parents(file, path, where), file_type, mem_type, shape,
                             data.size() > kCompressAbove, data.data(), where, threads);
  attach_scales(file, ds, dims, where);
  put_units(ds, units, where);
  put_string_attribute(ds, "long_name", long_name, where);
  put_coordinates(ds, path, dims, coordinates, where);
}

// A 1-D root dataset of `size` elements made a dimension scale named after itself.
Handle create_scale(hid_t file, const std::string& name, hid_t file_type, hid_t mem_type, std::size_t size,
                    const void* data, std::string_view long_name, const std::string& where) {
  if (name.empty() || name.find('/') != std::string::npos) fail(where, "invalid dimension name");
  Handle ds = create_dataset(file, "/" + name, file_type, mem_type, {size}, false, data, where);
  ok(H5DSset_scale(ds, name.c_str()), where, "cannot make dimension scale");
  put_string_attribute(ds, "long_name", long_name, where);
  return ds;
}

// A dataset of variable-length UTF-8 strings (scalar if `shape` is empty) with a long_name.
Handle string_dataset(hid_t file, const std::string& path, const std::vector<hsize_t>& shape,
                      const char* const* strings, std::string_view long_name, const std::string& where) {
  Handle type = utf8_type(where);
  Handle ds = create_dataset(file, make_parents(file, path, where), type, type, shape, false, strings, where);
  put_string_attribute(ds, "long_name", long_name, where);
  return ds;
}

std::vector<const char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<const char*> out;
  out.reserve(strings.size());
  for (const std::string& s : strings) out.push_back(s.c_str());
  return out;
}

}  // namespace

H5File::H5File(std::filesystem::path target, bool overwrite, std::vector<std::filesystem::path> inputs)
    : target_(std::move(target)) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors are reported as exceptions instead
  TargetRules rules;
  rules.overwrite = overwrite;
  rules.inputs = std::move(inputs);
  destination_ = TargetFile(target_, rules);
  const std::filesystem::path& temp = destination_.temporary();
  const std::string where = temp.string();
  Handle fcpl = plist(H5P_FILE_CREATE, where);
  ok(H5Pset_obj_track_times(fcpl, 0), where, "cannot disable time tracking");
  ok(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), where,
     "cannot track creation order");
  Handle fapl = plist(H5P_FILE_ACCESS, where);
  ok(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), where, "cannot set close degree");
  file_ = ok(H5Fcreate(where.c_str(), H5F_ACC_EXCL, fcpl, fapl), where, "cannot create temporary file");
}

H5File::~H5File() {
  if (file_ < 0) return;  // committed, or commit() already cleaned up after a failure
  H5Fclose(file_);
  ::unlink(temporary().c_str());
}

void H5File::attribute(const std::string& object, const std::string& name, std::string_view value) {
  const std::string where = context(target_, object, file_);
  put_string_attribute(open_object(file_, object, where), name, value, where);
}

void H5File::attribute(const std::string& object, const std::string& name, std::int64_t value) {
  const std::string where = context(target_, object, file_);
  put_attribute(open_object(file_, object, where), name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, where);
}

void H5File::attribute(const std::string& object, const std::string& name, double value) {
  const std::string where = context(target_, object, file_);
  put_attribute(open_object(file_, object, where), name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, where);
}

void H5File::dimension(const std::string& name, std::span<const std::int64_t> values, std::string_view units,
                       std::string_view long_name) {
  const std::string where = context(target_, "/" + name, file_);
  Handle ds = create_scale(file_, name, H5T_STD_I64LE, H5T_NATIVE_INT64, values.size(), values.data(),
                           long_name, where);
  put_units(ds, units, where);
  dims_.emplace_back(name, values.size());
}

void H5File::dimension(const std::string& name, const std::vector<std::string>& labels,
                       std::string_view long_name) {
  const std::string where = context(target_, "/" + name, file_);
  Handle type = utf8_type(where);
  create_scale(file_, name, type, type, labels.size(), c_strings(labels).data(), long_name, where);
  dims_.emplace_back(name, labels.size());
}

void H5File::variable(const std::string& path, std::span<const double> data,
                      const std::vector<std::string>& dims, std::string_view units,
                      std::string_view long_name) {
  numeric_variable(file_, dims_, coordinates_, path, data, dims, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, units,
                   long_name, context(target_, path, file_), threads_);
}

void H5File::variable(const std::string& path, std::span<const std::int64_t> data,
                      const std::vector<std::string>& dims, std::string_view units,
                      std::string_view long_name) {
  numeric_variable(file_, dims_, coordinates_, path, data, dims, H5T_STD_I64LE, H5T_NATIVE_INT64, units,
                   long_name, context(target_, path, file_), threads_);
}

void H5File::variable(const std::string& path, const std::vector<std::string>& data, const std::string& dim,
                      std::string_view long_name) {
  const std::string where = context(target_, path, file_);
  const std::vector<hsize_t> shape = shape_of(dims_, {dim}, data.size(), where);
  Handle ds = string_dataset(file_, path, shape, c_strings(data).data(), long_name, where);
  attach_scales(file_, ds, {dim}, where);
}

void H5File::text(const std::string& path, std::string_view value, std::string_view long_name) {
  const std::string where = context(target_, path, file_);
  const std::string text(value);
  const char* ptr = text.c_str();
  string_dataset(file_, path, {}, &ptr, long_name, where);
}

void H5File::commit() {
  const std::string where = target_.string();
  const std::filesystem::path& temp = destination_.temporary();
  if (file_ < 0) throw std::runtime_error(where + ": commit() called more than once");
  const hid_t file = std::exchange(file_, -1);  // from here on the destructor does nothing
  if (H5Fclose(file) < 0) {
    ::unlink(temp.c_str());
    fail(where, "cannot close temporary file " + temp.string());
  }
  // Removes the temporary file and reports a POSIX failure (errno is read before anything else).
  auto abandon = [&](const std::string& what, int err) {
    ::unlink(temp.c_str());
    throw std::runtime_error(where + ": cannot " + what + " " + temp.string() + ": " + std::strerror(err));
  };
  const int fd = ::open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) abandon("open", errno);
  if (::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    abandon("sync", err);
  }
  ::close(fd);
  try {
    destination_.install();
  } catch (const TargetChanged& e) {
    // Neither the other program's file nor these results are lost.
    const std::filesystem::path kept = keep_beside(temp, target_);
    throw TargetChanged(std::string(e.what()) + "; these results are in " + kept.string());
  } catch (const std::exception&) {
    if (std::filesystem::exists(temp)) ::unlink(temp.c_str());
    throw;
  }
  committed_ = true;
}

}  // namespace valinta::output

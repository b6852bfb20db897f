#pragma once
// Compares two HDF5 files object by object: the same set of groups, datasets and named types;
// for every dataset the same type, shape and data; for every object the same attributes (name,
// type, shape, value). Used for reproducibility (threads, repeated runs) and later for
// checkpoint/resume and MPI runs, so it compares meaning, not file layout:
//  - data are read in their native memory form, variable-length strings and sequences by
//    content, object references (dimension-scale DIMENSION_LIST / REFERENCE_LIST) by the path
//    of the object they point to, everything else as raw bytes;
//  - chunking, compression and object addresses are not compared.
//
//   EXPECT_TRUE(valinta::test::h5_files_equal(a, b));  // prints every difference on failure
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace valinta::test {

struct H5CompareOptions {
  // Attributes that legitimately differ between two runs of the same computation, by object
  // path ("/" is the root group). By default the run's metadata: when, how, on how many threads and MPI
  // ranks.
  std::map<std::string, std::set<std::string>> ignored_attributes = {
      {"/", {"created", "command_line", "threads", "ranks"}}};
  // Objects left out entirely, with their attributes and (for groups) everything inside them,
  // e.g. "/scenario/source".
  std::set<std::string> ignored_objects;
  // At most this many differences are listed (the total is always given).
  std::size_t max_reported = 25;
};

namespace detail::h5 {

// Owns one HDF5 identifier.
class Id {
 public:
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() {
    if (id_ >= 0) close_(id_);
  }
  operator hid_t() const { return id_; }  // NOLINT: used directly in HDF5 calls
  bool valid() const { return id_ >= 0; }
  void reset(hid_t id) {
    if (id_ >= 0) close_(id_);
    id_ = id;
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

inline bool ignored(const H5CompareOptions& options, const std::string& path) {
  for (const std::string& prefix : options.ignored_objects)
    if (path == prefix || path.rfind(prefix + (prefix.ends_with('/') ? "" : "/"), 0) == 0) return true;
  return false;
}

inline std::string object_kind(H5O_type_t type) {
  switch (type) {
    case H5O_TYPE_GROUP:
      return "group";
    case H5O_TYPE_DATASET:
      return "dataset";
    case H5O_TYPE_NAMED_DATATYPE:
      return "named datatype";
    default:
      return "object";
  }
}

// Every object reachable from the root: absolute path -> kind.
inline std::map<std::string, H5O_type_t> objects(hid_t file) {
  std::map<std::string, H5O_type_t> out;
  const auto visit = [](hid_t, const char* name, const auto* info, void* data) -> herr_t {
    const std::string n(name);
    (*static_cast<std::map<std::string, H5O_type_t>*>(data))[n == "." ? "/" : "/" + n] = info->type;
    return 0;
  };
#if H5_VERSION_GE(1, 12, 0)
  H5Ovisit3(file, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC);
#else
  H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC);
#endif
  return out;
}

inline std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  hsize_t index = 0;
  H5Aiterate2(
      object, H5_INDEX_NAME, H5_ITER_INC, &index,
      [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

// Appends a layout-independent encoding of one value of memory type `type` at `p`.
inline void encode(hid_t file, hid_t type, const unsigned char* p, std::string& out) {
  const std::size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_STRING:
      if (H5Tis_variable_str(type) > 0) {
        const char* s = *reinterpret_cast<const char* const*>(p);
        out += s == nullptr ? std::string("\x01null") : "\x02" + std::to_string(std::strlen(s)) + ":" + s;
        return;
      }
      break;
    case H5T_VLEN: {
      const auto* v = reinterpret_cast<const hvl_t*>(p);
      Id base(H5Tget_super(type), H5Tclose);
      const std::size_t base_size = H5Tget_size(base);
      out += "[" + std::to_string(v->len) + ":";
      for (std::size_t i = 0; i < v->len; ++i)
        encode(file, base, static_cast<const unsigned char*>(v->p) + i * base_size, out);
      out += "]";
      return;
    }
    case H5T_COMPOUND: {
      const int members = H5Tget_nmembers(type);
      for (int m = 0; m < members; ++m) {
        Id member(H5Tget_member_type(type, static_cast<unsigned>(m)), H5Tclose);
        encode(file, member, p + H5Tget_member_offset(type, static_cast<unsigned>(m)), out);
      }
      return;
    }
    case H5T_ARRAY: {
      Id base(H5Tget_super(type), H5Tclose);
      const std::size_t base_size = H5Tget_size(base);
      for (std::size_t i = 0; i < size / base_size; ++i) encode(file, base, p + i * base_size, out);
      return;
    }
    case H5T_REFERENCE: {
      // An address in the file: compare the path of the object it points to instead.
      const bool object_ref = H5Tequal(type, H5T_STD_REF_OBJ) > 0;
      const bool region_ref = H5Tequal(type, H5T_STD_REF_DSETREG) > 0;
      if (object_ref || region_ref) {
        const H5R_type_t kind = object_ref ? H5R_OBJECT : H5R_DATASET_REGION;
        char name[1024] = "";
        if (H5Rget_name(file, kind, p, name, sizeof name) < 0) std::strcpy(name, "<bad reference>");
        out += std::string(object_ref ? "@" : "@region:") + name + ";";
        return;
      }
      break;
    }
    default:
      break;
  }
  out.append(reinterpret_cast<const char*>(p), size);  // fixed-size: the bytes themselves
}

// The type, shape and encoded contents of a dataset or attribute.
struct Value {
  bool ok = false;
  std::string error;
  Id file_type{-1, H5Tclose};
  int space_class = -1;
  std::vector<hsize_t> shape;
  std::string encoded;
  bool numeric = false;           // a plain integer or float array
  std::vector<double> as_double;  // filled only for numeric values, to print differences
};

// Reads a dataset (is_attribute false) or an attribute into `v`.
inline void read_value(hid_t file, hid_t id, bool is_attribute, Value& v) {
  Id type(is_attribute ? H5Aget_type(id) : H5Dget_type(id), H5Tclose);
  Id space(is_attribute ? H5Aget_space(id) : H5Dget_space(id), H5Sclose);
  if (!type.valid() || !space.valid()) {
    v.error = "cannot read type or dataspace";
    return;
  }
  v.file_type.reset(H5Tcopy(type));
  v.space_class = H5Sget_simple_extent_type(space);
  const int rank = H5Sget_simple_extent_ndims(space);
  v.shape.assign(static_cast<std::size_t>(rank > 0 ? rank : 0), 0);
  if (rank > 0) H5Sget_simple_extent_dims(space, v.shape.data(), nullptr);
  const hssize_t n = v.space_class == H5S_NULL ? 0 : H5Sget_simple_extent_npoints(space);
  Id mem(H5Tget_native_type(type, H5T_DIR_DEFAULT), H5Tclose);
  if (!mem.valid()) {
    v.error = "cannot map the stored type to memory";
    return;
  }
  const std::size_t size = H5Tget_size(mem);
  std::vector<unsigned char> buffer(static_cast<std::size_t>(n) * size + 1);
  if (n > 0) {
    const herr_t status = is_attribute ? H5Aread(id, mem, buffer.data())
                                       : H5Dread(id, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data());
    if (status < 0) {
      v.error = "cannot read the data";
      return;
    }
  }
  for (hssize_t i = 0; i < n; ++i)
    encode(file, mem, buffer.data() + static_cast<std::size_t>(i) * size, v.encoded);
  const H5T_class_t cls = H5Tget_class(type);
  v.numeric = cls == H5T_INTEGER || cls == H5T_FLOAT;
  if (v.numeric && n > 0) {
    v.as_double.resize(static_cast<std::size_t>(n));
    if ((is_attribute
             ? H5Aread(id, H5T_NATIVE_DOUBLE, v.as_double.data())
             : H5Dread(id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.as_double.data())) < 0)
      v.as_double.clear();
  }
  if (n > 0 && (H5Tdetect_class(mem, H5T_VLEN) > 0 || H5Tis_variable_str(mem) > 0)) {
#if H5_VERSION_GE(1, 12, 0)
    H5Treclaim(mem, space, H5P_DEFAULT, buffer.data());
#else
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, buffer.data());
#endif
  }
  v.ok = true;
}

inline std::string shape_text(const Value& v) {
  if (v.space_class == H5S_SCALAR) return "scalar";
  if (v.space_class == H5S_NULL) return "null";
  std::string s = "{";
  for (std::size_t i = 0; i < v.shape.size(); ++i) s += (i ? ", " : "") + std::to_string(v.shape[i]);
  return s + "}";
}

inline std::string printable(const std::string& encoded) {
  std::string s;
  for (const char c : encoded.substr(0, 80)) s += (c >= 0x20 && c < 0x7f) ? c : '.';
  return encoded.size() > 80 ? s + "..." : s;
}

// Appends the differences between two values (`what` names them in messages).
inline void compare_values(const std::string& what, const Value& a, const Value& b,
                           std::vector<std::string>& out) {
  if (!a.ok || !b.ok) {
    out.push_back(what + ": " + (a.ok ? "second file: " + b.error : "first file: " + a.error));
    return;
  }
  if (H5Tequal(a.file_type, b.file_type) <= 0) {
    out.push_back(what + ": stored types differ");
    return;
  }
  if (a.space_class != b.space_class || a.shape != b.shape) {
    out.push_back(what + ": shapes differ (" + shape_text(a) + " vs " + shape_text(b) + ")");
    return;
  }
  if (a.encoded == b.encoded) return;
  if (a.numeric && a.as_double.size() == b.as_double.size() && !a.as_double.empty()) {
    std::size_t differing = 0, first = 0;
    const std::size_t element = a.encoded.size() / a.as_double.size();
    for (std::size_t i = 0; i < a.as_double.size(); ++i)
      if (a.encoded.compare(i * element, element, b.encoded, i * element, element) != 0 && differing++ == 0)
        first = i;
    char values[128];
    std::snprintf(values, sizeof values, "%.17g vs %.17g", a.as_double[first], b.as_double[first]);
    out.push_back(what + ": " + std::to_string(differing) + " of " + std::to_string(a.as_double.size()) +
                  " values differ; first at flat index " + std::to_string(first) + ": " + values);
    return;
  }
  out.push_back(what + ": values differ ('" + printable(a.encoded) + "' vs '" + printable(b.encoded) + "')");
}

inline void compare_attributes(hid_t file_a, hid_t obj_a, hid_t file_b, hid_t obj_b, const std::string& path,
                               const H5CompareOptions& options, std::vector<std::string>& out) {
  std::set<std::string> ignored;
  if (auto it = options.ignored_attributes.find(path); it != options.ignored_attributes.end())
    ignored = it->second;
  const auto names_a = attribute_names(obj_a), names_b = attribute_names(obj_b);
  const std::set<std::string> set_a(names_a.begin(), names_a.end()), set_b(names_b.begin(), names_b.end());
  for (const auto& name : set_a)
    if (!ignored.count(name) && !set_b.count(name))
      out.push_back(path + " @" + name + ": only in the first file");
  for (const auto& name : set_b)
    if (!ignored.count(name) && !set_a.count(name))
      out.push_back(path + " @" + name + ": only in the second file");
  for (const auto& name : set_a) {
    if (ignored.count(name) || !set_b.count(name)) continue;
    Id attr_a(H5Aopen(obj_a, name.c_str(), H5P_DEFAULT), H5Aclose);
    Id attr_b(H5Aopen(obj_b, name.c_str(), H5P_DEFAULT), H5Aclose);
    Value a, b;
    read_value(file_a, attr_a, true, a);
    read_value(file_b, attr_b, true, b);
    compare_values(path + " @" + name, a, b, out);
  }
}

}  // namespace detail::h5

// Every difference between the HDF5 files `a` and `b`, one readable line each (empty: equal).
inline std::vector<std::string> h5_differences(const std::filesystem::path& a, const std::filesystem::path& b,
                                               const H5CompareOptions& options = {}) {
  using detail::h5::Id;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::vector<std::string> out;
  Id file_a(H5Fopen(a.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  Id file_b(H5Fopen(b.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file_a.valid()) out.push_back(a.string() + ": cannot open as HDF5");
  if (!file_b.valid()) out.push_back(b.string() + ": cannot open as HDF5");
  if (!out.empty()) return out;

  const auto objects_a = detail::h5::objects(file_a), objects_b = detail::h5::objects(file_b);
  for (const auto& [path, type] : objects_a)
    if (!detail::h5::ignored(options, path) && !objects_b.count(path))
      out.push_back(path + ": " + detail::h5::object_kind(type) + " only in the first file");
  for (const auto& [path, type] : objects_b)
    if (!detail::h5::ignored(options, path) && !objects_a.count(path))
      out.push_back(path + ": " + detail::h5::object_kind(type) + " only in the second file");
  for (const auto& [path, type] : objects_a) {
    const auto other = objects_b.find(path);
    if (detail::h5::ignored(options, path) || other == objects_b.end()) continue;
    if (other->second != type) {
      out.push_back(path + ": a " + detail::h5::object_kind(type) + " in the first file, a " +
                    detail::h5::object_kind(other->second) + " in the second");
      continue;
    }
    Id obj_a(H5Oopen(file_a, path.c_str(), H5P_DEFAULT), H5Oclose);
    Id obj_b(H5Oopen(file_b, path.c_str(), H5P_DEFAULT), H5Oclose);
    if (!obj_a.valid() || !obj_b.valid()) {
      out.push_back(path + ": cannot open");
      continue;
    }
    detail::h5::compare_attributes(file_a, obj_a, file_b, obj_b, path, options, out);
    if (type == H5O_TYPE_DATASET) {
      detail::h5::Value value_a, value_b;
      detail::h5::read_value(file_a, obj_a, false, value_a);
      detail::h5::read_value(file_b, obj_b, false, value_b);
      detail::h5::compare_values(path, value_a, value_b, out);
    } else if (type == H5O_TYPE_NAMED_DATATYPE && H5Tequal(obj_a, obj_b) <= 0) {
      out.push_back(path + ": named datatypes differ");
    }
  }
  return out;
}

// For EXPECT_TRUE / ASSERT_TRUE: success if the files are equal, otherwise lists the differences.
inline ::testing::AssertionResult h5_files_equal(const std::filesystem::path& a,
                                                 const std::filesystem::path& b,
                                                 const H5CompareOptions& options = {}) {
  const std::vector<std::string> differences = h5_differences(a, b, options);
  if (differences.empty()) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << a.string() << " and " << b.string() << " differ in " << differences.size() << " place"
          << (differences.size() == 1 ? "" : "s") << ":\n";
  for (std::size_t i = 0; i < differences.size() && i < options.max_reported; ++i)
    failure << "  " << differences[i] << "\n";
  if (differences.size() > options.max_reported)
    failure << "  ... and " << differences.size() - options.max_reported << " more\n";
  return failure;
}

}  // namespace valinta::test

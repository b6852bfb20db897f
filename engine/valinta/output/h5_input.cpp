#include "valinta/output/h5_input.hpp"

#include <hdf5.h>

#include <stdexcept>
#include <vector>

namespace valinta::output {

namespace {

// Closes an HDF5 handle when it goes out of scope.
struct Closing {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Closing() {
    if (id >= 0) close(id);
  }
};

// The text held by a string-typed attribute or dataset: `read` reads it into memory of `type`.
template <typename Read>
std::optional<std::string> read_text(hid_t stored_type, Read read) {
  if (H5Tget_class(stored_type) != H5T_STRING) return std::nullopt;
  if (H5Tis_variable_str(stored_type) > 0) {
    Closing type{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(type.id, H5T_VARIABLE);
    H5Tset_cset(type.id, H5Tget_cset(stored_type));
    char* text = nullptr;
    if (read(type.id, static_cast<void*>(&text)) < 0 || text == nullptr) return std::nullopt;
    std::string value(text);
    H5free_memory(text);
    return value;
  }
  const std::size_t size = H5Tget_size(stored_type);
  std::vector<char> buffer(size + 1, '\0');
  Closing type{H5Tcopy(stored_type), H5Tclose};
  if (read(type.id, static_cast<void*>(buffer.data())) < 0) return std::nullopt;
  return std::string(buffer.data());  // up to the first NUL: the padding is not text
}

}  // namespace

H5Input::H5Input(const std::filesystem::path& path) {
  H5E_auto2_t func = nullptr;
  void* data = nullptr;
  H5Eget_auto2(H5E_DEFAULT, &func, &data);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  H5Eset_auto2(H5E_DEFAULT, func, data);
  if (file_ < 0) throw std::runtime_error("'" + path.string() + "' is not an HDF5 file that can be read");
}

H5Input::~H5Input() {
  if (file_ >= 0) H5Fclose(file_);
}

bool H5Input::exists(const std::string& object) const {
  if (object == "/") return true;
  // Every component must exist before the next may be asked about.
  std::size_t at = 1;
  while (true) {
    const std::size_t end = object.find('/', at);
    const std::string part = object.substr(0, end);
    if (H5Lexists(file_, part.c_str(), H5P_DEFAULT) <= 0) return false;
    if (end == std::string::npos) return true;
    at = end + 1;
  }
}

std::optional<std::string> H5Input::text_attribute(const std::string& object, const std::string& name) const {
  if (!exists(object) || H5Aexists_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
    return std::nullopt;
  Closing attribute{H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  if (attribute.id < 0) return std::nullopt;
  Closing stored{H5Aget_type(attribute.id), H5Tclose};
  return read_text(stored.id, [&](hid_t type, void* into) { return H5Aread(attribute.id, type, into); });
}

std::optional<std::int64_t> H5Input::integer_attribute(const std::string& object,
                                                       const std::string& name) const {
  if (!exists(object) || H5Aexists_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT) <= 0)
    return std::nullopt;
  Closing attribute{H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  Closing stored{H5Aget_type(attribute.id), H5Tclose};
  if (attribute.id < 0 || H5Tget_class(stored.id) != H5T_INTEGER) return std::nullopt;
  std::int64_t value = 0;
  if (H5Aread(attribute.id, H5T_NATIVE_INT64, &value) < 0) return std::nullopt;
  return value;
}

std::optional<std::string> H5Input::text(const std::string& path) const {
  if (!exists(path)) return std::nullopt;
  Closing dataset{H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose};
  if (dataset.id < 0) return std::nullopt;
  Closing space{H5Dget_space(dataset.id), H5Sclose};
  if (H5Sget_simple_extent_type(space.id) != H5S_SCALAR) return std::nullopt;
  Closing stored{H5Dget_type(dataset.id), H5Tclose};
  return read_text(stored.id, [&](hid_t type, void* into) {
    return H5Dread(dataset.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, into);
  });
}

}  // namespace valinta::output

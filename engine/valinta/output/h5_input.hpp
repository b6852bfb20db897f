#pragma once
// Reading back what output::H5File wrote: root or object attributes (text as fixed-length or
// variable-length strings, integers) and scalar text datasets, from a results file opened
// read-only. For commands that continue or repeat work from a results file (calibrate --resume,
// rerun).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace valinta::output {

class H5Input {
 public:
  // Throws std::runtime_error naming the file if it is not an HDF5 file that can be read.
  explicit H5Input(const std::filesystem::path& path);
  ~H5Input();
  H5Input(const H5Input&) = delete;
  H5Input& operator=(const H5Input&) = delete;

  // Whether the object (group or dataset) exists; "/" always does.
  bool exists(const std::string& object) const;
  // A text attribute of `object` ("/" for the root); nothing if it is missing or not text.
  std::optional<std::string> text_attribute(const std::string& object, const std::string& name) const;
  // An integer attribute of `object`; nothing if it is missing or not an integer.
  std::optional<std::int64_t> integer_attribute(const std::string& object, const std::string& name) const;
  // A scalar text dataset (H5File::text); nothing if it is missing or not text.
  std::optional<std::string> text(const std::string& path) const;

 private:
  std::int64_t file_ = -1;  // hid_t
};

}  // namespace valinta::output

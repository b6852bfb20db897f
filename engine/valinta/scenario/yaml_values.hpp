#pragma once
// Parsing YAML scalars into parameter values, reporting problems as Diagnostics.
#include <yaml-cpp/yaml.h>

#include <map>
#include <string>

#include "valinta/scenario/diagnostics.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta::detail {

// Where each key's value was given (file, line, column), so that checks made after loading
// (references, sums, time settings) can point at the value, also across `extends:` files.
struct Origin {
  std::string file;
  int line = 0;
  int column = 0;
};

class Origins {
 public:
  void set(const std::string& key, const std::string& file, const YAML::Node& node);
  // The origin of `key`, else of its nearest parent key, else nullptr.
  const Origin* find(const std::string& key) const;
  // Reports an error at the origin of `key` (or at `fallback_file` when it has none).
  void error(Diagnostics& diagnostics, const std::string& fallback_file, const std::string& key,
             const std::string& message) const;

 private:
  std::map<std::string, Origin> origins_;
};

struct Where {
  const std::string& file;
  Diagnostics& diagnostics;
  Origins* origins = nullptr;
  void error(const YAML::Node& node, const std::string& key, const std::string& message) const {
    const YAML::Mark m = node.Mark();
    const bool no_position = m.is_null() || file == "--set";  // overrides have no line
    diagnostics.error(file, no_position ? 0 : m.line + 1, no_position ? 0 : m.column + 1, key, message);
  }
  void note(const std::string& key, const YAML::Node& node) const {
    if (origins != nullptr) origins->set(key, file, node);
  }
};

// The largest scenario file accepted (scenarios are a few kilobytes).
inline constexpr std::size_t kMaxScenarioBytes = 8u << 20;

// Refuses text that is not a sensible scenario before the YAML parser sees it: too large,
// binary, tab-indented, or nested deeper than any scenario needs (which would exhaust the
// parser's stack). Reports every problem found; false if the text must not be parsed.
bool screen_text(const std::string& text, const std::string& file, Diagnostics& diagnostics);

// Screens and parses YAML text; false (with errors reported) if it cannot be used.
bool parse_yaml(const std::string& text, const std::string& file, YAML::Node& root, Diagnostics& diagnostics);

// A short, safe rendering of a node for "got ..." (long values are cut).
std::string describe(const YAML::Node& node);

// Parses `node` into the field bound to `param`, checking type and range.
void assign_param(const Param& param, const YAML::Node& node, const std::string& key, const Where& where);

}  // namespace valinta::detail

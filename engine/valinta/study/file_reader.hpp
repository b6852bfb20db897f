#pragma once
// Reading the YAML files of studies (sweeps, calibrations): every problem is reported with
// file:line:col, the key concerned, what is wrong and what is allowed, and reading goes on, so
// that one run of `valinta` lists them all.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "valinta/scenario/diagnostics.hpp"
#include "valinta/scenario/params.hpp"
#include "valinta/scenario/yaml_values.hpp"

namespace valinta {

struct FileReader {
  std::string file;
  Diagnostics& diagnostics;
  void error(const YAML::Node& node, const std::string& key, const std::string& message) const {
    const YAML::Mark m = node.Mark();
    diagnostics.error(file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, key, message);
  }
  // A scalar read as T; reports and returns nullopt if it is not one.
  template <typename T>
  std::optional<T> scalar(const YAML::Node& node, const std::string& key, const std::string& expected) const {
    if (node.IsScalar()) {
      try {
        return node.as<T>();
      } catch (const YAML::Exception&) {
      }
    }
    error(node, key, fmt::format("must be {} (got {})", expected, detail::describe(node)));
    return std::nullopt;
  }
  // The name a mapping key gives; reports and returns nullopt for a key that is a list or a mapping.
  std::optional<std::string> key(const YAML::Node& node, const std::string& where) const {
    if (node.IsScalar() || node.IsNull()) return node.as<std::string>();
    error(node, where, fmt::format("keys must be plain names (got {})", detail::describe(node)));
    return std::nullopt;
  }
  // The file's top-level mapping; throws ScenarioError if it cannot be read or parsed, or is not
  // a mapping (`what` says what it should hold).
  static YAML::Node read_mapping(const std::filesystem::path& file, Diagnostics& diagnostics,
                                 const std::string& what);
  // Reports every key of `map` that is not `allowed`, with the closest allowed one.
  void unknown_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                    const std::string& where) const;
  // The `set:` list of KEY=VALUE overrides, appended to `sets`.
  void overrides(const YAML::Node& node, std::vector<std::string>& sets) const;
  // The scenario parameter a key names, if it is a numeric one (real or integer); otherwise
  // reports why not (`use`: what the study would do with it, e.g. "swept").
  const Param* numeric_parameter(const YAML::Node& key_node, const std::string& key, const std::string& where,
                                 const ParamRegistry& registry, const std::string& use) const;
  std::optional<std::int64_t> count(const YAML::Node& node, const std::string& key, std::int64_t hi) const {
    const auto v = scalar<std::int64_t>(node, key, fmt::format("a whole number from 1 to {}", hi));
    if (v && (*v < 1 || *v > hi)) {
      error(node, key, fmt::format("must be from 1 to {} (got {})", hi, *v));
      return std::nullopt;
    }
    return v;
  }
};

}  // namespace valinta

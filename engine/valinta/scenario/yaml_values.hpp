#pragma once
// Parsing YAML scalars into parameter values, reporting problems as Diagnostics.
#include <yaml-cpp/yaml.h>

#include <string>

#include "valinta/scenario/diagnostics.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta::detail {

struct Where {
  const std::string& file;
  Diagnostics& diagnostics;
  void error(const YAML::Node& node, const std::string& key, const std::string& message) const {
    const YAML::Mark m = node.Mark();
    diagnostics.error(file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, key,
                      message);
  }
};

// A short, safe rendering of a node for "got ..." (long values are cut).
std::string describe(const YAML::Node& node);

// Parses `node` into the field bound to `param`, checking type and range.
void assign_param(const Param& param, const YAML::Node& node, const std::string& key,
                  const Where& where);

}  // namespace valinta::detail

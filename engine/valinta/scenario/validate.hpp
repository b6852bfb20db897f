#pragma once
// Checks across parameters (references, time settings, sums) and the derived time fields.
#include <yaml-cpp/yaml.h>

#include "valinta/scenario/scenario.hpp"
#include "valinta/scenario/yaml_values.hpp"

namespace valinta {

void validate_scenario(Scenario& scenario, const YAML::Node& root, const detail::Where& where);

}  // namespace valinta

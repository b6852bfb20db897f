#pragma once
// Checks across parameters (references, time settings, sums) and the derived time fields.
#include <string>

#include "valinta/model/scenario.hpp"
#include "valinta/scenario/yaml_values.hpp"

namespace valinta {

// Errors point at the origin of the offending key; `file` is used when a key has none.
void validate_scenario(Scenario& scenario, const detail::Origins& origins, const std::string& file,
                       Diagnostics& diagnostics);

}  // namespace valinta

#pragma once
// The zones' own demographics from municipal data files, joined to the zones by the official
// municipality code: age structure and sex (population.age_structure_file), employment and income
// (population.activity_file). A zone keeps any value given inline; a zone without a code or
// without a row in the file is an error (a silent fallback to the region's averages would hide a
// wrong file). Errors carry the file's line:column.
#include <filesystem>
#include <string_view>

#include "valinta/model/scenario.hpp"
#include "valinta/scenario/diagnostics.hpp"

namespace valinta {

void read_age_structure_csv(const std::filesystem::path& path, Scenario& scenario, Diagnostics& diagnostics);
void read_activity_csv(const std::filesystem::path& path, Scenario& scenario, Diagnostics& diagnostics);

// The same on the text of a file (`file` names it in messages).
void read_age_structure_text(std::string_view text, const std::string& file, Scenario& scenario,
                             Diagnostics& diagnostics);
void read_activity_text(std::string_view text, const std::string& file, Scenario& scenario,
                        Diagnostics& diagnostics);

}  // namespace valinta

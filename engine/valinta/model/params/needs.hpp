#pragma once
// The parameters of M1 need dynamics: their fields, and their declarations (meaning, unit,
// default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct NeedParams {
  std::vector<double> up_rate;         // per week: 0->1, 1->2, 2->3
  std::vector<double> down_rate;       // per week: 1->0, 2->1, 3->2
  std::vector<double> age_multiplier;  // on up-rates, by age band
  double unmet_multiplier{};           // on up-rates after unmet need
  double unmet_weeks{};                // how long the unmet-need effect lasts
};

void declare_need_params(ParamRegistry& registry, NeedParams& p);

}  // namespace valinta

#pragma once
// The parameters of M2 demand: their fields, and their declarations (meaning, unit,
// default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct DemandParams {
  std::vector<double> visit_rate;  // contacts per week by need level
  std::vector<double> age_factor;  // by age band
  double ohc_offload{};            // share of use moved to occupational health care
  double induced_visits{};         // extra contacts per unit of fee-for-service incentive
  double capitation_visit_pull{};  // fewer contacts at private producers under pure capitation
  // Demand that responds to the wait: a contact joins its producer's queue with probability
  // (1 + expected wait / wait_scale_weeks)^-wait_elasticity; the others go elsewhere.
  double wait_elasticity{};
  double wait_scale_weeks{};
  double self_pay_share{};  // of contacts gone elsewhere without OHC, at the mean income
};

void declare_demand_params(ParamRegistry& registry, DemandParams& p);

}  // namespace valinta

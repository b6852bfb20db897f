#pragma once
// M2 demand: each resident's care contacts per step.
#include <vector>

#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;

struct DemandParams {
  std::vector<double> visit_rate;  // contacts per week by need level
  std::vector<double> age_factor;  // by age band
  double ohc_offload = 0.5;        // share of use moved to occupational health care
  double induced_visits = 0.15;    // extra contacts per unit of fee-for-service incentive
};

void declare_demand_params(ParamRegistry& registry, DemandParams& p);

// Expected contacts per week of one resident.
double demand_rate(const DemandParams& p, int level, int age_band, bool ohc);

void run_demand(Simulation& sim);

}  // namespace valinta

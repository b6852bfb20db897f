#pragma once
// The parameters of M3 service and the care guarantee: their fields, and their declarations (meaning, unit,
// default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct ServiceParams {
  double capacity_ratio{};  // auto capacity = expected demand of the initial list x ratio
  // Public capacity that flexes with the wait (overtime, locums), within limits and at a cost.
  double flex_max_share{};
  double flex_full_weeks{};
  double flex_cost_premium{};
  double queue_max_weeks{};  // contacts still waiting at this age go to emergency
  double er_threshold_weeks{};
  double er_prob_per_week{};
  double er_cost_eur{};
  std::vector<double> emergency_per_year;  // baseline emergency visits by need level
  double doctor_share_public{};
  double doctor_share_private{};
  double doctor_share_third_sector{};
  double wait_smoothing{};  // weight of the newest backlog/capacity in the expected wait
  double care_guarantee_days{};
  double promise_days{};              // service promise: wait the organiser aims for
  double promise_target{};            // share of visits within promise_days it aims for
  double experience_weight{};         // EWMA weight of the newest visit in experience
  double experience_wait_per_week{};  // SD of experience lost per week waited
  double experience_diverted{};       // experience score of a contact sent to emergency
};

void declare_service_params(ParamRegistry& registry, ServiceParams& p);

}  // namespace valinta

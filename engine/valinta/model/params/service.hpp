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
  double capacity_ratio = 1.0;  // auto capacity = expected demand of the initial list x ratio
  double queue_max_weeks = 26;  // contacts still waiting at this age go to emergency
  double er_threshold_weeks = 2;
  double er_prob_per_week = 0.15;
  double er_cost_eur = 250;
  double doctor_share_public = 0.3;
  double doctor_share_private = 0.6;
  double doctor_share_third_sector = 0.4;
  double wait_smoothing = 0.2;  // weight of the newest backlog/capacity in the expected wait
  double care_guarantee_days = 90;
  double promise_days = 14;                // service promise: wait the organiser aims for
  double promise_target = 0.8;             // share of visits within promise_days it aims for
  double experience_weight = 0.3;          // EWMA weight of the newest visit in experience
  double experience_wait_per_week = 0.25;  // SD of experience lost per week waited
  double experience_diverted = -2.0;       // experience score of a contact sent to emergency
};

void declare_service_params(ParamRegistry& registry, ServiceParams& p);

}  // namespace valinta

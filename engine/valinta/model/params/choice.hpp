#pragma once
// The parameters of M5 choice and switching: their fields, and their declarations (meaning, unit,
// default, range, source) for the scenario reader, the reference and `valinta show`.
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "valinta/model/types.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {

struct ChoiceParams {
  // review hazard (per year)
  double base_review_per_year = 0.03;
  double awareness_per_year = 0.25;
  double awareness_weeks = 13;
  double dissatisfaction_per_year = 0.2;  // per SD of negative experience
  // rules
  std::string default_assignment = "opt_in";
  double min_listing_months = 6;
  std::int64_t max_switches_per_year = 2;
  std::string information = "transparent";
  double word_of_mouth_noise_sd = 0.5;
  double publication_interval_days = 30;
  // consideration set and travel
  double max_travel_min = 60;
  double travel_base_min = 2;
  double detour_factor = 1.3;
  double speed_kmh = 50;
  // utility
  double b_travel = -0.15;
  double b_wait = -0.5;
  double b_quality = 0.3;
  double b_fee = -0.05;
  double b_digital = 1.0;
  double inertia = 3.0;
  double private_75plus = -1.0;
  double private_employed = 0.3;
  double private_income_per_decile = 0.05;
  double entry_nudge_share = 0.05;  // one-time extra review share when a producer opens nearby
};

void declare_choice_params(ParamRegistry& registry, ChoiceParams& p);

}  // namespace valinta

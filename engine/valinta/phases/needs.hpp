#pragma once
// M1 need dynamics: a weekly Markov chain over the service ladder well -> light -> basic -> heavy.
#include <vector>

#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;

struct NeedParams {
  std::vector<double> up_rate;         // per week: 0->1, 1->2, 2->3
  std::vector<double> down_rate;       // per week: 1->0, 2->1, 3->2
  std::vector<double> age_multiplier;  // on up-rates, by age band
  double unmet_multiplier = 1.5;       // on up-rates after unmet need
  double unmet_weeks = 8;              // how long the unmet-need effect lasts
};

void declare_need_params(ParamRegistry& registry, NeedParams& p);

// Per-step transition probabilities for a resident's band and state (step_days scales a week).
struct NeedRates {
  double up = 0;
  double down = 0;
};
// `up_multiplier` is any further factor on the up-rate (a customer plan, M8).
NeedRates need_rates(const NeedParams& p, int level, int age_band, bool unmet, double step_weeks,
                     double up_multiplier = 1.0);

// The chain's stationary distribution for one age band without unmet need (birth-death chain).
std::vector<double> stationary_need_distribution(const NeedParams& p, int age_band, double step_weeks);

void run_needs(Simulation& sim);

}  // namespace valinta

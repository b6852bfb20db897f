#pragma once
// M1 need dynamics: a weekly Markov chain over the service ladder well -> light -> basic -> heavy.
#include <vector>

#include "valinta/model/params/needs.hpp"

namespace valinta {

struct State;

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

void run_needs(State& sim);

}  // namespace valinta

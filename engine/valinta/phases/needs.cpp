// Phase 2: M1 need dynamics, the service ladder well (0) -> light (1) -> basic (2) -> heavy (3).
//
// Each step a resident moves at most one level: up with the up-rate of their level times the
// multiplier of their age band (and times unmet_multiplier for unmet_weeks after a contact that
// waited past the care guarantee or was sent to emergency), down with the down-rate.
// Indicator: the 4x4 flows between levels and the number of heavy users. Customer plans (M8) and
// care contacts (M2) are made in the same pass over the residents, chunk by chunk after the
// transitions (PlanPass, DemandPass).
#include "valinta/phases/needs.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/detail/resident_pass.hpp"

namespace valinta {

namespace {
// A weekly probability turned into a per-step probability for steps of `step_weeks` weeks.
double per_step(double weekly, double step_weeks) {
  if (step_weeks == 1.0) return weekly;
  return 1.0 - std::pow(1.0 - std::min(weekly, 1.0), step_weeks);
}
}  // namespace

NeedRates need_rates(const NeedParams& p, int level, int age_band, bool unmet, double step_weeks,
                     double up_multiplier) {
  NeedRates rates;
  if (level < kNeedLevels - 1) {
    const double up =
        p.up_rate[level] * p.age_multiplier[age_band] * (unmet ? p.unmet_multiplier : 1.0) * up_multiplier;
    rates.up = per_step(std::min(up, 1.0), step_weeks);
  }
  if (level > 0) rates.down = per_step(p.down_rate[level - 1], step_weeks);
  // Both moves come from one uniform, so together they cannot exceed certainty.
  if (rates.up + rates.down > 1.0) rates.down = 1.0 - rates.up;
  return rates;
}

std::vector<double> stationary_need_distribution(const NeedParams& p, int age_band, double step_weeks) {
  // Birth-death chain: pi[k+1] / pi[k] = up[k] / down[k+1].
  std::vector<double> pi(kNeedLevels, 1.0);
  for (int k = 0; k + 1 < kNeedLevels; ++k) {
    const double up = need_rates(p, k, age_band, false, step_weeks).up;
    const double down = need_rates(p, k + 1, age_band, false, step_weeks).down;
    pi[k + 1] = down > 0 ? pi[k] * up / down : (up > 0 ? pi[k] * 1e12 : 0.0);
  }
  double sum = 0;
  for (double v : pi) sum += v;
  for (double& v : pi) v /= sum;
  return pi;
}

void run_needs(State& sim) { kernels::resident_pass(sim); }

}  // namespace valinta

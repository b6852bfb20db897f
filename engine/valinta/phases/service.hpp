#pragma once
// M3 service: FIFO by arrival cohort within capacity; exact waits; the care guarantee;
// emergency diversion of contacts that wait too long.
#include <algorithm>
#include <array>
#include <cstdint>

#include "valinta/model/params/service.hpp"
#include "valinta/util/round.hpp"

namespace valinta {

struct State;

// The care guarantee in whole steps: a contact served at an age of at most this many steps was
// served within it.
int guarantee_steps(const ServiceParams& p, std::int64_t step_days);

// What becomes of a waiting contact that closes this step, `age_steps` steps after it arrived,
// given its draw scaled by its cohort's size before service (`u_scaled`): served if that falls
// below the cohort's served count, else diverted to emergency; unmet need (M1) if diverted or
// served past the care guarantee; the experience score it leaves (M5): the producer's quality
// less experience_wait_per_week per week waited, or experience_diverted. A contact whose cohort is
// empty (older than the ring) closes with neither and a neutral score.
struct ContactOutcome {
  bool served = false, unmet = false;
  double score = 0;
};
inline ContactOutcome contact_outcome(const ServiceParams& sp, std::int64_t step_days, double step_weeks,
                                      int age_steps, double u_scaled, double cohort_before,
                                      double cohort_served, double quality) {
  ContactOutcome o;
  if (cohort_before > 0) {
    o.served = u_scaled < cohort_served;
    o.unmet = !o.served || age_steps * step_days > sp.care_guarantee_days + 1e-9;
    o.score =
        o.served ? quality - sp.experience_wait_per_week * (age_steps * step_weeks) : sp.experience_diverted;
  }
  return o;
}

// A resident's experience (SD x 20, in a byte) after a resolved contact: an exponentially
// weighted mean with weight experience_weight on the newest score.
inline std::int8_t updated_experience(const ServiceParams& sp, std::int8_t experience, double score) {
  const double updated = (1 - sp.experience_weight) * experience / 20.0 + sp.experience_weight * score;
  return static_cast<std::int8_t>(round_half_away(std::clamp(updated, -6.35, 6.35) * 20.0));
}

// A producer's expected baseline emergency visits in a step of `step_years`: its listed residents
// by need level times service.emergency_per_year. (The payment phase, which has the lists by need
// level of every rank, draws them when it makes the organiser's bills.)
inline double baseline_emergency(const ServiceParams& sp, const std::array<std::int64_t, 4>& listed_by_level,
                                 double step_years) {
  double expected = 0;
  for (std::size_t l = 0; l < listed_by_level.size(); ++l)
    expected += static_cast<double>(listed_by_level[l]) * sp.emergency_per_year[l] * step_years;
  return expected;
}

// The factor on a public station's capacity this step: 1 + flex_max_share x min(1, expected wait /
// flex_full_weeks) (1 for other producers).
inline double capacity_flex(const ServiceParams& sp, bool public_station, double expected_wait_weeks) {
  if (!public_station || sp.flex_max_share == 0) return 1.0;
  return 1.0 + sp.flex_max_share * std::min(1.0, std::max(0.0, expected_wait_weeks) / sp.flex_full_weeks);
}

void run_service(State& sim);

}  // namespace valinta

// The summary items of a run, as the ensemble files, compare and calibrate name them (runs.hpp).
// A file of its own: the readers of study files need the names without the runs.
#include "valinta/study/runs.hpp"

namespace valinta {

const std::vector<IndicatorInfo>& summary_indicators() {
  static const std::vector<IndicatorInfo> list = {
      {"residents", "residents simulated", "residents", 1},
      {"eligible", "residents eligible to choose", "residents", 1},
      {"switched_share_public", "listed away from home, public", "% of eligible", 100},
      {"switched_share_private", "listed away from home, private", "% of eligible", 100},
      {"switched_share_third_sector", "listed away from home, third sector", "% of eligible", 100},
      {"ever_switched_share", "switched at least once", "% of eligible", 100},
      {"mean_wait_days", "mean wait", "days", 1},
      {"share_within_guarantee", "within the care guarantee", "% of contacts", 100},
      {"visits_per_resident_year", "visits", "per resident-year", 1},
      {"doctor_visits_per_resident_year", "doctor visits", "per resident-year", 1},
      {"er_diversions_per_1000_year", "emergency diversions", "per 1000 residents a year", 1},
      {"referrals_per_1000_year", "referrals to specialised care", "per 1000 residents a year", 1},
      {"organiser_cost_per_resident_year", "organiser's cost", "EUR per resident-year", 1},
      {"client_fees_per_resident_year", "client fees", "EUR per resident-year", 1},
  };
  return list;
}

}  // namespace valinta

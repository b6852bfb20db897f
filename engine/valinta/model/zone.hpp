#pragma once
// A zone (municipality): its place in the region, its block of residents and the producers
// within their reach.
#include <cstdint>
#include <vector>

#include "valinta/model/params/population.hpp"
#include "valinta/model/types.hpp"

namespace valinta {

// One zone of the run: the scenario's ZoneSpec with what the run works out from it.
struct Zone {
  ZoneSpec spec;
  bool in_pilot = false;
  double spread_km = 0;
  std::uint32_t first_resident = 0;  // global resident numbers (Residents::offset)
  std::uint32_t n_residents = 0;
  std::int64_t n_eligible = 0;            // residents eligible to choose (fixed when the population is built)
  std::vector<std::uint16_t> candidates;  // producers that can be within reach of its residents
  // The candidates' places as five columns of candidates.size() (sines and cosines of half their
  // latitude, of half their longitude, cosine of the latitude) for candidate_travel; fixed with
  // the candidates when the run is built.
  std::vector<double> candidate_places;
  // Set by events for one step (information campaign, a new producer nearby) or a while (demand).
  double extra_review = 0;
  SwitchReason extra_reason = SwitchReason::campaign;
  // Share of the zone's eligible residents who chose another producer lately: each such switch
  // counts exp(-weeks since / choice.neighbour_memory_weeks) (the neighbours' word of mouth).
  double recent_switchers = 0;
  double demand_factor = 1.0;
  int demand_factor_until = 1 << 30;
};

}  // namespace valinta

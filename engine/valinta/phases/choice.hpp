#pragma once
// M5 choice and switching: review hazard, lock-in, logit over a consideration set, caps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/scenario/params.hpp"

namespace valinta {

class Simulation;
struct Zone;

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

// A point for travel times, with the trigonometry of its coordinates worked out once: loops over
// many producers for one resident reuse it, and a travel time then needs no sine or cosine.
struct Place {
  double lat = 0, lon = 0, cos_lat = 1;
  double sin_half_lat = 0, cos_half_lat = 1, sin_half_lon = 0, cos_half_lon = 1;  // of lat / 2, lon / 2
};
Place place(double lat, double lon);

// Travel minutes between two points (MODEL.md M5): great-circle distance x detour / speed.
double travel_minutes(const ChoiceParams& p, const Place& a, const Place& b);
// The haversine of the central angle between two points: travel minutes increase with it, so the
// nearest of several points is the one with the smallest (and it is cheaper to compute).
inline double haversine(const Place& a, const Place& b) {
  // sin^2(dlat / 2) + cos(lat_a) cos(lat_b) sin^2(dlon / 2), with the half-angle sines from
  // sin(x - y) = sin x cos y - cos x sin y (no cancellation of 1 - cos: exact zero for the same
  // point, full precision for short distances).
  const double s_lat = b.sin_half_lat * a.cos_half_lat - b.cos_half_lat * a.sin_half_lat;
  const double s_lon = b.sin_half_lon * a.cos_half_lon - b.cos_half_lon * a.sin_half_lon;
  return s_lat * s_lat + a.cos_lat * b.cos_lat * s_lon * s_lon;
}
double travel_minutes(const ChoiceParams& p, double lat1, double lon1, double lat2, double lon2);
// travel_minutes(p, home, place of candidate m) for each of the zone's candidates m, into
// `minutes` (resized), several candidates per vector instruction; the same numbers.
// The zone's Zone::candidate_places must be built (candidate_place_columns).
void candidate_travel(const Simulation& sim, const Zone& zone, const Place& home,
                      std::vector<double>& minutes);
// The columns of Zone::candidate_places for the zone's candidates.
std::vector<double> candidate_place_columns(const Simulation& sim, const Zone& zone);

// What a ranking needs of every producer, in compact columns worked out once for the many
// rankings of a phase (the producers' state as it is then).
struct ChoiceInputs {
  std::vector<double> fee;        // expected_fee
  std::vector<double> published;  // seen_utility of the published wait and quality
  std::vector<double> digital;    // digital services level
  std::vector<std::uint8_t> open, digital_first, is_private;
};
ChoiceInputs choice_inputs(const Simulation& sim);

// Resident i's (a local index; see Residents::offset) candidate producers, best first, from one
// draw of the logit utilities of this step (inertia on or off). Producers outside the consideration set are
// left out. Only the best `limit` are returned (the start of the full ranking, found without sorting the
// rest); `inputs`, if given, holds choice_inputs(sim), worked out once by the caller.
std::vector<std::uint16_t> rank_producers(const Simulation& sim, std::size_t i, bool with_inertia,
                                          std::size_t limit = SIZE_MAX, const ChoiceInputs* inputs = nullptr);
// expected_fee of every producer.
std::vector<double> expected_fees(const Simulation& sim);

// The expected client fee of one visit at producer j (fees may differ by sector).
double expected_fee(const Simulation& sim, std::size_t j);

void run_choice(Simulation& sim);

}  // namespace valinta

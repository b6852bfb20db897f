#pragma once
// Travel times (part of M5): great-circle distance x detour factor / speed, plus a base time.
// They bound each resident's consideration set and enter the choice utility.
#include <vector>

#include "valinta/model/params/choice.hpp"
#include "valinta/util/geometry.hpp"

namespace valinta {

struct State;
struct Zone;

// Travel minutes for a half central angle (util/geometry.hpp): the base time plus the great-circle
// kilometres x detour_factor / speed.
inline double minutes_of_arc(double base, double detour, double speed, double half_angle_rad) {
  const double km = arc_km(half_angle_rad);
  return base + km * detour / speed * 60.0;
}
inline double minutes_of_arc(const ChoiceParams& p, double half_angle_rad) {
  return minutes_of_arc(p.travel_base_min, p.detour_factor, p.speed_kmh, half_angle_rad);
}

// Travel minutes between two points (docs/ODD.md 7.5.2): great-circle distance x detour / speed.
double travel_minutes(const ChoiceParams& p, const Place& a, const Place& b);
double travel_minutes(const ChoiceParams& p, double lat1, double lon1, double lat2, double lon2);
// travel_minutes(p, home, place of candidate m) for each of the zone's candidates m, into
// `minutes` (resized), several candidates per vector instruction; the same numbers.
// The zone's Zone::candidate_places must be built (candidate_place_columns).
void candidate_travel(const State& sim, const Zone& zone, const Place& home, std::vector<double>& minutes);
// The columns of Zone::candidate_places for the zone's candidates.
std::vector<double> candidate_place_columns(const State& sim, const Zone& zone);

}  // namespace valinta

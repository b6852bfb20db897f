#pragma once
// Travel times (part of M5): great-circle distance x detour factor / speed, plus a base time.
// They bound each resident's consideration set and enter the choice utility.
#include <vector>

#include "valinta/model/params/choice.hpp"
#include "valinta/util/geometry.hpp"

namespace valinta {

struct State;
struct Zone;

// Travel minutes between two points (MODEL.md M5): great-circle distance x detour / speed.
double travel_minutes(const ChoiceParams& p, const Place& a, const Place& b);
double travel_minutes(const ChoiceParams& p, double lat1, double lon1, double lat2, double lon2);
// travel_minutes(p, home, place of candidate m) for each of the zone's candidates m, into
// `minutes` (resized), several candidates per vector instruction; the same numbers.
// The zone's Zone::candidate_places must be built (candidate_place_columns).
void candidate_travel(const State& sim, const Zone& zone, const Place& home, std::vector<double>& minutes);
// The columns of Zone::candidate_places for the zone's candidates.
std::vector<double> candidate_place_columns(const State& sim, const Zone& zone);

}  // namespace valinta

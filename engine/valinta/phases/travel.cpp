#include "valinta/phases/travel.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/detail/travel_columns.hpp"

namespace valinta {

double travel_minutes(const ChoiceParams& p, const Place& a, const Place& b) {
  return minutes_of_arc(p, half_angle(haversine(a, b)));
}

std::vector<double> candidate_place_columns(const State& sim, const Zone& zone) {
  const std::size_t n = zone.candidates.size();
  std::vector<double> c(5 * n);
  for (std::size_t m = 0; m < n; ++m) {
    const Place& b = sim.producers[zone.candidates[m]].place;
    c[m] = b.sin_half_lat;
    c[n + m] = b.cos_half_lat;
    c[2 * n + m] = b.sin_half_lon;
    c[3 * n + m] = b.cos_half_lon;
    c[4 * n + m] = b.cos_lat;
  }
  return c;
}

void candidate_travel(const State& sim, const Zone& zone, const Place& home, std::vector<double>& minutes) {
  const std::size_t n = zone.candidates.size();
  if (zone.candidate_places.size() != 5 * n)
    throw std::logic_error("candidate_travel: the zone's candidate places are not built");
  thread_local std::vector<double> root;  // reused: no allocation per call
  root.resize(n);
  minutes.resize(n);
  const double* const c = zone.candidate_places.data();
  kernels::travel_columns(sim.scenario.choice, home, n, c, c + n, c + 2 * n, c + 3 * n, c + 4 * n,
                          root.data(), minutes.data());
  // Beyond the series' range (250 km), the arcsine itself, as travel_minutes does.
  for (std::size_t m = 0; m < n; ++m)
    if (!(root[m] < 0.02)) minutes[m] = minutes_of_arc(sim.scenario.choice, std::asin(root[m]));
}

double travel_minutes(const ChoiceParams& p, double lat1, double lon1, double lat2, double lon2) {
  return travel_minutes(p, place(lat1, lon1), place(lat2, lon2));
}

}  // namespace valinta

#include "valinta/phases/travel.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

#include "valinta/model/state.hpp"

namespace valinta {

namespace {
inline double minutes_of_arc(double base, double detour, double speed, double arc) {
  const double km = arc_km(arc);
  return base + km * detour / speed * 60.0;
}
inline double minutes_of_arc(const ChoiceParams& p, double arc) {
  return minutes_of_arc(p.travel_base_min, p.detour_factor, p.speed_kmh, arc);
}
}  // namespace

double travel_minutes(const ChoiceParams& p, const Place& a, const Place& b) {
  return minutes_of_arc(p, half_angle(haversine(a, b)));
}

namespace {
// The loop of candidate_travel over columns, compiled for the widest vector unit the processor
// has (the clone is chosen at load time; element-wise IEEE operations in the same order, so every
// clone gives the same numbers).
__attribute__((target_clones("avx512f", "avx2", "default"))) void travel_columns(
    const ChoiceParams& p, const Place& a, std::size_t n, const double* __restrict sin_half_lat,
    const double* __restrict cos_half_lat, const double* __restrict sin_half_lon,
    const double* __restrict cos_half_lon, const double* __restrict cos_lat, double* __restrict root,
    double* __restrict minutes) {
  const double base = p.travel_base_min, detour = p.detour_factor, speed = p.speed_kmh;
  for (std::size_t m = 0; m < n; ++m) {
    // haversine(a, b) written out over the columns, then travel_minutes with the series.
    const double s_lat = sin_half_lat[m] * a.cos_half_lat - cos_half_lat[m] * a.sin_half_lat;
    const double s_lon = sin_half_lon[m] * a.cos_half_lon - cos_half_lon[m] * a.sin_half_lon;
    const double h = s_lat * s_lat + a.cos_lat * cos_lat[m] * s_lon * s_lon;
    const double x = std::sqrt(std::min(1.0, h));
    root[m] = x;
    minutes[m] = minutes_of_arc(base, detour, speed, asin_series(x));
  }
}
}  // namespace

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
  travel_columns(sim.scenario.choice, home, n, c, c + n, c + 2 * n, c + 3 * n, c + 4 * n, root.data(),
                 minutes.data());
  // Beyond the series' range (250 km), the arcsine itself, as travel_minutes does.
  for (std::size_t m = 0; m < n; ++m)
    if (!(root[m] < 0.02)) minutes[m] = minutes_of_arc(sim.scenario.choice, std::asin(root[m]));
}

double travel_minutes(const ChoiceParams& p, double lat1, double lon1, double lat2, double lon2) {
  return travel_minutes(p, place(lat1, lon1), place(lat2, lon2));
}

}  // namespace valinta

#include "valinta/phases/detail/travel_columns.hpp"

#include <algorithm>
#include <cmath>

#include "valinta/phases/travel.hpp"

namespace valinta {

// Compiled for the widest vector unit the processor has (the clone is chosen at load time;
// element-wise IEEE operations in the same order, so every clone gives the same numbers).
__attribute__((target_clones("avx512f", "avx2", "default"))) void kernels::travel_columns(
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

}  // namespace valinta

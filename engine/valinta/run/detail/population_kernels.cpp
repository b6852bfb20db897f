#include "valinta/run/detail/population_kernels.hpp"

#include <cmath>

#include "valinta/util/rng.hpp"
#include "valinta/util/unit_math.hpp"

namespace valinta::kernels {

__attribute__((target_clones("avx512f", "avx2", "default"))) void normal_parts(
    const std::uint32_t* __restrict w, std::size_t n, NormalParts& out) {
  const std::uint32_t* __restrict b = w + 4 * kRun;
  const std::uint32_t* __restrict c = w + 8 * kRun;
  for (std::size_t k = 0; k < n; ++k) {
    double cos_income = 0, cos_literacy = 0, cos_home = 0, sin_unused = 0, sin_home = 0;
    cos_sin_turn(CounterRng::to_unit(b[4 * k + 2]), cos_income, sin_unused);
    cos_sin_turn(CounterRng::to_unit(c[4 * k + 0]), cos_literacy, sin_unused);
    cos_sin_turn(CounterRng::to_unit(c[4 * k + 2]), cos_home, sin_home);
    out.income[k] = std::sqrt(minus_two_log(CounterRng::to_unit(b[4 * k + 1]))) * cos_income;
    out.literacy[k] = std::sqrt(minus_two_log(CounterRng::to_unit(b[4 * k + 3]))) * cos_literacy;
    const double radius = std::sqrt(minus_two_log(CounterRng::to_unit(c[4 * k + 1])));
    out.east[k] = radius * cos_home;
    out.north[k] = radius * -sin_home;
  }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void run_places(const float* __restrict lat,
                                                                             const float* __restrict lon,
                                                                             std::size_t n, RunPlaces& out) {
  for (std::size_t k = 0; k < n; ++k) {
    double sin_lat = 0;  // (not needed)
    cos_sin_turn(lat[k] / 360.0, out.cos_lat[k], sin_lat);
    cos_sin_turn(lat[k] / 720.0, out.cos_half_lat[k], out.sin_half_lat[k]);
    cos_sin_turn(lon[k] / 720.0, out.cos_half_lon[k], out.sin_half_lon[k]);
  }
}

__attribute__((target_clones("avx512f", "avx2", "default"))) void nearest_stations(
    const RunPlaces& places, std::size_t n, const Place* stations, const std::uint16_t* ids, std::size_t m,
    std::uint16_t* __restrict home) {
  std::array<double, kRun> best;
  best.fill(1e300);
  for (std::size_t s = 0; s < m; ++s) {
    const Place b = stations[s];
    const std::uint16_t id = ids[s];
    for (std::size_t k = 0; k < n; ++k) {
      const Place a{0,
                    0,
                    places.cos_lat[k],
                    places.sin_half_lat[k],
                    places.cos_half_lat[k],
                    places.sin_half_lon[k],
                    places.cos_half_lon[k]};
      const double h = haversine(a, b);
      const bool closer = h < best[k];  // both written always: the loop runs in vector lanes
      best[k] = closer ? h : best[k];
      home[k] = closer ? id : home[k];
    }
  }
}

}  // namespace valinta::kernels

#pragma once
// The vectorised loops of building the population (run/build_population.cpp), compiled for the
// widest vector unit at hand: every clone gives the same numbers.
#include <array>
#include <cstddef>
#include <cstdint>

#include "valinta/util/geometry.hpp"

namespace valinta::kernels {

// The normal parts of a run of residents' draws (the words of slot s at w + 4 kRun s, four per
// resident): the standard normals of income and of literacy, and the offsets of home from the
// zone centre in SDs, eastward and northward. Box-Muller, each from a pair of uniforms; the
// offsets share the radius of one pair. A loop of util/unit_math.hpp's functions, compiled for
// the widest vector unit at hand: every clone gives the same numbers.
constexpr std::size_t kRun = 256;
struct NormalParts {
  std::array<double, kRun> income, literacy, east, north;
};
void normal_parts(const std::uint32_t* __restrict w, std::size_t n, NormalParts& out);

// place(lat, lon) of a run of residents, for the search of their nearest station: the cosines
// and sines of turns of util/unit_math.hpp in vector code (within a few 1e-16 of the library's
// trigonometry, whose calls would cost more than the rest of building a resident).
struct RunPlaces {
  std::array<double, kRun> cos_lat, sin_half_lat, cos_half_lat, sin_half_lon, cos_half_lon;
};
void run_places(const float* __restrict lat, const float* __restrict lon, std::size_t n, RunPlaces& out);

// The home station of each of a run's n residents: of the m stations (places and producer
// numbers), the one with the smallest haversine (util/geometry.hpp) from the resident, the first
// of equals. Station by station over the whole run, so the residents' comparisons run in vector
// lanes; the haversines are the scalar function's, operation for operation.
void nearest_stations(const RunPlaces& places, std::size_t n, const Place* stations, const std::uint16_t* ids,
                      std::size_t m, std::uint16_t* __restrict home);

}  // namespace valinta::kernels

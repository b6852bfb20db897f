#pragma once
// The loop of candidate_travel (phases/travel.hpp) over the columns of a zone's candidate places,
// several candidates per vector instruction: travel_minutes of each, with asin by its series
// (half_angle's, exact below 250 km); `root` gets the sine of each half angle, so that the caller
// can redo the few beyond the series' range with the arcsine itself.
#include <cstddef>

#include "valinta/model/params/choice.hpp"
#include "valinta/util/geometry.hpp"

namespace valinta::kernels {

void travel_columns(const ChoiceParams& p, const Place& a, std::size_t n,
                    const double* __restrict sin_half_lat, const double* __restrict cos_half_lat,
                    const double* __restrict sin_half_lon, const double* __restrict cos_half_lon,
                    const double* __restrict cos_lat, double* __restrict root, double* __restrict minutes);

}  // namespace valinta::kernels

#pragma once
// Points on the Earth and the angles between them, for travel times (docs/ODD.md 7.5.2): the
// trigonometry of a point is worked out once, so that loops over many producers for one resident
// need no sine or cosine.
#include <cmath>

namespace valinta {

struct Place {
  double lat = 0, lon = 0, cos_lat = 1;
  double sin_half_lat = 0, cos_half_lat = 1, sin_half_lon = 0, cos_half_lon = 1;  // of lat / 2, lon / 2
};

// The place at latitude and longitude in degrees.
inline Place place(double lat, double lon) {
  constexpr double kRad = 3.141592653589793 / 180.0;
  return {lat,
          lon,
          std::cos(lat * kRad),
          std::sin(lat * kRad / 2),
          std::cos(lat * kRad / 2),
          std::sin(lon * kRad / 2),
          std::cos(lon * kRad / 2)};
}

// The haversine of the central angle between two points: distances increase with it, so the
// nearest of several points is the one with the smallest (and it is cheaper to compute).
inline double haversine(const Place& a, const Place& b) {
  // sin^2(dlat / 2) + cos(lat_a) cos(lat_b) sin^2(dlon / 2), with the half-angle sines from
  // sin(x - y) = sin x cos y - cos x sin y (no cancellation of 1 - cos: exact zero for the same
  // point, full precision for short distances).
  const double s_lat = b.sin_half_lat * a.cos_half_lat - b.cos_half_lat * a.sin_half_lat;
  const double s_lon = b.sin_half_lon * a.cos_half_lon - b.cos_half_lon * a.sin_half_lon;
  return s_lat * s_lat + a.cos_lat * b.cos_lat * s_lon * s_lon;
}

// asin x by its series, for x below 0.02 (distances under 250 km; the next term is below 1e-17
// of x).
inline double asin_series(double x) {
  const double x2 = x * x;
  return x * (1 + x2 * (1.0 / 6 + x2 * (3.0 / 40 + x2 * (15.0 / 336 + x2 * (105.0 / 3456)))));
}

// Half the central angle between two points, in radians, from their haversine.
inline double half_angle(double haversine_value) {
  const double x = std::sqrt(haversine_value < 1.0 ? haversine_value : 1.0);
  return x < 0.02 ? asin_series(x) : std::asin(x);
}

// Great-circle kilometres of a half central angle (a mean Earth radius of 6371 km).
inline double arc_km(double half_angle_rad) { return 2 * 6371.0 * half_angle_rad; }

}  // namespace valinta

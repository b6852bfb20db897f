#pragma once
// The logarithm and the sine and cosine of a turn that turn uniform draws into normal deviates
// (Box-Muller), written with the basic IEEE operations only.
//
// A national run draws some 20 million normals while it builds its residents; the C library's
// log and cos cost some 20 ns a call there and are never vectorised. These take draws in (0, 1)
// only, which makes the reductions exact, and use nothing but +, -, *, /, sqrt, compares and bit
// operations: a loop of them vectorises, and every vector width (and the scalar code) gives the
// same numbers, as -ffp-contract=off keeps a * b + c from being fused. They are within a few
// units in the last place of the exact values (tests/util/unit_math_test.cpp).
#include <bit>
#include <cstdint>

namespace valinta {

namespace detail {
inline constexpr double kLn2 = 0.6931471805599453094;
inline constexpr double kTwoPi = 6.283185307179586477;
inline constexpr double kSqrtHalf = 0.7071067811865475244;
}  // namespace detail

// -2 ln u for u in (0, 1] (normal, not subnormal). u = m 2^e with m in [sqrt(1/2), sqrt(2)); then
// ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172, by its series to s^23 (the next term is
// below 1e-19).
inline double minus_two_log(double u) {
  // 1 / (2j + 1), j = 0 .. 11.
  constexpr double kOdd[12] = {1.0,      1.0 / 3,  1.0 / 5,  1.0 / 7,  1.0 / 9,  1.0 / 11,
                               1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21, 1.0 / 23};
  // All the choosing is in integers: with the default -ftrapping-math the compiler will not
  // turn a choice between floating-point results into a select, and the loop would not vectorise.
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(u);
  const std::uint64_t fraction = bits & 0x000FFFFFFFFFFFFFULL;
  const std::uint64_t high = fraction > 0x6A09E667F3BCCULL ? 1 : 0;  // 1.fraction > sqrt(2) (rounded down)
  const double m = std::bit_cast<double>(fraction | ((0x3FFULL - high) << 52));  // [sqrt(1/2), sqrt(2)]
  // The exponent (+ 1 if m was halved) as a double without an integer conversion: 2^52 + e, then
  // minus 2^52.
  const double e = std::bit_cast<double>(((bits >> 52) + high) | 0x4330000000000000ULL) - 0x1p52 - 1023.0;
  const double s = (m - 1.0) / (m + 1.0), z = s * s;
  double series = kOdd[11];
#pragma GCC unroll 11
  for (int j = 10; j >= 0; --j) series = series * z + kOdd[j];
  return -2.0 * (e * detail::kLn2 + 2.0 * s * series);
}

// cos(2 pi u) and sin(2 pi u) for u in [-1, 1]. u = k / 4 + r with k the nearest integer to 4u
// and |r| <= 1/8, exactly (Sterbenz); x = 2 pi r in [-pi/4, pi/4] by the Taylor series to x^17
// (the next term is below 2e-18); the quarter turns k (mod 4) swap and negate them.
inline void cos_sin_turn(double u, double& cosine, double& sine) {
  // 1 / ((n - 1) n) and 1 / (n (n + 1)) for n = 2, 4, .., 16: the steps of the two series.
  constexpr double kCos[8] = {1.0 / 2,  1.0 / 12,  1.0 / 30,  1.0 / 56,
                              1.0 / 90, 1.0 / 132, 1.0 / 182, 1.0 / 240};
  constexpr double kSin[8] = {1.0 / 6,   1.0 / 20,  1.0 / 42,  1.0 / 72,
                              1.0 / 110, 1.0 / 156, 1.0 / 210, 1.0 / 272};
  // 1.5 2^52 + 4u lies where the doubles are the integers: rounded to the nearest one.
  const double k = (4.0 * u + 0x1.8p52) - 0x1.8p52;
  const double x = detail::kTwoPi * (u - 0.25 * k);
  const double x2 = x * x;
  // cos x = 1 - x^2/2! (1 - x^2/(3 4) (1 - ...)), sin x = x (1 - x^2/(2 3) (1 - ...)), innermost first.
  double c = 1.0, s = 1.0;
#pragma GCC unroll 8
  for (int j = 7; j >= 0; --j) {
    c = 1.0 - x2 * kCos[j] * c;
    s = 1.0 - x2 * kSin[j] * s;
  }
  s *= x;
  // Quarter turns k = 1 and -3 swap cos and sin and negate cos, k = 2 and -2 negate both, k = 3 and
  // -1 swap them and negate sin.
  const bool odd = (k == 1.0) | (k == 3.0) | (k == -1.0) | (k == -3.0);
  const double turned_cos = odd ? s : c, turned_sin = odd ? c : s;
  cosine = ((k == 1.0) | (k == 2.0) | (k == -2.0) | (k == -3.0)) ? -turned_cos : turned_cos;
  sine = ((k == 2.0) | (k == 3.0) | (k == -1.0) | (k == -2.0)) ? -turned_sin : turned_sin;
}

}  // namespace valinta

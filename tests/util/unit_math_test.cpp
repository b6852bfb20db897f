// util/unit_math.hpp: -2 ln u and the cosine and sine of a turn agree with the C library to a few
// units in the last place over the draws they are given, at the ends of (0, 1) and at the points
// where their reductions switch.
#include "valinta/util/unit_math.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "valinta/util/rng.hpp"

namespace valinta {
namespace {

std::vector<double> draws_to_check() {
  std::vector<double> u;
  // The extreme draws, every power of two a draw reaches, and the neighbours of the switch points
  // (sqrt(1/2) 2^-e for the logarithm; the eighths of a turn for the cosine and sine).
  for (const std::uint32_t w : {0U, 1U, 2U, 0x7FFFFFFFU, 0x80000000U, 0xFFFFFFFEU, 0xFFFFFFFFU})
    u.push_back(CounterRng::to_unit(w));
  for (int e = 1; e <= 33; ++e) {
    const double p = std::ldexp(1.0, -e), s = std::sqrt(0.5) * std::ldexp(1.0, 1 - e);
    for (const double x : {p, s}) {
      u.push_back(x);
      u.push_back(std::nextafter(x, 0.0));
      u.push_back(std::nextafter(x, 1.0));
    }
  }
  for (int k = 0; k <= 8; ++k) {
    const double x = k / 8.0;
    u.push_back(std::nextafter(x, 0.0));
    u.push_back(std::nextafter(x, 1.0));
    if (k > 0 && k < 8) u.push_back(x);
  }
  std::mt19937 random(7);
  for (int k = 0; k < 200000; ++k) u.push_back(CounterRng::to_unit(static_cast<std::uint32_t>(random())));
  return u;
}

TEST(UnitMath, MinusTwoLogMatchesTheLibraryToAFewUlps) {
  for (const double u : draws_to_check()) {
    if (u < 0x1p-33 || u > 1.0) continue;  // draws are at least 2^-33 (CounterRng::to_unit)
    const double exact = -2.0 * std::log(u), got = minus_two_log(u);
    ASSERT_LE(std::abs(got - exact), 4e-16 * exact + 1e-300) << "u = " << u;
  }
  EXPECT_EQ(minus_two_log(1.0), 0.0);
  EXPECT_EQ(minus_two_log(0.5), 2.0 * std::log(2.0));
}

TEST(UnitMath, CosineAndSineOfATurnMatchTheLibrary) {
  for (const double draw : draws_to_check()) {
    for (const double u : {draw, -draw}) {  // turns either way (negative latitudes and longitudes)
      if (u < -1.0 || u > 1.0) continue;
      double c = 2, s = 2;
      cos_sin_turn(u, c, s);
      // 2 pi u itself is rounded for the library: absolute differences of a few 1e-16.
      ASSERT_NEAR(c, std::cos(6.283185307179586 * u), 1e-15) << "u = " << u;
      ASSERT_NEAR(s, std::sin(6.283185307179586 * u), 1e-15) << "u = " << u;
      ASSERT_LE(c * c + s * s, 1.0 + 4e-16);
    }
  }
  // Quarter turns are exact.
  const double quarter[4][2] = {{1, 0}, {0, 1}, {-1, 0}, {0, -1}};
  for (int k = -4; k <= 4; ++k) {
    double c = 2, s = 2;
    cos_sin_turn(k / 4.0, c, s);
    EXPECT_EQ(c, quarter[(k + 8) % 4][0]) << k;
    EXPECT_EQ(s, quarter[(k + 8) % 4][1]) << k;
  }
}

TEST(UnitMath, BoxMullerGivesStandardNormals) {
  // Mean 0, variance 1 and the tail share beyond 3 SD of 1,000,000 deviates from Philox draws.
  const CounterRng rng(11, 0);
  double sum = 0, squares = 0;
  int beyond3 = 0;
  const int n = 1000000;
  for (int k = 0; k < n; ++k) {
    const auto u = rng.uniforms(Stream::population, static_cast<std::uint64_t>(k), 0);
    double c = 0, s = 0;
    cos_sin_turn(u[1], c, s);
    const double z = std::sqrt(minus_two_log(u[0])) * c;
    sum += z;
    squares += z * z;
    beyond3 += std::abs(z) > 3 ? 1 : 0;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.005);                  // SE 0.001
  EXPECT_NEAR(squares / n, 1.0, 0.007);              // SE 0.0014
  EXPECT_NEAR(beyond3 / double{n}, 0.0027, 0.0003);  // SE 0.00005
}

}  // namespace
}  // namespace valinta

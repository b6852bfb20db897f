// util/round.hpp: round_half_away is std::lround, halves and their neighbours included.
#include "valinta/util/round.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace valinta {
namespace {

TEST(RoundHalfAway, EqualsLroundAtHalvesAndEverywhereElse) {
  for (int k = -300; k <= 300; ++k) {
    const double half = k + 0.5;
    for (const double x :
         {half, std::nextafter(half, -1e9), std::nextafter(half, 1e9), static_cast<double>(k), -half,
          std::nextafter(-half, 1e9), std::nextafter(-half, -1e9)})
      ASSERT_EQ(round_half_away(x), std::lround(x)) << x;
  }
  std::mt19937_64 random(1);
  std::uniform_real_distribution<double> any(-1e6, 1e6);
  for (int k = 0; k < 100000; ++k) {
    const double x = any(random);
    ASSERT_EQ(round_half_away(x), std::lround(x)) << x;
  }
  EXPECT_EQ(round_half_away(0.49999999999999994), 0);  // where floor(x + 0.5) would give 1
  EXPECT_EQ(round_half_away(-0.0), 0);
}

}  // namespace
}  // namespace valinta

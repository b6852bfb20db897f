// util/select.hpp: the positions of the non-zero bytes of a mask, in order, for any length and
// any non-zero byte value.
#include "valinta/util/select.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace valinta {
namespace {

TEST(PositionsOf, ListsEveryMarkedPositionInOrder) {
  std::mt19937 random(7);
  for (const std::size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 1000u, 1024u}) {
    for (const double density : {0.0, 0.03, 0.5, 1.0}) {
      std::vector<std::uint8_t> mask(n);
      std::vector<std::uint32_t> expected;
      for (std::size_t k = 0; k < n; ++k) {
        if (std::uniform_real_distribution<double>(0, 1)(random) < density) {
          mask[k] = static_cast<std::uint8_t>(1 + random() % 255);  // any non-zero value
          expected.push_back(1000 + static_cast<std::uint32_t>(k));
        }
      }
      std::vector<std::uint32_t> out(n + 1, 0);
      const std::size_t m = positions_of(mask.data(), n, 1000, out.data());
      ASSERT_EQ(m, expected.size()) << "n " << n << ", density " << density;
      out.resize(m);
      EXPECT_EQ(out, expected) << "n " << n << ", density " << density;
    }
  }
}

}  // namespace
}  // namespace valinta

// util/select.hpp: the positions of the non-zero bytes of a mask, in order, for any length and
// any non-zero byte value, on every instruction set this processor has; none writes past n.
#include "valinta/util/select.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace valinta {
namespace {

TEST(PositionsOf, ListsEveryMarkedPositionInOrder) {
  std::mt19937 random(7);
  for (const std::size_t n : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 63u, 64u, 65u, 1000u, 1024u}) {
    for (const double density : {0.0, 0.03, 0.5, 1.0}) {
      std::vector<std::uint8_t> mask(n);
      std::vector<std::uint32_t> expected;
      for (std::size_t k = 0; k < n; ++k) {
        if (std::uniform_real_distribution<double>(0, 1)(random) < density) {
          mask[k] = static_cast<std::uint8_t>(1 + random() % 255);  // any non-zero value
          expected.push_back(1000 + static_cast<std::uint32_t>(k));
        }
      }
      for (const auto path : {detail::SimdPath::scalar, detail::SimdPath::avx2, detail::SimdPath::avx512}) {
        if (!detail::simd_path_available(path)) continue;
        const auto where = "n " + std::to_string(n) + ", density " + std::to_string(density) + ", path " +
                           std::to_string(static_cast<int>(path));
        constexpr std::uint32_t kGuard = 0xDEADBEEF;  // one element past n must stay untouched
        std::vector<std::uint32_t> out(n + 1, kGuard);
        const std::size_t m = detail::positions_of(path, mask.data(), n, 1000, out.data());
        ASSERT_EQ(m, expected.size()) << where;
        EXPECT_EQ(out[n], kGuard) << where;
        out.resize(m);
        EXPECT_EQ(out, expected) << where;
      }
      std::vector<std::uint32_t> out(n + 1, 0);
      ASSERT_EQ(positions_of(mask.data(), n, 1000, out.data()), expected.size());
    }
  }
}

}  // namespace
}  // namespace valinta

// util/select.hpp: the positions of the non-zero bytes of a mask, in order, for any length and
// any non-zero byte value, on every instruction set this processor has; none writes past n.
#include "valinta/util/select.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
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

// The screens on draws: words below one bound or at or above another, bounds anywhere in
// [0, 2^32], words at the bounds, every instruction set.
TEST(PositionsOutside, ListsTheWordsOutsideTheBoundsInOrder) {
  std::mt19937_64 random(3);
  constexpr std::uint64_t kAll = std::uint64_t{1} << 32;
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> bounds = {
      {0, kAll}, {kAll, kAll}, {0, 0}, {kAll, 0}, {1000, kAll}, {0, 0xFFFFFFFFu}, {0x10000000u, 0xF0000000u},
      {5, 6}};
  for (const auto& [below, from] : bounds) {
    for (const std::size_t n : {0u, 1u, 15u, 16u, 17u, 1000u, 1024u}) {
      std::vector<std::uint32_t> words(n), expected;
      for (std::size_t k = 0; k < n; ++k) {
        const std::uint64_t near = random() % 2 ? below : from;  // half the words at a bound, +-1
        words[k] =
            random() % 2
                ? static_cast<std::uint32_t>(random())
                : static_cast<std::uint32_t>(std::min<std::uint64_t>(near + random() % 2, 0xFFFFFFFFu) -
                                             (near > 0 ? random() % 2 : 0));
        if (words[k] < below || words[k] >= from) expected.push_back(7 + static_cast<std::uint32_t>(k));
      }
      for (const auto path : {detail::SimdPath::scalar, detail::SimdPath::avx2, detail::SimdPath::avx512}) {
        if (!detail::simd_path_available(path)) continue;
        std::vector<std::uint32_t> out(n + 1, 0xDEADBEEFu);
        const std::size_t m = detail::positions_outside(path, words.data(), n, below, from, 7, out.data());
        const auto where = "below " + std::to_string(below) + ", from " + std::to_string(from) + ", n " +
                           std::to_string(n) + ", path " + std::to_string(static_cast<int>(path));
        ASSERT_EQ(m, expected.size()) << where;
        EXPECT_EQ(out[n], 0xDEADBEEFu) << where;
        out.resize(m);
        EXPECT_EQ(out, expected) << where;
      }
    }
  }
}

// Waiting contacts: the non-negative values of an int16 column (-1 is "none"; the whole range).
TEST(PositionsNonnegative, ListsTheNonNegativeValuesInOrder) {
  std::mt19937_64 random(5);
  for (const std::size_t n : {0u, 1u, 31u, 32u, 33u, 1000u, 1024u}) {
    for (const int density : {0, 1, 2}) {
      std::vector<std::int16_t> values(n);
      std::vector<std::uint32_t> expected;
      for (std::size_t k = 0; k < n; ++k) {
        const bool waiting = density == 2 || (density == 1 && random() % 6 == 0);
        values[k] = waiting ? static_cast<std::int16_t>(random() % 32768)
                            : static_cast<std::int16_t>(-1 - static_cast<int>(random() % 32768));
        if (waiting) expected.push_back(9 + static_cast<std::uint32_t>(k));
      }
      for (const auto path : {detail::SimdPath::scalar, detail::SimdPath::avx2, detail::SimdPath::avx512}) {
        if (!detail::simd_path_available(path)) continue;
        std::vector<std::uint32_t> out(n + 1, 0xDEADBEEFu);
        const std::size_t m = detail::positions_nonnegative(path, values.data(), n, 9, out.data());
        ASSERT_EQ(m, expected.size()) << "n " << n << ", path " << static_cast<int>(path);
        EXPECT_EQ(out[n], 0xDEADBEEFu);
        out.resize(m);
        EXPECT_EQ(out, expected) << "n " << n << ", path " << static_cast<int>(path);
      }
    }
  }
}

}  // namespace
}  // namespace valinta

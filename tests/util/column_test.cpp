// util/column.hpp: resident columns read zero where they grow into fresh storage, small or huge,
// even though resize does not write the new elements; Residents::resize starts from zero.
#include "valinta/util/column.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>

#include "valinta/model/population.hpp"

namespace valinta {
namespace {

template <typename T>
bool all_zero(const Column<T>& c, std::size_t from = 0) {
  return std::all_of(c.begin() + static_cast<std::ptrdiff_t>(from), c.end(), [](T v) { return v == T{}; });
}

TEST(Column, ReadsZeroAfterResizeFromEmptyEvenWhereTheHeapHeldOtherData) {
  // Small columns come from the heap, which hands back the block just freed with its old bytes.
  for (const std::size_t n : {std::size_t{1}, std::size_t{1000}, std::size_t{100000}}) {
    {
      Column<std::uint16_t> dirty(n);
      std::fill(dirty.begin(), dirty.end(), 0xBEEF);
    }
    Column<std::uint16_t> c;
    c.resize(n);
    EXPECT_TRUE(all_zero(c)) << n << " elements";
  }
}

TEST(Column, HugeColumnsReadZeroAndKeepTheirValuesWhenTheyGrow) {
  const std::size_t n = 3 * (detail::kHugeBytes / sizeof(float)) + 7;  // three huge pages and a tail
  Column<float> c;
  c.resize(n);
  EXPECT_TRUE(all_zero(c));
  std::fill(c.begin(), c.end(), 1.5F);
  c.resize(2 * n);  // grows into new storage: the old values move, the new part is zero
  EXPECT_TRUE(std::all_of(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(n), [](float v) { return v == 1.5F; }));
  EXPECT_TRUE(all_zero(c, n));
  c.push_back(2.5F);  // elements given a value get it
  EXPECT_EQ(c.back(), 2.5F);
}

TEST(Column, ResidentsResizeGivesZeroResidentsAndKeepsTheOffset) {
  Residents r;
  r.offset = 1234;
  r.resize(5000);
  std::fill(r.need.begin(), r.need.end(), 3);
  std::fill(r.open_since.begin(), r.open_since.end(), -1);
  r.resize(5000);
  EXPECT_EQ(r.offset, 1234U);
  EXPECT_EQ(r.size(), 5000U);
  EXPECT_TRUE(all_zero(r.need));
  EXPECT_TRUE(all_zero(r.open_since));
}

}  // namespace
}  // namespace valinta

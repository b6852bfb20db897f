// util/column.hpp: resident columns read zero where they grow into fresh storage, small or huge,
// even though resize does not write the new elements; Residents::resize starts from zero; the
// arena of the indicator series hands out separate aligned blocks, kept as long as a vector in
// them holds its storage.
#include "valinta/util/column.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <utility>
#include <vector>

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
  EXPECT_TRUE(
      std::all_of(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(n), [](float v) { return v == 1.5F; }));
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

namespace valinta {
namespace {

TEST(HugeArena, HandsOutAlignedBlocksThatDoNotOverlap) {
  HugeArena arena;
  std::vector<std::pair<std::byte*, std::size_t>> blocks;
  for (const std::size_t bytes : {std::size_t{1}, std::size_t{836'160}, std::size_t{24},
                                  std::size_t{40} << 20, std::size_t{3'000'000}, std::size_t{8}}) {
    auto* const p = static_cast<std::byte*>(arena.allocate(bytes, alignof(std::int64_t)));
    ASSERT_EQ(reinterpret_cast<std::uintptr_t>(p) % alignof(std::int64_t), 0U);
    std::fill(p, p + bytes, std::byte{0x5A});  // the memory is there, and writable
    blocks.emplace_back(p, bytes);
  }
  for (std::size_t a = 0; a < blocks.size(); ++a)
    for (std::size_t b = a + 1; b < blocks.size(); ++b) {
      const bool apart = blocks[a].first + blocks[a].second <= blocks[b].first ||
                         blocks[b].first + blocks[b].second <= blocks[a].first;
      EXPECT_TRUE(apart) << a << " and " << b;
    }
}

// Faulting the pages in changes nothing they hold, whichever of them were written before.
TEST(Populate, KeepsWhatThePagesHold) {
  Column<std::uint32_t> a(5'000'000), b(7), c(1'000'000);
  // Some words written before (on pages already there and on pages not yet faulted in).
  for (Column<std::uint32_t>* column : {&a, &b, &c})
    for (std::size_t k = 0; k < column->size(); k += 4099)
      (*column)[k] = static_cast<std::uint32_t>(k * 2654435761u);
  populate({range_of(a), range_of(b), range_of(c), MemoryRange{a.data() + 3, 5}}, 2);
  for (Column<std::uint32_t>* column : {&a, &b, &c})
    for (std::size_t k = 0; k < column->size(); ++k)
      ASSERT_EQ((*column)[k], k % 4099 == 0 ? static_cast<std::uint32_t>(k * 2654435761u) : 0u)
          << "word " << k;
}

// What is reserved is handed out after, zeroed and writable, in blocks that do not overlap,
// whether it fits in the last mapping or needs a new one; and blocks beyond it still work.
TEST(HugeArena, ReservedRoomIsHandedOutAfter) {
  HugeArena arena(2);
  auto* const first = static_cast<std::uint32_t*>(arena.allocate(1'000, alignof(std::uint32_t)));
  arena.reserve(3'000'000);  // fits in the first 16 MiB mapping
  auto* const second = static_cast<std::uint32_t*>(arena.allocate(3'000'000, alignof(std::uint32_t)));
  arena.reserve(40'000'000);  // needs a mapping of its own
  auto* const third = static_cast<std::uint32_t*>(arena.allocate(40'000'000, alignof(std::uint32_t)));
  auto* const fourth = static_cast<std::uint32_t*>(arena.allocate(5'000'000, alignof(std::uint32_t)));
  std::vector<std::pair<std::uint32_t*, std::size_t>> blocks = {
      {first, 250}, {second, 750'000}, {third, 10'000'000}, {fourth, 1'250'000}};
  for (auto& [p, words] : blocks) {
    EXPECT_EQ(std::count(p, p + words, 0u), static_cast<std::ptrdiff_t>(words));
    std::fill(p, p + words, static_cast<std::uint32_t>(words));
  }
  for (auto& [p, words] : blocks) {
    EXPECT_EQ(p[0], words);
    EXPECT_EQ(p[words - 1], words);
  }
  EXPECT_EQ(first[249], 250u);  // not overwritten by the blocks after it
  EXPECT_EQ(second[0], 750'000u);
  arena.reserve(0);
}

TEST(HugeArena, VectorsKeepTheArenaAliveThroughTheirSharedStorage) {
  // A series handed over by a recorder keeps the arena alive: its rows stay readable.
  std::pmr::vector<double> kept;
  {
    auto arena = std::make_shared<HugeArena>();
    std::pmr::vector<double> rows(arena.get());
    rows.reserve(1000);
    for (int k = 0; k < 1000; ++k) rows.push_back(k * 0.5);
    struct Holder {
      std::shared_ptr<std::pmr::memory_resource> storage;
      std::pmr::vector<double> rows;
    } holder{arena, std::move(rows)};
    arena.reset();
    const Holder moved = std::move(holder);
    kept.assign(moved.rows.begin(), moved.rows.end());
    EXPECT_EQ(moved.rows.get_allocator().resource(), moved.storage.get());
  }
  ASSERT_EQ(kept.size(), 1000U);
  EXPECT_EQ(kept[999], 499.5);
}

}  // namespace
}  // namespace valinta

// Zone blocks across MPI ranks (parallel/partition.hpp) and the one-rank communicator.
#include "valinta/parallel/partition.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <vector>

#include "valinta/parallel/comm.hpp"

namespace valinta::parallel {
namespace {

// Blocks are whole zones, contiguous, in order, and cover every zone exactly once.
void expect_blocks_cover(const std::vector<std::uint32_t>& sizes, int ranks) {
  const std::vector<std::size_t> bounds = zone_blocks(sizes, ranks);
  ASSERT_EQ(bounds.size(), static_cast<std::size_t>(ranks) + 1);
  EXPECT_EQ(bounds.front(), 0u);
  EXPECT_EQ(bounds.back(), sizes.size());
  for (int k = 0; k < ranks; ++k) EXPECT_LE(bounds[k], bounds[k + 1]) << "rank " << k;
}

TEST(ZoneBlocks, OneRankHoldsEveryZone) {
  const std::vector<std::uint32_t> sizes = {5, 0, 7, 3};
  EXPECT_EQ(zone_blocks(sizes, 1), (std::vector<std::size_t>{0, 4}));
}

TEST(ZoneBlocks, EqualZonesSplitEvenly) {
  const std::vector<std::uint32_t> sizes(8, 1000);
  EXPECT_EQ(zone_blocks(sizes, 2), (std::vector<std::size_t>{0, 4, 8}));
  EXPECT_EQ(zone_blocks(sizes, 4), (std::vector<std::size_t>{0, 2, 4, 6, 8}));
}

// A boundary never falls inside a zone: one large zone stays whole on one rank, and the edge
// chosen is the one nearer to an equal share.
TEST(ZoneBlocks, ALargeZoneStaysWholeAndTheNearerEdgeIsChosen) {
  const std::vector<std::uint32_t> sizes = {100, 1, 1, 1};
  EXPECT_EQ(zone_blocks(sizes, 2), (std::vector<std::size_t>{0, 1, 4}));
  const std::vector<std::uint32_t> middle = {10, 30, 60, 10, 10};          // half of 120 is after zone 1 or 2
  EXPECT_EQ(zone_blocks(middle, 2), (std::vector<std::size_t>{0, 2, 5}));  // 40 | 80 beats 100 | 20
}

// Blocks hold about equal residents: each is off the equal share by less than the largest zone.
TEST(ZoneBlocks, BlocksAreBalancedWithinTheLargestZone) {
  std::vector<std::uint32_t> sizes;
  for (std::uint32_t z = 0; z < 300; ++z) sizes.push_back(100 + (z * 7919) % 5000);
  const std::int64_t total = std::accumulate(sizes.begin(), sizes.end(), std::int64_t{0});
  const std::uint32_t largest = *std::max_element(sizes.begin(), sizes.end());
  for (const int ranks : {2, 3, 4, 7, 16, 64}) {
    expect_blocks_cover(sizes, ranks);
    const std::vector<std::size_t> bounds = zone_blocks(sizes, ranks);
    for (int k = 0; k < ranks; ++k) {
      const std::int64_t held =
          std::accumulate(sizes.begin() + static_cast<std::ptrdiff_t>(bounds[k]),
                          sizes.begin() + static_cast<std::ptrdiff_t>(bounds[k + 1]), std::int64_t{0});
      EXPECT_LT(std::abs(static_cast<double>(held) - static_cast<double>(total) / ranks), 1.0 * largest)
          << ranks << " ranks, rank " << k;
    }
  }
}

// More ranks than zones (or no residents at all): some ranks hold nothing; none fails.
TEST(ZoneBlocks, MoreRanksThanZonesLeavesSomeRanksEmpty) {
  const std::vector<std::uint32_t> sizes = {50, 50};
  expect_blocks_cover(sizes, 5);
  const std::vector<std::size_t> bounds = zone_blocks(sizes, 5);
  int nonempty = 0;
  for (int k = 0; k < 5; ++k) nonempty += bounds[k + 1] > bounds[k] ? 1 : 0;
  EXPECT_EQ(nonempty, 2);
  expect_blocks_cover({0, 0, 0}, 3);
  expect_blocks_cover({}, 2);
  EXPECT_THROW(zone_blocks(sizes, 0), std::invalid_argument);
}

// Outside mpirun the communicator is one rank and every collective keeps the data as they are.
TEST(Comm, OneRankCollectivesAreTheIdentity) {
  const Comm& comm = Comm::world();
  EXPECT_EQ(comm.size(), 1);
  EXPECT_EQ(comm.rank(), 0);
  EXPECT_TRUE(comm.root());
  std::vector<std::int64_t> counts = {3, -1, 7};
  comm.sum(counts);
  EXPECT_EQ(counts, (std::vector<std::int64_t>{3, -1, 7}));
  std::vector<std::int32_t> narrow = {5, -2};
  comm.sum(narrow);
  EXPECT_EQ(narrow, (std::vector<std::int32_t>{5, -2}));
  EXPECT_EQ(comm.sum(std::int64_t{42}), 42);
  EXPECT_TRUE(comm.all(true));
  EXPECT_FALSE(comm.all(false));
  struct Pair {
    double a;
    std::uint16_t b;
  };
  const std::vector<Pair> mine = {{0.5, 1}, {1.5, 2}};
  const std::vector<Pair> all = comm.all_gather(mine);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].a, 1.5);
  EXPECT_EQ(all[1].b, 2);
  std::vector<std::byte> bytes = {std::byte{1}, std::byte{2}};
  comm.broadcast(bytes);
  EXPECT_EQ(bytes[1], std::byte{2});
  comm.barrier();
}

}  // namespace
}  // namespace valinta::parallel

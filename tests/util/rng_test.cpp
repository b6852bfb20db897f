// util/rng.hpp: counter-based random numbers keyed by (seed, replication, stream, entity, step,
// slot), and the draws made from single uniforms (Poisson by inversion, Gumbel).
#include "valinta/util/rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <set>
#include <vector>

namespace valinta {
namespace {

// Integrating over a fine midpoint grid of u in (0, 1) gives the exact distribution of a draw
// made from one uniform (up to the grid's resolution).
template <class F>
std::vector<double> distribution_over_uniforms(F draw, int max_value, int grid = 1'000'000) {
  std::vector<double> mass(max_value + 1, 0.0);
  for (int g = 0; g < grid; ++g) {
    const int k = draw((g + 0.5) / grid);
    if (k <= max_value) mass[k] += 1.0 / grid;
  }
  return mass;
}

// poisson_from_uniform(lambda, u) is a Poisson(lambda) draw: the probability of each count is
// the Poisson pmf, so the mean and variance are lambda.
TEST(PoissonFromUniform, HasThePoissonDistribution) {
  for (const double lambda : {0.01, 0.2, 1.0, 4.5, 20.0}) {
    const int max_value = 80;
    const std::vector<double> mass =
        distribution_over_uniforms([&](double u) { return poisson_from_uniform(lambda, u); }, max_value);
    double mean = 0, second = 0, pmf = std::exp(-lambda);
    for (int k = 0; k <= max_value; ++k) {
      EXPECT_NEAR(mass[k], pmf, 2e-6) << "lambda " << lambda << ", k " << k;
      mean += k * mass[k];
      second += k * k * mass[k];
      pmf *= lambda / (k + 1);
    }
    EXPECT_NEAR(mean, lambda, 1e-4 * std::max(1.0, lambda)) << "lambda " << lambda;
    EXPECT_NEAR(second - mean * mean, lambda, 1e-3 * std::max(1.0, lambda)) << "lambda " << lambda;
  }
}

// The tabulated form gives the inversion's count for every draw: the same partial sums, compared
// in the same order, up to the cap of 64 (reached by lambda = 100 and by draws above the sums'
// limit, which falls short of 1 by rounding).
TEST(PoissonFromUniform, TableGivesTheSameCountAsTheInversion) {
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> any(0.0, 1.0);
  for (const double lambda : {0.0, 1e-6, 0.01, 0.0734, 0.2, 1.0, 4.5, 20.0, 100.0}) {
    const double e = std::exp(-lambda);
    const PoissonTable table = poisson_table(lambda, e);
    std::vector<double> draws = {
        CounterRng::to_unit(0), CounterRng::to_unit(0xFFFFFFFFU), 1.0, e, std::nextafter(e, 0.0),
        std::nextafter(e, 1.0)};
    for (const double c : table)
      draws.insert(draws.end(), {c, std::nextafter(c, 0.0), std::nextafter(c, 1.0)});
    for (int k = 0; k < 20000; ++k) draws.push_back(any(random));
    for (const double u : draws)
      ASSERT_EQ(poisson_from_table(table, u), poisson_from_uniform(lambda, u, e))
          << "lambda " << lambda << ", u " << u;
  }
  EXPECT_EQ(poisson_from_table(poisson_table(100.0, std::exp(-100.0)), 0.5), 64);
}

TEST(PoissonFromUniform, ZeroRateGivesNoContacts) {
  for (const double u : {1e-9, 0.5, 1 - 1e-9}) EXPECT_EQ(poisson_from_uniform(0.0, u), 0);
}

// Standard Gumbel: mean is the Euler-Mascheroni constant, variance pi^2 / 6; the difference of
// two is logistic, which is what makes the choice probabilities logit.
TEST(GumbelFromUniform, HasTheStandardGumbelMoments) {
  const int grid = 2'000'000;
  double mean = 0, second = 0;
  for (int g = 0; g < grid; ++g) {
    const double x = gumbel_from_uniform((g + 0.5) / grid);
    mean += x / grid;
    second += x * x / grid;
  }
  EXPECT_NEAR(mean, 0.5772156649, 1e-4);
  EXPECT_NEAR(second - mean * mean, 3.141592653589793 * 3.141592653589793 / 6, 2e-3);
}

// Every draw is a pure function of its key: the same key gives the same numbers, and changing
// any part of the key (seed, replication, stream, entity, step, slot) gives others.
TEST(CounterRng, DrawsArePureFunctionsOfTheirKey) {
  const CounterRng rng(42, 0);
  const auto a = rng.uniforms(Stream::demand, 12345, 7, 0);
  EXPECT_EQ(a, CounterRng(42, 0).uniforms(Stream::demand, 12345, 7, 0));
  std::set<std::array<double, 4>> seen = {a};
  seen.insert(CounterRng(43, 0).uniforms(Stream::demand, 12345, 7, 0));
  seen.insert(CounterRng(42, 1).uniforms(Stream::demand, 12345, 7, 0));
  seen.insert(rng.uniforms(Stream::needs, 12345, 7, 0));
  seen.insert(rng.uniforms(Stream::demand, 12346, 7, 0));
  seen.insert(rng.uniforms(Stream::demand, 12345 + (std::uint64_t{1} << 32), 7, 0));
  seen.insert(rng.uniforms(Stream::demand, 12345, 8, 0));
  seen.insert(rng.uniforms(Stream::demand, 12345, 7, 1));
  EXPECT_EQ(seen.size(), 8u);
}

// Uniforms lie strictly inside (0, 1) and are uniform (mean 1/2, variance 1/12).
TEST(CounterRng, UniformsAreUniformOnTheOpenInterval) {
  const CounterRng rng(1, 0);
  double mean = 0, second = 0;
  const int n = 200'000;
  for (int i = 0; i < n; ++i) {
    for (const double u : rng.uniforms(Stream::review, static_cast<std::uint64_t>(i), 3)) {
      ASSERT_GT(u, 0.0);
      ASSERT_LT(u, 1.0);
      mean += u / (4.0 * n);
      second += u * u / (4.0 * n);
    }
  }
  EXPECT_NEAR(mean, 0.5, 4 * std::sqrt(1.0 / 12 / (4.0 * n)));
  EXPECT_NEAR(second - mean * mean, 1.0 / 12, 1e-3);
  EXPECT_GT(CounterRng::to_unit(0), 0.0);
  EXPECT_LT(CounterRng::to_unit(0xFFFFFFFFu), 1.0);
}

// The engine for Boost distributions walks the slot counter: reproducible, and its words are
// the single draws of successive slots.
TEST(KeyedEngine, WalksTheSlotsOfOneKey) {
  const CounterRng rng(9, 2);
  KeyedEngine a(rng, Stream::service, 3, 11), b(rng, Stream::service, 3, 11);
  for (std::uint32_t slot = 0; slot < 3; ++slot) {
    const auto words = rng.bits(Stream::service, 3, 11, slot);
    for (int w = 0; w < 4; ++w) {
      const auto x = a();
      EXPECT_EQ(x, words[w]);
      EXPECT_EQ(x, b());
    }
  }
}

// Every instruction-set path of the batched generator gives exactly Random123's scalar Philox,
// for batch lengths that leave every kind of remainder and counters that wrap around 2^32.
TEST(PhiloxBlocks, EveryPathEqualsTheScalarGenerator) {
  const r123::Philox4x32 philox;
  int paths = 0;
  for (const auto path : {detail::SimdPath::scalar, detail::SimdPath::avx2, detail::SimdPath::avx512}) {
    if (!detail::simd_path_available(path)) continue;
    ++paths;
    for (const std::size_t n : {0u, 1u, 5u, 31u, 32u, 33u, 64u, 65u, 127u, 200u, 1000u}) {
      for (const std::uint32_t first : {0u, 7u, 0xFFFFFFF0u}) {
        std::vector<std::uint32_t> out(4 * n + 4, 0xDEADBEEFu);
        detail::philox_blocks(path, first, 3, 77, 5, 0x12345678u, 0x9ABCDEF0u, n, out.data());
        for (std::size_t b = 0; b < n; ++b) {
          const r123::Philox4x32::ctr_type ctr = {{first + static_cast<std::uint32_t>(b), 3, 77, 5}};
          const auto expected = philox(ctr, {{0x12345678u, 0x9ABCDEF0u}});
          for (int w = 0; w < 4; ++w)
            ASSERT_EQ(out[4 * b + w], expected[w])
                << "path " << static_cast<int>(path) << ", n " << n << ", block " << b;
        }
        EXPECT_EQ(out[4 * n], 0xDEADBEEFu) << "wrote past the end";
      }
    }
  }
  EXPECT_GE(paths, 1);
}

// Blocks with counters given one by one equal Random123's scalar Philox on every path, for
// counts that leave every kind of remainder of the vector widths.
TEST(PhiloxBlocks, GivenCountersEqualTheScalarGenerator) {
  const r123::Philox4x32 philox;
  for (const auto path : {detail::SimdPath::scalar, detail::SimdPath::avx2, detail::SimdPath::avx512}) {
    if (!detail::simd_path_available(path)) continue;
    for (const std::size_t n : {0u, 1u, 7u, 8u, 9u, 15u, 16u, 17u, 40u, 63u, 64u, 65u, 100u, 300u}) {
      std::vector<std::uint32_t> c0(n), c1(n), out(4 * n + 4, 0xDEADBEEFu);
      for (std::size_t b = 0; b < n; ++b) {
        c0[b] = static_cast<std::uint32_t>(b * 2654435761u);
        c1[b] = static_cast<std::uint32_t>(b << 16) ^ 0x5u;
      }
      detail::philox_blocks_at(path, c0.data(), c1.data(), 77, 5, 0x12345678u, 0x9ABCDEF0u, n, out.data());
      for (std::size_t b = 0; b < n; ++b) {
        const auto expected = philox({{c0[b], c1[b], 77, 5}}, {{0x12345678u, 0x9ABCDEF0u}});
        for (int w = 0; w < 4; ++w)
          ASSERT_EQ(out[4 * b + w], expected[w])
              << "path " << static_cast<int>(path) << ", n " << n << ", block " << b;
      }
      EXPECT_EQ(out[4 * n], 0xDEADBEEFu) << "wrote past the end";
    }
  }
}

// An entity's slots at once are its single draws of each slot, also for entities above 2^32
// and for more slots than one batch.
TEST(SlotBits, EqualSingleBlocksOfEachSlot) {
  const CounterRng rng(31, 4);
  for (const std::uint64_t entity : {std::uint64_t{0}, std::uint64_t{123457}, (std::uint64_t{1} << 40) + 9}) {
    for (const std::uint32_t slots : {1u, 3u, 11u, 16u, 64u, 65u, 200u}) {
      std::vector<std::uint32_t> out(4 * slots + 1, 0xABCDu);
      rng.slot_bits(Stream::choice_noise, entity, 12, slots, out.data());
      for (std::uint32_t slot = 0; slot < slots; ++slot) {
        const auto b = rng.bits(Stream::choice_noise, entity, 12, slot);
        for (std::size_t w = 0; w < 4; ++w)
          ASSERT_EQ(out[4 * slot + w], b[w]) << "entity " << entity << ", slot " << slot;
      }
      EXPECT_EQ(out[4 * slots], 0xABCDu);  // nothing written past the last block
    }
  }
}

// A run of residents' words equals their single draws, wherever the run starts and ends within
// the four-resident blocks; different streams and steps give different words.
TEST(ResidentWords, EqualSingleDrawsForAnyRun) {
  const CounterRng rng(2024, 3);
  std::vector<std::uint32_t> buffer;
  for (const std::uint64_t first : {0u, 1u, 2u, 3u, 4u, 1001u, 4'000'000'003u}) {
    for (const std::size_t count : {1u, 2u, 3u, 4u, 5u, 63u, 64u, 257u, 2048u}) {
      buffer.assign(CounterRng::resident_buffer_size(count), 0);
      const std::uint32_t* words = rng.resident_words(Stream::needs, 17, first, count, buffer.data());
      for (std::size_t k = 0; k < count; ++k)
        ASSERT_EQ(words[k], rng.resident_word(Stream::needs, first + k, 17))
            << "first " << first << ", k " << k;
    }
  }
  EXPECT_NE(rng.resident_word(Stream::needs, 5, 17), rng.resident_word(Stream::demand, 5, 17));
  EXPECT_NE(rng.resident_word(Stream::needs, 5, 17), rng.resident_word(Stream::needs, 5, 18));
  EXPECT_NE(rng.resident_word(Stream::needs, 5, 17), rng.resident_word(Stream::needs, 6, 17));
  EXPECT_NE(rng.resident_word(Stream::needs, 5, 17), CounterRng(2024, 4).resident_word(Stream::needs, 5, 17));
}

// Many entities' blocks at once are bits() of each, also across a change of the entity's high
// word and for every slot.
TEST(EntityBits, EqualSingleBlocksForAnyRun) {
  const CounterRng rng(77, 1);
  std::vector<std::uint32_t> out;
  for (const std::uint64_t first :
       {std::uint64_t{0}, std::uint64_t{5}, std::uint64_t{4'294'967'290}, std::uint64_t{1} << 40}) {
    for (const std::size_t count : {1u, 15u, 16u, 17u, 300u}) {
      for (const std::uint32_t slot : {0u, 2u}) {
        out.assign(4 * count + 1, 0xABCDu);
        rng.entity_bits(Stream::population, first, count, 0, slot, out.data());
        for (std::size_t k = 0; k < count; ++k) {
          const auto b = rng.bits(Stream::population, first + k, 0, slot);
          for (std::size_t w = 0; w < 4; ++w)
            ASSERT_EQ(out[4 * k + w], b[w]) << "first " << first << ", k " << k << ", slot " << slot;
        }
        EXPECT_EQ(out[4 * count], 0xABCDu);  // nothing written past the last block
      }
    }
  }
}

}  // namespace
}  // namespace valinta

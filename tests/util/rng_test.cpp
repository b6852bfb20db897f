// util/rng.hpp: counter-based random numbers keyed by (seed, replication, stream, entity, step,
// slot), and the draws made from single uniforms (Poisson by inversion, Gumbel).
#include "valinta/util/rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
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

}  // namespace
}  // namespace valinta

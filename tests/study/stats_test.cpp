// The statistics of replications and comparisons: intervals against hand-computed values,
// paired differences, and the list of summary indicators against the summary itself.
#include "valinta/study/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "valinta/output/results.hpp"
#include "valinta/study/runs.hpp"

namespace valinta {
namespace {

TEST(Stats, MeanIntervalMatchesStudentT) {
  // 1, 2, 3: mean 2, sd 1, t(0.975; 2) = 4.302653; half-width 4.302653 / sqrt(3) = 2.484138.
  const std::vector<double> v = {1, 2, 3};
  const Interval i = mean_interval(v);
  EXPECT_DOUBLE_EQ(i.mean, 2.0);
  EXPECT_NEAR(i.high - i.mean, 2.484138, 1e-6);
  EXPECT_NEAR(i.mean - i.low, 2.484138, 1e-6);
  // Ten values: t(0.975; 9) = 2.262157.
  std::vector<double> w;
  for (int k = 0; k < 10; ++k) w.push_back(k);
  const Interval j = mean_interval(w);
  const double sd = std::sqrt(82.5 / 9.0);
  EXPECT_NEAR(j.high - j.mean, 2.262157 * sd / std::sqrt(10.0), 1e-6);
}

TEST(Stats, OneValueHasNoInterval) {
  const std::vector<double> v = {5};
  const Interval i = mean_interval(v);
  EXPECT_EQ(i.mean, 5);
  EXPECT_TRUE(std::isnan(i.low) && std::isnan(i.high));
  EXPECT_FALSE(i.excludes_zero());
}

TEST(Stats, PairedDifferenceRecoversAKnownShiftExactly) {
  const std::vector<double> a = {10, 12, 9, 15, 11};
  std::vector<double> b;
  for (const double x : a) b.push_back(x + 0.5);
  const Interval d = paired_difference(a, b);
  EXPECT_DOUBLE_EQ(d.mean, 0.5);
  EXPECT_DOUBLE_EQ(d.low, 0.5);  // the same shift in every pair: no spread at all
  EXPECT_DOUBLE_EQ(d.high, 0.5);
  EXPECT_TRUE(d.excludes_zero());
}

TEST(Stats, IdenticalPairsGiveZeroAndAreNotClear) {
  const std::vector<double> a = {3, 4, 8};
  const Interval d = paired_difference(a, a);
  EXPECT_EQ(d.mean, 0);
  EXPECT_EQ(d.low, 0);
  EXPECT_EQ(d.high, 0);
  EXPECT_FALSE(d.excludes_zero());
}

TEST(Stats, NoisyDifferenceAroundZeroIsNotClear) {
  const std::vector<double> a = {1, 2, 3, 4};
  const std::vector<double> b = {1.5, 1.6, 3.4, 3.7};
  const Interval d = paired_difference(a, b);
  EXPECT_LT(d.low, 0);
  EXPECT_GT(d.high, 0);
  EXPECT_FALSE(d.excludes_zero());
}

TEST(Stats, UnequalReplicationsAreRefused) {
  const std::vector<double> a = {1, 2}, b = {1};
  EXPECT_THROW(paired_difference(a, b), std::invalid_argument);
}

TEST(Stats, IndicatorListFollowsTheSummary) {
  const auto items = Summary{}.items();
  const auto& list = summary_indicators();
  ASSERT_EQ(items.size(), list.size());
  for (std::size_t k = 0; k < list.size(); ++k) {
    EXPECT_EQ(items[k].first, list[k].name);
    EXPECT_FALSE(list[k].label.empty());
    EXPECT_FALSE(list[k].unit.empty());
  }
}

}  // namespace
}  // namespace valinta

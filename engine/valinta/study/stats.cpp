#include "valinta/study/stats.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace valinta {

bool Interval::excludes_zero() const {
  return !std::isnan(low) && !std::isnan(high) && (low > 0 || high < 0);
}

Interval mean_interval(std::span<const double> values, double confidence) {
  Interval out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::size_t n = values.size();
  if (n == 0) return {nan, nan, nan};
  double sum = 0;
  for (const double v : values) sum += v;
  out.mean = sum / static_cast<double>(n);
  if (n < 2) {
    out.low = out.high = nan;
    return out;
  }
  double squares = 0;
  for (const double v : values) squares += (v - out.mean) * (v - out.mean);
  const double sd = std::sqrt(squares / static_cast<double>(n - 1));
  const boost::math::students_t t(static_cast<double>(n - 1));
  const double half = boost::math::quantile(t, 0.5 + confidence / 2) * sd / std::sqrt(static_cast<double>(n));
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

Interval paired_difference(std::span<const double> a, std::span<const double> b, double confidence) {
  if (a.size() != b.size()) throw std::invalid_argument("paired_difference: unequal numbers of replications");
  std::vector<double> d(a.size());
  for (std::size_t r = 0; r < a.size(); ++r) d[r] = b[r] - a[r];
  return mean_interval(d, confidence);
}

}  // namespace valinta

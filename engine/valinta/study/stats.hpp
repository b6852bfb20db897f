#pragma once
// Statistics over replications: the mean and its 95 % Student-t interval, and paired
// differences between scenarios run with common random numbers.
#include <span>

namespace valinta {

struct Interval {
  double mean = 0;
  double low = 0;  // NaN with fewer than two values
  double high = 0;
  // True when the interval lies wholly on one side of zero (a difference that is clear).
  bool excludes_zero() const;
};

// Mean of `values` and the `confidence` interval of the mean (Student t, n - 1 degrees of freedom).
Interval mean_interval(std::span<const double> values, double confidence = 0.95);

// Interval of the mean of b[r] - a[r] (replication r of both used the same random numbers).
Interval paired_difference(std::span<const double> a, std::span<const double> b, double confidence = 0.95);

}  // namespace valinta

#include "valinta/phases/detail/candidate_utilities.hpp"

#include "valinta/phases/choice.hpp"

namespace valinta {

// Compiled for the widest vector unit the processor has (the clone is chosen at load time); the
// same operations in the same order on every clone, so every clone gives the same numbers.
__attribute__((target_clones("avx512f", "avx2", "default"))) void kernels::candidate_utilities(
    const ChoiceParams& c, const ChoiceCandidates& z, const CandidateTerms& terms,
    const double* __restrict minutes, const std::uint32_t* __restrict noise,
    const double* __restrict low_noise, const double* __restrict high_noise, int shift, std::size_t n,
    double* __restrict before, std::uint8_t* __restrict keep, double* __restrict low,
    double* __restrict high) {
  const double b_travel = c.b_travel, max_travel = c.max_travel_min, literacy = terms.literacy;
  const double private_sector = terms.private_sector, margin = terms.margin;
  const double* __restrict fee_term = z.fee_term.data();
  const double* __restrict digital_term = z.digital_term.data();
  const double* __restrict published = z.published.data();
  const std::uint8_t* __restrict open = z.open.data();
  const std::uint8_t* __restrict digital_first = z.digital_first.data();
  const std::uint8_t* __restrict is_private = z.is_private.data();
  for (std::size_t m = 0; m < n; ++m) {
    // access_utility (b_travel T + b_fee fee + b_digital digital literacy), then C(private, i).
    const double access = b_travel * minutes[m] + fee_term[m] + digital_term[m] * literacy;
    before[m] = access + (is_private[m] ? private_sector : 0.0);
    keep[m] = static_cast<std::uint8_t>(open[m] & ((minutes[m] > max_travel ? 0 : 1) | digital_first[m]));
  }
  if (terms.informed) {
    for (std::size_t m = 0; m < n; ++m) {
      low[m] = before[m] + low_noise[noise[m] >> shift] + published[m] - margin;
      high[m] = before[m] + high_noise[noise[m] >> shift] + published[m];
    }
  } else {
    for (std::size_t m = 0; m < n; ++m) {
      low[m] = before[m] + low_noise[noise[m] >> shift] - margin;
      high[m] = before[m] + high_noise[noise[m] >> shift];
    }
  }
}

}  // namespace valinta

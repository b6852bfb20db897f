#pragma once
// The loop of rank_producers (phases/choice.hpp) over all of a zone's candidates, several per
// vector instruction: each candidate's utility before the noise, whether it is in the
// consideration set, and the lowest utility its noise could give. Element-wise IEEE operations
// in the order rank_producers defines (choice_utility.hpp), so the numbers are those of the
// candidate-by-candidate loop; the current producer's own terms are the caller's.
#include <cstddef>
#include <cstdint>

#include "valinta/model/params/choice.hpp"

namespace valinta {

struct ChoiceCandidates;

namespace kernels {

struct CandidateTerms {
  double literacy = 0;        // the resident's, 0-1
  double private_sector = 0;  // C(private, i)
  bool informed = true;       // the published part is added after the noise
  double margin = 0;          // subtracted from every lower bound
};

// For candidates m < n of `z`: before[m] = access_utility + private constant; keep[m] = 1 if the
// producer is open and within max_travel_min or digital-first (the current producer is kept
// whatever its distance: the caller sets it); low[m] and high[m] = before[m] + the noise at the
// bottom and the top of its bucket (low_noise, high_noise [noise[m] >> shift]) + published when
// informed, low[m] less the margin.
void candidate_utilities(const ChoiceParams& c, const ChoiceCandidates& z, const CandidateTerms& terms,
                         const double* minutes, const std::uint32_t* noise, const double* low_noise,
                         const double* high_noise, int shift, std::size_t n, double* before,
                         std::uint8_t* keep, double* low, double* high);

}  // namespace kernels
}  // namespace valinta

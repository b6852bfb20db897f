#pragma once
// Rounding in the resident loops, without library calls.

namespace valinta {

// std::lround(x) (halves away from zero) for |x| < 2^52, inline: x less its integer part is
// exact there, so halves are decided exactly.
inline long round_half_away(double x) {
  const auto whole = static_cast<long>(x);  // toward zero
  const double rest = x - static_cast<double>(whole);
  return whole + (rest >= 0.5 ? 1 : 0) - (rest <= -0.5 ? 1 : 0);
}

}  // namespace valinta

#pragma once
// M4 referral of served visits to specialised care.
#include <vector>

#include "valinta/model/params/referral.hpp"

namespace valinta {

struct State;

// The payment-response factor on a producer's referral propensity.
double referral_payment_response(const ReferralParams& p);

void run_referral(State& sim);

}  // namespace valinta

#pragma once
// The service phase's pass over the residents (docs/ODD.md 7.3): each resident with a waiting
// contact learns its fate with the probabilities of their cohort at their producer (the rules:
// contact_outcome and updated_experience in phases/service.hpp). Run fast: chunks of residents
// with one block of random words each, the waiting listed without branches, the closing ones
// found in one vectorised loop, per-thread counts summed at the end.

namespace valinta {

struct State;

namespace kernels {
void resolve_contacts(State& sim);
}  // namespace kernels

}  // namespace valinta

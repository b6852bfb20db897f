#pragma once
// Phase 8: M10 the organiser's follow-up of its service promise (docs/ODD.md 7.10). Every
// organiser.review_weeks of the recorded period the organiser reviews each producer over the visits
// of the period: the share served within the service promise (rules.service_promise_days) against
// its target (rules.service_promise_target), and, if it sets one, its listed residents' mean
// experience against organiser.satisfaction_target. A producer below either, with at least
// organiser.min_visits visits, is in breach, and the organiser responds with the instruments the
// scenario switches on, for the next period: temporary capacity at a public station, capacity
// bought by voucher from private and third-sector producers of its zone, performance pay withheld,
// publication of the breach; within a yearly budget.
#include <cstddef>

namespace valinta {

struct State;

// The share of capitation the payment phase holds back this step for the organiser's performance
// pay (0 unless organiser.enabled and organiser.performance_pay, in a recorded step).
double capitation_withheld_share(const State& sim);

// The number of steps of a follow-up period (organiser.review_weeks, at least one step).
int review_steps(const State& sim);

// Sizes the organiser's state for the run's producers and zones (nothing in force).
void initialise_organiser(State& sim);

void run_organiser(State& sim);

}  // namespace valinta

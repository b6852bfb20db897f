#pragma once
// The flows of one step (docs/ODD.md section 3): what the phases counted, read by the record phase.
// Every flow is declared once, in VALINTA_STEP_FLOWS below: its type, its shape (which sets its
// size and how it is reset at the start of each step) and whether each MPI rank counts it over its
// own residents (`summed`: the phase that counts it sums it over the ranks and says so with
// mark_summed; the record phase refuses a step where one was not) or computes it alike on every
// rank from replicated state (`replicated`).
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "valinta/model/types.hpp"

namespace valinta {

enum class FlowShape {
  scalar,            // one number
  producer,          // [producer]
  producer_level,    // [producer * kNeedLevels + level]
  producer_queue,    // [producer * queue_steps + age in steps]
  producer_payment,  // [producer * kPaymentKinds + kind]
  zone,              // [zone]
  need_matrix,       // [level before][level after]
  switch_reason,     // [SwitchReason]
  age_band,          // [age band]
  income_decile,     // [income decile - 1]
  payment_kind,      // [PaymentKind]
  sector_pair,       // [sector left][sector chosen]
  elsewhere,         // [Elsewhere]
  age_band_sector,   // [age band][sector chosen]
};
enum class FlowRanks { replicated, summed };

// How a shape is stored: a vector sized by the run (producers, zones, queue ages), one number, or
// an array (rows) or matrix (rows x columns) of a size fixed by the model's vocabulary.
struct FlowExtent {
  enum Kind { run_sized, number, array, matrix } kind = run_sized;
  std::size_t rows = 0, columns = 0;
};
constexpr FlowExtent flow_extent(FlowShape shape) {
  switch (shape) {
    case FlowShape::scalar:
      return {FlowExtent::number};
    case FlowShape::switch_reason:
      return {FlowExtent::array, kSwitchReasons};
    case FlowShape::age_band:
      return {FlowExtent::array, kAgeBands};
    case FlowShape::income_decile:
      return {FlowExtent::array, kIncomeDeciles};
    case FlowShape::payment_kind:
      return {FlowExtent::array, kPaymentKinds};
    case FlowShape::elsewhere:
      return {FlowExtent::array, kElsewhereKinds};
    case FlowShape::need_matrix:
      return {FlowExtent::matrix, kNeedLevels, kNeedLevels};
    case FlowShape::sector_pair:
      return {FlowExtent::matrix, kSectors, kSectors};
    case FlowShape::age_band_sector:
      return {FlowExtent::matrix, kAgeBands, kSectors};
    default:
      return {FlowExtent::run_sized};
  }
}
template <class T, FlowShape S>
struct FlowStorage {
  static constexpr FlowExtent extent = flow_extent(S);
  using type = std::conditional_t<
      extent.kind == FlowExtent::run_sized, std::vector<T>,
      std::conditional_t<extent.kind == FlowExtent::number, T,
                         std::conditional_t<extent.kind == FlowExtent::array, std::array<T, extent.rows>,
                                            std::array<std::array<T, extent.columns>, extent.rows>>>>;
};

// X(type, name, shape, ranks): every flow of a step, in one place.
#define VALINTA_STEP_FLOWS(X)                                                                                \
  X(std::int64_t, need_flows, need_matrix, summed)       /* residents by need level before and after */      \
  X(std::int64_t, heavy_entered, producer, summed)       /* residents becoming heavy users, by listing */    \
  X(std::int64_t, heavy_left, producer, summed)          /* heavy users whose need fell, by listing */       \
  X(std::int64_t, arrivals, producer_level, summed)      /* contacts joining the queue */                    \
  X(std::int64_t, contacts_elsewhere, elsewhere, summed) /* contacts that did not join, by where */          \
  X(std::int64_t, er_baseline, producer, replicated)     /* baseline emergency visits of listed residents */ \
  X(std::int64_t, served, producer_level, replicated)    /* visits served */                                 \
  X(std::int64_t, served_doctor, producer, replicated)   /* of them by a doctor */                           \
  X(std::int64_t, flex_visits, producer, replicated)     /* of them on flexed capacity */                    \
  X(std::int64_t, served_within_guarantee, producer, replicated)                                             \
  X(std::int64_t, diverted, producer, replicated) /* contacts sent to emergency */                           \
  X(std::int64_t, referrals, producer, replicated)                                                           \
  X(std::int64_t, wait_histogram, producer_queue, replicated) /* visits served by wait in steps */           \
  X(std::int64_t, cohort_before, producer_queue, replicated)  /* cohorts before service, by age */           \
  X(std::int64_t, cohort_served, producer_queue, replicated)                                                 \
  X(std::int64_t, cohort_diverted, producer_queue, replicated)                                               \
  X(std::int64_t, switches_in, producer, replicated)                                                         \
  X(std::int64_t, switches_out, producer, replicated)                                                        \
  X(std::int64_t, switches_by_reason, switch_reason, replicated)                                             \
  X(std::int64_t, switches_by_age_band, age_band, replicated)                                                \
  X(std::int64_t, switches_by_income_decile, income_decile, replicated)                                      \
  X(std::int64_t, switches_by_zone, zone, replicated)                                                        \
  X(std::int64_t, own_switches_by_zone, zone, replicated) /* of them the residents' own choices */           \
  X(std::int64_t, switches_by_sector_pair, sector_pair, replicated)                                          \
  X(std::int64_t, switches_by_age_band_sector, age_band_sector, replicated)                                  \
  X(double, payments, producer_payment, replicated)                                                          \
  X(double, producer_cost, producer, replicated)                                                             \
  X(std::int64_t, n_heavy_listed, producer, summed) /* (payment recounts it after switching) */              \
  X(double, risk_weight_sum, producer, replicated)                                                           \
  X(std::int64_t, transferred_out, producer, replicated)   /* queue moved away when it closed */             \
  X(std::int64_t, transferred_in, producer, replicated)    /* queue taken over */                            \
  X(std::int64_t, referrals_refused, producer, replicated) /* by a non-neutral business unit */              \
  X(std::int64_t, served_within_promise, producer, replicated)                                               \
  X(std::int64_t, n_heavy_plan_listed, producer, summed) /* heavy users with a customer plan */              \
  X(std::int64_t, unmet_by_zone, zone, summed)           /* contacts late or diverted */                     \
  X(std::uint8_t, producer_event, producer, replicated)  /* ProducerEvent of this step */                    \
  X(std::int64_t, plan_contacts, producer, summed)       /* plan holders' resolved contacts, by listing */   \
  X(std::int64_t, plan_contacts_continuous, producer, summed) /* ... served where they are listed */         \
  X(std::int64_t, n_plans, scalar, summed)                    /* residents with a customer plan */           \
  X(double, organiser_side, payment_kind, replicated)         /* the organiser's and residents' books */     \
  X(std::int64_t, n_heavy, scalar, replicated)                                                               \
  X(std::int64_t, reviews, scalar, summed)

// Flows of one step, by producer where that makes sense; filled by the phases, read by record.
struct StepFlows {
#define VALINTA_FLOW_MEMBER(T, name, shape, ranks) typename FlowStorage<T, FlowShape::shape>::type name{};
  VALINTA_STEP_FLOWS(VALINTA_FLOW_MEMBER)
#undef VALINTA_FLOW_MEMBER

  enum class Id {
#define VALINTA_FLOW_ID(T, name, shape, ranks) name,
    VALINTA_STEP_FLOWS(VALINTA_FLOW_ID)
#undef VALINTA_FLOW_ID
  };
  static constexpr std::size_t kCount = 0
#define VALINTA_FLOW_COUNT(T, name, shape, ranks) +1
      VALINTA_STEP_FLOWS(VALINTA_FLOW_COUNT)
#undef VALINTA_FLOW_COUNT
      ;

  // Every flow to zero at the size its shape gives.
  void reset(std::size_t producers, std::size_t zones, std::size_t queue_steps);
  // The phase that counted a `summed` flow has summed it over the ranks this step.
  void mark_summed(Id flow) { summed_.set(static_cast<std::size_t>(flow)); }
  // Throws std::logic_error naming every flow declared `summed` that no phase marked this step.
  void check_summed() const;

 private:
  std::bitset<kCount> summed_;
};

// What a producer was paid in a step, from its row of StepFlows::payments (kPaymentKinds values):
// capitation, fee for service, client fees, performance pay, vouchers and temporary capacity, added
// in that order.
inline double producer_revenue(const double* pay) {
  return pay[static_cast<int>(PaymentKind::capitation)] +
         pay[static_cast<int>(PaymentKind::fee_for_service)] +
         pay[static_cast<int>(PaymentKind::client_fee)] + pay[static_cast<int>(PaymentKind::performance)] +
         pay[static_cast<int>(PaymentKind::voucher)] + pay[static_cast<int>(PaymentKind::temporary_capacity)];
}

}  // namespace valinta

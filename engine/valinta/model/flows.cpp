#include "valinta/model/flows.hpp"

#include <stdexcept>
#include <string>

namespace valinta {

namespace {

// A vector to n zeros; a number or a fixed-size array to zero.
template <class F>
void zero(F& field, std::size_t n) {
  if constexpr (requires { field.assign(n, 0); })
    field.assign(n, 0);
  else
    field = {};
}

}  // namespace

void StepFlows::reset(std::size_t producers, std::size_t zones, std::size_t queue_steps) {
  const auto length = [&](FlowShape shape) -> std::size_t {
    switch (shape) {
      case FlowShape::producer:
        return producers;
      case FlowShape::producer_level:
        return producers * kNeedLevels;
      case FlowShape::producer_queue:
        return producers * queue_steps;
      case FlowShape::producer_payment:
        return producers * kPaymentKinds;
      case FlowShape::zone:
        return zones;
      default:
        return 0;  // fixed shapes
    }
  };
#define VALINTA_FLOW_RESET(T, name, shape, ranks) zero(name, length(FlowShape::shape));
  VALINTA_STEP_FLOWS(VALINTA_FLOW_RESET)
#undef VALINTA_FLOW_RESET
  summed_.reset();
}

void StepFlows::check_summed() const {
  std::string missing;
#define VALINTA_FLOW_CHECK(T, name, shape, ranks)                                                 \
  if (FlowRanks::ranks == FlowRanks::summed && !summed_.test(static_cast<std::size_t>(Id::name))) \
    missing += std::string(missing.empty() ? "" : ", ") + #name;
  VALINTA_STEP_FLOWS(VALINTA_FLOW_CHECK)
#undef VALINTA_FLOW_CHECK
  if (!missing.empty())
    throw std::logic_error(
        "step flows counted over each rank's residents but not summed over the ranks this "
        "step (StepFlows::mark_summed after comm->sum): " +
        missing);
}

}  // namespace valinta

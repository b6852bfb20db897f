// StepFlows: every flow reset to its shape's size, and a flow counted over each rank's residents
// that a phase forgot to sum over the ranks is caught in any run, also on one process.
#include "valinta/model/flows.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <type_traits>

namespace valinta {
namespace {

TEST(StepFlows, ResetGivesEveryFlowItsShapesSizeInZeros) {
  StepFlows f;
  f.reviews = 7;
  f.need_flows[1][2] = 3;
  f.reset(5, 3, 4);
  EXPECT_EQ(f.arrivals.size(), 5u * kNeedLevels);
  EXPECT_EQ(f.wait_histogram.size(), 5u * 4u);
  EXPECT_EQ(f.payments.size(), 5u * kPaymentKinds);
  EXPECT_EQ(f.switches_by_zone.size(), 3u);
  EXPECT_EQ(f.producer_event.size(), 5u);
  EXPECT_EQ(f.reviews, 0);
  EXPECT_EQ(f.need_flows[1][2], 0);
  f.arrivals[3] = 2;
  f.reset(2, 1, 2);
  EXPECT_EQ(f.arrivals, std::vector<std::int64_t>(2 * kNeedLevels, 0));
}

// Each shape's storage: vectors sized by the run, one number, fixed arrays and matrices.
static_assert(
    std::is_same_v<FlowStorage<std::int64_t, FlowShape::producer>::type, std::vector<std::int64_t>>);
static_assert(std::is_same_v<FlowStorage<std::int64_t, FlowShape::scalar>::type, std::int64_t>);
static_assert(
    std::is_same_v<FlowStorage<double, FlowShape::payment_kind>::type, std::array<double, kPaymentKinds>>);
static_assert(std::is_same_v<FlowStorage<std::int64_t, FlowShape::age_band_sector>::type,
                             std::array<std::array<std::int64_t, kSectors>, kAgeBands>>);

TEST(StepFlows, AFlowOfEachRanksResidentsLeftUnsummedIsRefusedByName) {
  StepFlows f;
  f.reset(2, 2, 2);
  EXPECT_THROW(f.check_summed(), std::logic_error) << "nothing summed yet";
  for (const auto id :
       {StepFlows::Id::need_flows, StepFlows::Id::heavy_entered, StepFlows::Id::heavy_left,
        StepFlows::Id::arrivals, StepFlows::Id::contacts_elsewhere, StepFlows::Id::n_heavy_listed,
        StepFlows::Id::n_heavy_plan_listed, StepFlows::Id::unmet_by_zone, StepFlows::Id::plan_contacts,
        StepFlows::Id::plan_contacts_continuous, StepFlows::Id::n_plans})
    f.mark_summed(id);
  try {
    f.check_summed();
    FAIL() << "reviews was not summed";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("reviews"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("arrivals"), std::string::npos) << e.what();
  }
  f.mark_summed(StepFlows::Id::reviews);
  EXPECT_NO_THROW(f.check_summed());
  f.reset(2, 2, 2);
  EXPECT_THROW(f.check_summed(), std::logic_error) << "a new step starts unsummed";
}

}  // namespace
}  // namespace valinta

// Levers of pay (M6) and its effect on care (M2, M4): fee-for-service-heavy pay, referral-cost
// sharing, favouritism of the business unit, performance pay and service vouchers. Comparisons
// run the same population with the same seed; producers have room for everyone (no queues), so
// the needs of residents, and with them the random numbers they draw, are the same in both runs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "levers/lever_helpers.hpp"
#include "valinta/phases/demand.hpp"

namespace valinta {
namespace {

// Two pilot zones, a public station each, a private clinic in A and a third-sector unit in B.
// Residents choose readily, so the clinic and the third-sector unit have lists.
std::string region(const std::string& rules, const std::string& extra = "",
                   const std::string& capacity_b = "1e5") {
  return "name: pay\n"
         "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 3000, lat: 62.24, lon: 25.75}\n"
         "  - {name: B, population: 1500, lat: 62.30, lon: 25.95}\n"
         "pilot: {zones: [A, B]}\n"
         "rules: {min_listing_months: 1, " +
         rules +
         "}\n"
         "choice: {awareness_per_year: 4, inertia: 1.0}\n" +
         extra +
         "producers:\n"
         "  - {name: StationA, zone: A, capacity_per_week: 1e5}\n"
         "  - {name: StationB, zone: B, capacity_per_week: " +
         capacity_b +
         "}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.245, lon: 25.76, capacity_per_week: 1e5,\n"
         "     quality: 1, digital: 0.7}\n"
         "  - {name: Third, sector: third_sector, zone: B, lat: 62.29, lon: 25.93, capacity_per_week: 1e5,\n"
         "     quality: 1}\n";
}

struct Totals {
  std::int64_t arrivals = 0, served = 0, referrals = 0;
};

Totals run_totals(const std::string& yaml,
                  std::vector<std::int64_t>* arrivals_by_step_and_producer = nullptr) {
  Simulation sim(test::scenario_from_yaml(yaml), {21, 0, 1});
  Totals t;
  for (int step = 0; step < 52; ++step) {
    sim.step();
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      t.arrivals += test::arrivals_at(sim.flows, j);
      t.served += test::served_at(sim.flows, j);
      t.referrals += sim.flows.referrals[j];
      if (arrivals_by_step_and_producer)
        arrivals_by_step_and_producer->push_back(test::arrivals_at(sim.flows, j));
    }
  }
  return t;
}

// Fee-for-service-heavy pay (a token capitation, a large fee per visit) makes producers book
// more contacts (demand.induced_visits) and treat more themselves rather than refer
// (referral.fee_for_service_substitution). The fee share of pay per visit is
// 60 / (60 + 10 / 4.5) = 0.964: contacts x (1 + 0.4 x 0.964) = 1.386 at producers with room,
// referrals per visit x 0.711. (Capitation's own pull on private producers is off here, so that
// every contact of the capitation run is one of the fee run.)
TEST(PaymentLever, FeeForServiceHeavyPayMeansMoreContactsAndFewerReferralsPerVisit) {
  const std::string referrals =
      "referral: {probability: [0.1, 0.2, 0.3, 0.4]}\ndemand: {capitation_visit_pull: 0}\n";
  std::vector<std::int64_t> by_capitation, by_fee;
  const Totals capitation =
      run_totals(region("capitation_eur_per_year: 230, fee_for_service_eur: 0", referrals), &by_capitation);
  const Totals fees =
      run_totals(region("capitation_eur_per_year: 10, fee_for_service_eur: 60", referrals), &by_fee);
  // Same residents, same needs, same random numbers: never fewer contacts anywhere.
  ASSERT_EQ(by_capitation.size(), by_fee.size());
  for (std::size_t k = 0; k < by_fee.size(); ++k)
    ASSERT_GE(by_fee[k], by_capitation[k]) << "step x producer " << k;
  const double contacts = static_cast<double>(fees.arrivals) / static_cast<double>(capitation.arrivals);
  EXPECT_NEAR(contacts, 1.386, 0.04);
  const double rate_capitation =
      static_cast<double>(capitation.referrals) / static_cast<double>(capitation.served);
  const double rate_fees = static_cast<double>(fees.referrals) / static_cast<double>(fees.served);
  EXPECT_GT(capitation.referrals, 3000);
  EXPECT_NEAR(rate_fees / rate_capitation, 0.711, 0.05);
}

// Capitation's opposite pull: under pure capitation the listed residents of a private producer
// make 5 % fewer contacts than with the pull off; those of public stations the same.
TEST(PaymentLever, CapitationPullsPrivateProducersToFewerVisits) {
  const Scenario pulled = test::scenario_from_yaml(region("capitation_eur_per_year: 230"));
  const Scenario none = test::scenario_from_yaml(
      region("capitation_eur_per_year: 230", "demand: {capitation_visit_pull: 0}\n"));
  EXPECT_DOUBLE_EQ(induced_visit_factor(pulled, 0, false), 0.95);
  EXPECT_DOUBLE_EQ(induced_visit_factor(pulled, 0, true), 1.0);
  EXPECT_DOUBLE_EQ(induced_visit_factor(none, 0, false), 1.0);
  // Under fee-for-service the pull fades with the fee share and the push takes over.
  const Scenario fees =
      test::scenario_from_yaml(region("capitation_eur_per_year: 10, fee_for_service_eur: 60"));
  const double share = 60.0 / (60.0 + 10.0 / 4.5);
  EXPECT_NEAR(induced_visit_factor(fees, 0, false), (1 + 0.4 * share) * (1 - 0.05 * (1 - share)), 1e-12);
  EXPECT_NEAR(induced_visit_factor(fees, 0.5, true), 1 + 0.4 * share * 0.5, 1e-12);
}

// Referral-cost sharing: a producer paying the whole cost of its referrals (share 1) refers
// less than one paying nothing (response 0.5: half as many).
TEST(PaymentLever, ProducersPayingForReferralsReferLess) {
  const std::string referrals = "referral: {probability: [0.1, 0.2, 0.3, 0.4]}\n";
  const Totals organiser_pays = run_totals(region("referral_cost_share: 0", referrals));
  const Totals producer_pays = run_totals(region("referral_cost_share: 1", referrals));
  EXPECT_EQ(organiser_pays.served, producer_pays.served);
  EXPECT_GT(organiser_pays.referrals, 3000);
  EXPECT_NEAR(static_cast<double>(producer_pays.referrals) / static_cast<double>(organiser_pays.referrals),
              0.5, 0.05);
}

// A business unit that favours its own production turns away some referrals of private and
// third-sector producers, never those of public stations; a neutral one (0) refuses none.
TEST(PaymentLever, FavouritismRefusesReferralsOnlyFromNonPublicProducers) {
  const std::string referrals = "referral: {probability: [0.1, 0.2, 0.3, 0.4]}\n";
  for (const double favouritism : {0.0, 0.3}) {
    Simulation sim(
        test::scenario_from_yaml(region("referral_favouritism: " + std::to_string(favouritism), referrals)),
        {21, 0, 1});
    std::int64_t refused = 0, referred_non_public = 0;
    for (int step = 0; step < 52; ++step) {
      sim.step();
      for (std::size_t j = 0; j < sim.producers.size(); ++j) {
        const std::int64_t r = sim.flows.referrals_refused[j];
        EXPECT_EQ(test::recorded(sim, "new_referrals_refused", static_cast<std::size_t>(step), j),
                  static_cast<double>(r));
        if (sim.producers[j].sector == Sector::public_sector) {
          ASSERT_EQ(r, 0) << sim.producers[j].spec.name << " step " << step;
          continue;
        }
        refused += r;
        referred_non_public += sim.flows.referrals[j] + r;
      }
    }
    EXPECT_GT(referred_non_public, 300);
    if (favouritism == 0) EXPECT_EQ(refused, 0);
    if (favouritism > 0)
      EXPECT_NEAR(static_cast<double>(refused) / static_cast<double>(referred_non_public), favouritism, 0.05);
  }
}

// Performance pay: rules.performance_pay_share of the capitation budget is paid instead to the
// producers whose share of visits within the care guarantee reaches the target, in proportion to
// their lists. StationB is short of capacity, so it misses the target once its queue grows.
TEST(PaymentLever, PerformancePayGoesOnlyToProducersMeetingTheTarget) {
  const std::string rules = "care_guarantee_days: 14, performance_target: 0.9, performance_pay_share: ";
  const std::string service = "service: {queue_max_weeks: 12}\n";
  Simulation without(test::scenario_from_yaml(region(rules + "0", service, "40")), {21, 0, 1});
  Simulation with(test::scenario_from_yaml(region(rules + "0.1", service, "40")), {21, 0, 1});
  const auto capitation = static_cast<int>(PaymentKind::capitation);
  const auto performance = static_cast<int>(PaymentKind::performance);
  int steps_someone_missed = 0, steps_someone_qualified = 0;
  for (int step = 0; step < 52; ++step) {
    without.step();
    with.step();
    SCOPED_TRACE("step " + std::to_string(step));
    const StepFlows& f = with.flows;
    ASSERT_EQ(test::residents_listed_elsewhere(with, without), 0) << "pay does not change behaviour here";
    double budget = 0, capitation_paid = 0, performance_paid = 0;
    std::int64_t qualifying_listed = 0;
    std::vector<bool> qualifies(with.producers.size());
    for (std::size_t j = 0; j < with.producers.size(); ++j) {
      const std::int64_t served = test::served_at(f, j);
      qualifies[j] = served > 0 &&
                     static_cast<double>(f.served_within_guarantee[j]) >= 0.9 * static_cast<double>(served);
      if (qualifies[j]) qualifying_listed += with.producers[j].n_listed;
      steps_someone_missed += served > 0 && !qualifies[j] ? 1 : 0;
      budget += without.flows.payments[j * kPaymentKinds + capitation];
      capitation_paid += f.payments[j * kPaymentKinds + capitation];
      performance_paid += f.payments[j * kPaymentKinds + performance];
      // Capitation of every producer reduced by the share.
      EXPECT_NEAR(f.payments[j * kPaymentKinds + capitation],
                  0.9 * without.flows.payments[j * kPaymentKinds + capitation],
                  1e-9 * without.flows.payments[j * kPaymentKinds + capitation]);
      if (!qualifies[j])
        EXPECT_EQ(f.payments[j * kPaymentKinds + performance], 0.0) << with.producers[j].spec.name;
    }
    steps_someone_qualified += qualifying_listed > 0;
    for (std::size_t j = 0; j < with.producers.size(); ++j)
      if (qualifies[j])
        EXPECT_NEAR(f.payments[j * kPaymentKinds + performance],
                    0.1 * budget * static_cast<double>(with.producers[j].n_listed) /
                        static_cast<double>(qualifying_listed),
                    1e-9 * budget)
            << with.producers[j].spec.name;
    EXPECT_NEAR(capitation_paid, 0.9 * budget, 1e-9 * budget);
    EXPECT_NEAR(performance_paid, qualifying_listed > 0 ? 0.1 * budget : 0.0, 1e-9 * budget);
    test::expect_books_balance(with);
  }
  EXPECT_GT(steps_someone_missed, 10) << "StationB misses the target in many steps";
  EXPECT_EQ(steps_someone_qualified, 52);
}

// Service vouchers: visits of the voucher kind at private and third-sector producers are paid at
// the voucher value (and no fee for service); residents pay the co-payment instead of the client
// fee. Public stations' visits are paid as before.
TEST(PaymentLever, VouchersPayPrivateVisitsAtVoucherValueAndResidentsTheCoPayment) {
  for (const std::string kind : {"all", "doctor"}) {
    SCOPED_TRACE("voucher_services " + kind);
    const std::string rules =
        "fee_for_service_eur: 3, voucher_value_eur: 40, voucher_copayment_eur: 5, "
        "client_fee_doctor_eur: 20, client_fee_nurse_eur: 10, voucher_services: " +
        kind;
    Simulation sim(test::scenario_from_yaml(region(rules)), {21, 0, 1});
    double vouchers_paid = 0;
    for (int step = 0; step < 52; ++step) {
      sim.step();
      const StepFlows& f = sim.flows;
      for (std::size_t j = 0; j < sim.producers.size(); ++j) {
        const double* pay = &f.payments[j * kPaymentKinds];
        const double doctor = static_cast<double>(f.served_doctor[j]);
        const double nurse = static_cast<double>(test::served_at(f, j)) - doctor;
        const bool vouchers = sim.producers[j].sector != Sector::public_sector;
        const double voucher_visits = vouchers ? (kind == "all" ? doctor + nurse : doctor) : 0.0;
        const double fee_visits = doctor + nurse - voucher_visits;
        const double fee_doctor = vouchers ? 0.0 : doctor, fee_nurse = fee_visits - fee_doctor;
        EXPECT_NEAR(pay[static_cast<int>(PaymentKind::voucher)], 40 * voucher_visits, 1e-9);
        EXPECT_NEAR(pay[static_cast<int>(PaymentKind::fee_for_service)], 3 * fee_visits, 1e-9);
        EXPECT_NEAR(pay[static_cast<int>(PaymentKind::client_fee)],
                    5 * voucher_visits + 20 * fee_doctor + 10 * fee_nurse, 1e-9);
        vouchers_paid += pay[static_cast<int>(PaymentKind::voucher)];
      }
      test::expect_books_balance(sim);
    }
    EXPECT_GT(vouchers_paid, 40 * 1000) << "private producers served voucher visits";
  }
}

}  // namespace
}  // namespace valinta

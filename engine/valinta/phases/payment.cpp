// Phase 7: M6 payments and producer finances.
//
// Per step the organiser pays each producer capitation (capitation_eur_per_year for each listed
// resident, times the resident's risk weight when risk adjustment is on; weights from age band x
// sex x need level x low income, normalised to mean 1 over the pilot population at the start)
// and a fee per served visit; residents pay client fees per visit; the organiser pays
// specialised care for referrals (less the producers' share), emergency care for diversions and
// heavy services for heavy users. A producer's cost is its visits x cost per visit + fixed cost x
// capacity + its share of referral costs. The organiser's books are summed from population-wide
// counts, the producers' from their own lists, so the two can be checked against each other.
#include "valinta/phases/payment.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <boost/random/poisson_distribution.hpp>
#include <cstdint>
#include <limits>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/phases/organiser.hpp"
#include "valinta/phases/service.hpp"
#include "valinta/util/tally.hpp"

namespace valinta {

double fee_for_service_incentive(const PaymentParams& p, double visits_per_resident_year) {
  const double capitation_per_visit = p.capitation_eur_per_year / std::max(0.1, visits_per_resident_year);
  const double fee = p.fee_for_service_eur;
  return fee + capitation_per_visit > 0 ? fee / (fee + capitation_per_visit) : 0.0;
}

double raw_risk_weight(const PaymentParams& p, int age_band, bool female, int need, int income_decile) {
  if (!p.risk_adjustment) return 1.0;
  return p.risk_weight_age[age_band] * p.risk_weight_sex[female ? 1 : 0] * p.risk_weight_need[need] *
         (income_decile <= 3 ? p.risk_weight_low_income : 1.0);
}

namespace {

constexpr int kCells = kRiskCells;
double cell_weight(const PaymentParams& p, int cell) {
  const bool low = cell % 2;
  const int need = (cell / 2) % kNeedLevels;
  const bool female = (cell / (2 * kNeedLevels)) % 2;
  const int band = cell / (4 * kNeedLevels);
  return raw_risk_weight(p, band, female, need, low ? 1 : 10);
}

}  // namespace

// Integers, so any thread count gives the same.
std::vector<std::int64_t> count_risk_cells(const State& sim, bool eligible_only) {
  const Residents& r = sim.residents;
  return tally(sim.threads(), sim.producers.size() * kCells, static_cast<std::int64_t>(r.size()),
               [&](std::vector<std::int64_t>& local, std::int64_t i) {
                 if (eligible_only && !(r.flags[i] & Residents::kEligible)) return;
                 local[r.listed[i] * kCells + risk_cell(r, static_cast<std::size_t>(i), r.need[i])] += 1;
               });
}

namespace {

// Every rank's risk-cell counts added up, on every rank. A cell counts at most the whole
// population, so while that fits in 32 bits the counts travel as 32-bit integers: this is the
// largest collective of a step (cells x producers), and half its bytes go.
void sum_risk_cells(const State& sim, std::vector<std::int64_t>& counts) {
  if (sim.comm->size() == 1) return;
  if (sim.population_size() > std::numeric_limits<std::int32_t>::max()) {
    sim.comm->sum(counts);
    return;
  }
  std::vector<std::int32_t> narrow(counts.size());
  std::transform(counts.begin(), counts.end(), narrow.begin(),
                 [](std::int64_t c) { return static_cast<std::int32_t>(c); });
  sim.comm->sum(narrow);
  std::copy(narrow.begin(), narrow.end(), counts.begin());
}

}  // namespace

void initialise_payments(State& sim) {
  const PaymentParams& p = sim.scenario.payment;
  bool any_eligible = false;
  for (const auto& z : sim.zones) any_eligible = any_eligible || (z.in_pilot && z.n_residents > 0);
  std::vector<std::int64_t> counts = count_risk_cells(sim, any_eligible);
  sim.comm->sum(counts);
  sim.risk_cells = count_risk_cells(sim);
  double weight = 0, people = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    weight += static_cast<double>(counts[k]) * cell_weight(p, static_cast<int>(k % kCells));
    people += static_cast<double>(counts[k]);
  }
  sim.risk_normaliser = people > 0 && weight > 0 ? weight / people : 1.0;
}

namespace {

// Money for visits at a producer of `sector`: fee for service, vouchers and client fees.
struct VisitMoney {
  double fee_for_service = 0, voucher = 0, client_fee = 0;
};
VisitMoney visit_money(const PaymentParams& p, Sector sector, double doctor, double nurse) {
  const int k = static_cast<int>(sector);
  const double doctor_fee = p.fees_by_sector ? p.client_fee_doctor_eur_by_sector[k] : p.client_fee_doctor_eur;
  const double nurse_fee = p.fees_by_sector ? p.client_fee_nurse_eur_by_sector[k] : p.client_fee_nurse_eur;
  const bool vouchers = sector != Sector::public_sector;
  const double voucher_doctor = vouchers && vouchers_pay_doctor(p.voucher_services) ? doctor : 0;
  const double voucher_nurse = vouchers && vouchers_pay_nurse(p.voucher_services) ? nurse : 0;
  VisitMoney m;
  m.voucher = p.voucher_value_eur * (voucher_doctor + voucher_nurse);
  m.fee_for_service = p.fee_for_service_eur * (doctor + nurse - voucher_doctor - voucher_nurse);
  m.client_fee = doctor_fee * (doctor - voucher_doctor) + nurse_fee * (nurse - voucher_nurse) +
                 p.voucher_copayment_eur * (voucher_doctor + voucher_nurse);
  return m;
}

}  // namespace

void run_payment(State& sim) {
  const Scenario& s = sim.scenario;
  const PaymentParams& p = s.payment;
  const double step_weeks = s.step_weeks();
  const double step_years = static_cast<double>(s.time.step_days) / 365.25;
  StepFlows& f = sim.flows;
  const std::size_t P = sim.producers.size();
  std::vector<std::int64_t>& counts = sim.risk_cells_all;
  counts = sim.risk_cells;  // kept current by the needs phase and switches
  sum_risk_cells(sim, counts);
  std::vector<double> weights(kCells);
  for (int k = 0; k < kCells; ++k) weights[k] = cell_weight(p, k) / sim.risk_normaliser;
  // Capitation, less the share of its budget that goes to performance pay.
  const double capitation_per_weight = p.capitation_eur_per_year * step_years;
  const double referral_share = s.referral.cost_share;
  // (The organiser may hold back a share of it until its review: M10, phases/organiser.hpp.)
  const double kept = (1.0 - p.performance_pay_share) * (1.0 - capitation_withheld_share(sim));

  // Who earns performance pay this step: producers serving enough within the care guarantee.
  std::vector<bool> qualifies(P, false);
  std::int64_t qualifying_listed = 0;
  for (std::size_t j = 0; j < P; ++j) {
    std::int64_t served = 0;
    for (int l = 0; l < kNeedLevels; ++l) served += f.served[j * kNeedLevels + l];
    qualifies[j] = sim.producers[j].active && served > 0 && p.performance_pay_share > 0 &&
                   static_cast<double>(f.served_within_guarantee[j]) >=
                       p.performance_target * static_cast<double>(served);
    if (qualifies[j]) qualifying_listed += sim.producers[j].n_listed;
  }

  // Baseline emergency visits of each producer's listed residents, by their need levels (the
  // diversions from queues come on top); a draw keyed by the producer and the step.
  for (std::size_t j = 0; j < P; ++j) {
    std::array<std::int64_t, kNeedLevels> by_level{};
    for (int k = 0; k < kCells; ++k) by_level[(k / 2) % kNeedLevels] += counts[j * kCells + k];
    const double expected = baseline_emergency(s.service, by_level, step_years);
    KeyedEngine engine(sim.rng, Stream::emergency, j, static_cast<std::uint32_t>(sim.t));
    f.er_baseline[j] = expected > 0 ? boost::random::poisson_distribution<std::int64_t>(expected)(engine) : 0;
  }

  // Organiser-side totals from population-wide and sector-wide counts.
  std::vector<std::int64_t> cell_totals(kCells, 0);
  std::int64_t referrals_all = 0, diverted_all = 0, heavy_all = 0;
  std::array<double, kSectors> doctor_by_sector{}, nurse_by_sector{};
  for (std::size_t j = 0; j < P; ++j) {
    for (int k = 0; k < kCells; ++k) cell_totals[k] += counts[j * kCells + k];
    std::int64_t served = 0;
    for (int l = 0; l < kNeedLevels; ++l) served += f.served[j * kNeedLevels + l];
    const int k = static_cast<int>(sim.producers[j].sector);
    doctor_by_sector[k] += static_cast<double>(f.served_doctor[j]);
    nurse_by_sector[k] += static_cast<double>(served - f.served_doctor[j]);
    referrals_all += f.referrals[j];
    diverted_all += f.diverted[j] + f.er_baseline[j];
  }
  double weight_all = 0;
  for (int k = 0; k < kCells; ++k) {
    weight_all += static_cast<double>(cell_totals[k]) * weights[k];
    if ((k / 2) % kNeedLevels == kNeedLevels - 1) heavy_all += cell_totals[k];
  }
  auto& books = f.organiser_side;
  books[static_cast<int>(PaymentKind::capitation)] = kept * capitation_per_weight * weight_all;
  books[static_cast<int>(PaymentKind::performance)] =
      qualifying_listed > 0 ? p.performance_pay_share * capitation_per_weight * weight_all : 0.0;
  for (int k = 0; k < kSectors; ++k) {
    const VisitMoney m = visit_money(p, static_cast<Sector>(k), doctor_by_sector[k], nurse_by_sector[k]);
    books[static_cast<int>(PaymentKind::fee_for_service)] += m.fee_for_service;
    books[static_cast<int>(PaymentKind::voucher)] += m.voucher;
    books[static_cast<int>(PaymentKind::client_fee)] += m.client_fee;
  }
  books[static_cast<int>(PaymentKind::referral_organiser)] =
      (1 - referral_share) * s.referral.cost_eur * static_cast<double>(referrals_all);
  books[static_cast<int>(PaymentKind::referral_producer)] =
      referral_share * s.referral.cost_eur * static_cast<double>(referrals_all);
  books[static_cast<int>(PaymentKind::emergency)] = s.service.er_cost_eur * static_cast<double>(diverted_all);
  books[static_cast<int>(PaymentKind::heavy_service)] =
      p.heavy_service_eur_per_week * step_weeks * static_cast<double>(heavy_all);
  f.n_heavy = heavy_all;

  // Producer-side books from each producer's own list and visits (each on its own: any thread).
  const auto n_producers = static_cast<std::int64_t>(P);
#pragma omp parallel for schedule(static) num_threads(sim.threads())
  for (std::int64_t jj = 0; jj < n_producers; ++jj) {
    const auto j = static_cast<std::size_t>(jj);
    const Producer& pr = sim.producers[j];
    double weight = 0;
    std::int64_t heavy = 0;
    for (int k = 0; k < kCells; ++k) {
      weight += static_cast<double>(counts[j * kCells + k]) * weights[k];
      if ((k / 2) % kNeedLevels == kNeedLevels - 1) heavy += counts[j * kCells + k];
    }
    std::int64_t served = 0;
    for (int l = 0; l < kNeedLevels; ++l) served += f.served[j * kNeedLevels + l];
    const double doctor = static_cast<double>(f.served_doctor[j]);
    const double nurse = static_cast<double>(served) - doctor;
    const VisitMoney m = visit_money(p, pr.sector, doctor, nurse);
    double* pay = &f.payments[j * kPaymentKinds];
    pay[static_cast<int>(PaymentKind::capitation)] = kept * capitation_per_weight * weight;
    pay[static_cast<int>(PaymentKind::performance)] =
        qualifies[j] ? p.performance_pay_share * capitation_per_weight * weight_all *
                           static_cast<double>(pr.n_listed) / static_cast<double>(qualifying_listed)
                     : 0.0;
    pay[static_cast<int>(PaymentKind::fee_for_service)] = m.fee_for_service;
    pay[static_cast<int>(PaymentKind::voucher)] = m.voucher;
    pay[static_cast<int>(PaymentKind::client_fee)] = m.client_fee;
    pay[static_cast<int>(PaymentKind::referral_organiser)] =
        (1 - referral_share) * s.referral.cost_eur * static_cast<double>(f.referrals[j]);
    pay[static_cast<int>(PaymentKind::referral_producer)] =
        referral_share * s.referral.cost_eur * static_cast<double>(f.referrals[j]);
    pay[static_cast<int>(PaymentKind::emergency)] =
        s.service.er_cost_eur * static_cast<double>(f.diverted[j] + f.er_baseline[j]);
    pay[static_cast<int>(PaymentKind::heavy_service)] =
        p.heavy_service_eur_per_week * step_weeks * static_cast<double>(heavy);
    f.n_heavy_listed[j] = heavy;
    f.risk_weight_sum[j] = weight;
    const double capacity = pr.active ? pr.capacity_per_week : 0.0;  // a closed unit has no fixed costs
    f.producer_cost[j] =
        static_cast<double>(served) * pr.cost_per_visit +
        static_cast<double>(f.flex_visits[j]) * pr.cost_per_visit * s.service.flex_cost_premium +
        pr.fixed_cost_per_capacity_week * capacity * step_weeks +
        pay[static_cast<int>(PaymentKind::referral_producer)];
  }
}

}  // namespace valinta

#include "valinta/model/service_package.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

#include "valinta/model/state.hpp"

namespace valinta {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kDaysPerYear = 365.25;

// The sums over the recorded period that the indicators are ratios of, for one producer or
// region: Totals[sum::cost] and so on.
namespace sum {
enum Index : std::size_t {
  resident_years,  // residents listed x years
  cost,
  revenue,
  visits,
  doctor_visits,
  wait_days,  // waits summed over the visits
  within_guarantee,
  diverted,
  promise_breaches,
  plan_contacts,
  plan_continuous,
  listed_steps,  // stocks summed over the steps
  heavy_steps,
  heavy_plan_steps,
  heavy_entered,
  heavy_left,
  referrals,
  er_baseline,
  experience,
  experienced,
  count
};
}  // namespace sum
using Totals = std::array<double, sum::count>;

double ratio(double a, double b) { return b > 0 ? a / b : kNaN; }

// How each indicator follows from a producer's or region's totals over a period of `years`, by
// the indicator's name.
using Formula = double (*)(const Totals& t, double years);
constexpr double kPer1000 = 1000.0;
const std::vector<std::pair<std::string_view, Formula>> kFormulas = {
    {"residents_listed", [](const Totals& t, double years) { return ratio(t[sum::resident_years], years); }},
    {"cost_per_resident_eur",
     [](const Totals& t, double) { return ratio(t[sum::cost], t[sum::resident_years]); }},
    {"cost_per_visit_eur", [](const Totals& t, double) { return ratio(t[sum::cost], t[sum::visits]); }},
    {"revenue_per_resident_eur",
     [](const Totals& t, double) { return ratio(t[sum::revenue], t[sum::resident_years]); }},
    {"visits_per_resident",
     [](const Totals& t, double) { return ratio(t[sum::visits], t[sum::resident_years]); }},
    {"doctor_visits_per_resident",
     [](const Totals& t, double) { return ratio(t[sum::doctor_visits], t[sum::resident_years]); }},
    {"wait_mean_days", [](const Totals& t, double) { return ratio(t[sum::wait_days], t[sum::visits]); }},
    {"share_within_guarantee",
     [](const Totals& t, double) {
       return ratio(t[sum::within_guarantee], t[sum::visits] + t[sum::diverted]);
     }},
    {"share_within_promise",
     [](const Totals& t, double) {
       return ratio(t[sum::visits] - t[sum::promise_breaches], t[sum::visits]);
     }},
    {"continuity_plan",
     [](const Totals& t, double) { return ratio(t[sum::plan_continuous], t[sum::plan_contacts]); }},
    {"heavy_user_share",
     [](const Totals& t, double) { return ratio(t[sum::heavy_steps], t[sum::listed_steps]); }},
    {"heavy_with_plan_share",
     [](const Totals& t, double) { return ratio(t[sum::heavy_plan_steps], t[sum::heavy_steps]); }},
    {"heavy_entered_per_1000",
     [](const Totals& t, double) { return ratio(kPer1000 * t[sum::heavy_entered], t[sum::resident_years]); }},
    {"heavy_left_per_1000",
     [](const Totals& t, double) { return ratio(kPer1000 * t[sum::heavy_left], t[sum::resident_years]); }},
    {"referrals_per_1000",
     [](const Totals& t, double) { return ratio(kPer1000 * t[sum::referrals], t[sum::resident_years]); }},
    {"emergency_visits_per_1000",
     [](const Totals& t, double) {
       return ratio(kPer1000 * (t[sum::er_baseline] + t[sum::diverted]), t[sum::resident_years]);
     }},
    {"emergency_diverted_per_1000",
     [](const Totals& t, double) { return ratio(kPer1000 * t[sum::diverted], t[sum::resident_years]); }},
    {"satisfaction",
     [](const Totals& t, double) {
       return ratio(t[sum::experience] / kExperienceScale, t[sum::experienced]);
     }},
};

// The formulas in the order of package_indicators(): every indicator has exactly one.
const std::vector<Formula>& formulas_in_order() {
  static const std::vector<Formula> ordered = [] {
    std::vector<Formula> out;
    for (const PackageIndicator& indicator : package_indicators()) {
      const auto it = std::find_if(kFormulas.begin(), kFormulas.end(),
                                   [&](const auto& f) { return f.first == indicator.name; });
      if (it == kFormulas.end())
        throw std::logic_error("the service package has no formula for " + indicator.name);
      out.push_back(it->second);
    }
    if (out.size() != kFormulas.size())
      throw std::logic_error("the service package has a formula for an indicator it does not list");
    return out;
  }();
  return ordered;
}

// The indicators of package_indicators(), in its order, from a producer's or region's totals.
std::vector<double> indicators_of(const Totals& t, double years) {
  std::vector<double> out;
  for (const Formula f : formulas_in_order()) out.push_back(f(t, years));
  return out;
}

const Recorder::Series& series_named(const std::vector<Recorder::Series>& series, const std::string& name) {
  for (const Recorder::Series& s : series)
    if (s.name == name) return s;
  throw std::logic_error("the service package needs the series '" + name + "', which the run did not record");
}

// Series `name` [step, producer] summed over steps for each producer; `weight` (same shape, or
// none) multiplies each value first; NaN values (a step without visits) count as nothing.
std::vector<double> summed(const std::vector<Recorder::Series>& series, const std::string& name,
                           std::size_t producers, const Recorder::Series* weight = nullptr) {
  const Recorder::Series& s = series_named(series, name);
  if (s.dims.size() != 1 || s.dims.front() != "producer" || s.row_length != producers)
    throw std::logic_error("the service package needs '" + name + "' by producer");
  std::vector<double> out(producers, 0.0);
  const std::size_t values = s.integer ? s.count.size() : s.real.size();
  for (std::size_t k = 0; k < values; ++k) {
    const double v = s.integer ? static_cast<double>(s.count[k]) : s.real[k];
    const double w = weight == nullptr ? 1.0
                     : weight->integer ? static_cast<double>(weight->count[k])
                                       : weight->real[k];
    if (w != 0 && !std::isnan(v)) out[k % producers] += v * w;
  }
  return out;
}

}  // namespace

const std::vector<PackageIndicator>& package_indicators() {
  static const std::vector<PackageIndicator> list = {
      {"residents_listed", "residents listed", "residents", "residents", 1,
       "mean number of residents listed over the period"},
      {"cost_per_resident_eur", "cost per resident", "EUR/resident/year", "EUR/resident-year", 1,
       "producers' cost (visits, fixed cost, referral-cost share) per resident-year listed"},
      {"cost_per_visit_eur", "cost per visit", "EUR/visit", "EUR/visit", 1,
       "producers' cost per visit served"},
      {"revenue_per_resident_eur", "paid to producers per resident", "EUR/resident/year", "EUR/resident-year",
       1,
       "what producers were paid (capitation, fees for service, client fees, performance pay, vouchers, "
       "temporary capacity) per resident-year listed"},
      {"visits_per_resident", "visits per resident", "visits/resident/year", "visits/resident-year", 1,
       "visits served per resident-year listed"},
      {"doctor_visits_per_resident", "doctor visits per resident", "visits/resident/year",
       "visits/resident-year", 1, "doctor visits served per resident-year listed"},
      {"wait_mean_days", "mean wait", "days", "days", 1, "mean wait of the visits served (access)"},
      {"share_within_guarantee", "within the care guarantee", "1", "%", 100,
       "share of the settled contacts (served or diverted to emergency) served within the care guarantee "
       "(timeliness)"},
      {"share_within_promise", "within the service promise", "1", "%", 100,
       "share of the visits served within the service promise"},
      {"continuity_plan", "continuity for plan holders", "1", "%", 100,
       "share of customer-plan holders' resolved contacts served in time by the producer they are listed at "
       "(continuity of care)"},
      {"heavy_user_share", "heavy users among listed", "1", "%", 100,
       "share of the listed residents who are heavy users (mean over the period)"},
      {"heavy_with_plan_share", "heavy users with a plan", "1", "%", 100,
       "share of the listed heavy users who have a customer plan"},
      {"heavy_entered_per_1000", "new heavy users", "per 1000 residents/year", "per 1,000 resident-years", 1,
       "listed residents becoming heavy users, per 1000 resident-years (heavy-user flow in)"},
      {"heavy_left_per_1000", "heavy users no longer heavy", "per 1000 residents/year",
       "per 1,000 resident-years", 1,
       "listed heavy users whose need fell below heavy, per 1000 resident-years (heavy-user flow out)"},
      {"referrals_per_1000", "referrals", "per 1000 residents/year", "per 1,000 resident-years", 1,
       "referrals to specialised care per 1000 resident-years"},
      {"emergency_visits_per_1000", "emergency visits", "per 1000 residents/year", "per 1,000 resident-years",
       1, "emergency visits (baseline and diverted from queues) per 1000 resident-years"},
      {"emergency_diverted_per_1000", "of them diverted from queues", "per 1000 residents/year",
       "per 1,000 resident-years", 1,
       "contacts diverted from queues to emergency care per 1000 resident-years (the emergency use poor "
       "access causes)"},
      {"satisfaction", "satisfaction", "SD", "SD", 1,
       "mean experience score of the listed residents at the end of the period (residents' voice)"},
  };
  return list;
}

ServicePackage compute_service_package(const std::vector<Recorder::Series>& series,
                                       const PackageSetup& setup) {
  const std::size_t P = setup.producer_region.size(), R = setup.regions.size();
  const Recorder::Series& listed = series_named(series, "n_listed");
  const Recorder::Series& visits_doctor = series_named(series, "new_visits_doctor");
  const std::int64_t steps = P > 0 ? static_cast<std::int64_t>(listed.count.size() / P) : 0;
  const double step_years = setup.step_days / kDaysPerYear;

  // The visits served by each producer at each step, to weigh the mean waits.
  Recorder::Series visits = visits_doctor;
  const Recorder::Series& nurse = series_named(series, "new_visits_nurse");
  for (std::size_t k = 0; k < visits.count.size(); ++k) visits.count[k] += nurse.count[k];

  const auto column = [&](const std::string& name) { return summed(series, name, P); };
  std::array<std::vector<double>, sum::count> columns;
  columns[sum::listed_steps] = column("n_listed");
  columns[sum::cost] = column("cost_eur");
  columns[sum::revenue] = column("revenue_eur");
  columns[sum::doctor_visits] = column("new_visits_doctor");
  columns[sum::visits] = column("new_visits_nurse");  // then the doctors' visits added, below
  columns[sum::wait_days] = summed(series, "wait_mean_days", P, &visits);
  columns[sum::within_guarantee] = column("new_served_within_guarantee");
  columns[sum::diverted] = column("new_er_diversions");
  columns[sum::promise_breaches] = column("new_promise_breaches");
  columns[sum::plan_contacts] = column("new_plan_contacts");
  columns[sum::plan_continuous] = column("new_plan_contacts_continuous");
  columns[sum::heavy_steps] = column("n_heavy_listed");
  columns[sum::heavy_plan_steps] = column("n_heavy_with_plan_listed");
  columns[sum::heavy_entered] = column("new_heavy_entered");
  columns[sum::heavy_left] = column("new_heavy_left");
  columns[sum::referrals] = column("new_referrals");
  columns[sum::er_baseline] = column("new_er_baseline");
  columns[sum::resident_years].resize(P);
  columns[sum::experience].resize(P);
  columns[sum::experienced].resize(P);
  for (std::size_t j = 0; j < P; ++j) {
    columns[sum::resident_years][j] = columns[sum::listed_steps][j] * step_years;
    columns[sum::visits][j] = columns[sum::doctor_visits][j] + columns[sum::visits][j];
    columns[sum::experience][j] = static_cast<double>(setup.experience[j]);
    columns[sum::experienced][j] = static_cast<double>(setup.experienced[j]);
  }

  ServicePackage out;
  out.regions = setup.regions;
  out.steps = steps;
  out.years = static_cast<double>(steps) * step_years;
  std::vector<Totals> region(R, Totals{});
  std::vector<std::vector<double>> producer_rows;
  for (std::size_t j = 0; j < P; ++j) {
    Totals t{};
    for (std::size_t k = 0; k < sum::count; ++k) t[k] = columns[k][j];
    producer_rows.push_back(indicators_of(t, out.years));
    const auto r = static_cast<std::size_t>(setup.producer_region[j]);
    for (std::size_t k = 0; k < sum::count; ++k) {
      if (R > 0) region[0][k] += t[k];  // the whole area
      if (r > 0 && r < R) region[r][k] += t[k];
    }
  }
  const std::size_t I = package_indicators().size();
  out.by_producer.assign(I, std::vector<double>(P));
  out.by_region.assign(I, std::vector<double>(R));
  for (std::size_t j = 0; j < P; ++j)
    for (std::size_t i = 0; i < I; ++i) out.by_producer[i][j] = producer_rows[j][i];
  for (std::size_t r = 0; r < R; ++r) {
    const std::vector<double> row = indicators_of(region[r], out.years);
    for (std::size_t i = 0; i < I; ++i) out.by_region[i][r] = row[i];
  }
  return out;
}

PackageSetup package_setup(const State& sim) {
  PackageSetup setup;
  setup.step_days = static_cast<double>(sim.scenario.time.step_days);
  setup.regions = {std::string(kWholeArea)};
  std::vector<int> zone_region(sim.zones.size(), 0);
  for (std::size_t z = 0; z < sim.zones.size(); ++z) {
    const std::string& name = sim.zones[z].spec.region;
    if (name.empty()) continue;
    const auto found = std::find(setup.regions.begin() + 1, setup.regions.end(), name);
    zone_region[z] = static_cast<int>(found - setup.regions.begin());
    if (found == setup.regions.end()) setup.regions.push_back(name);
  }
  const std::size_t P = sim.producers.size(), Z = sim.zones.size();
  for (const Producer& p : sim.producers) setup.producer_region.push_back(zone_region[p.zone]);
  std::vector<std::int64_t> sums = experience_sums(sim.residents, P, Z, sim.threads());
  sim.comm->sum(sums);
  setup.experience.assign(sums.begin(), sums.begin() + static_cast<std::ptrdiff_t>(P));
  setup.experienced.assign(sums.begin() + static_cast<std::ptrdiff_t>(P),
                           sums.begin() + static_cast<std::ptrdiff_t>(2 * P));
  return setup;
}

ServicePackage service_package(const State& sim) {
  return compute_service_package(sim.recorder.series(), package_setup(sim));
}

}  // namespace valinta

// Phase 9: record. The step's indicators (docs/ODD.md section 9) by producer, by sector, by zone and for
// the whole region: listings, switches by reason / age band / income decile, visits, queues,
// exact wait percentiles from the served-wait histograms, the share within the care guarantee,
// emergency diversions, referrals, need-level flows and heavy users, payments by kind and
// producers' revenue, cost and profit, and risk selection (mean risk weight of each list).
//
// The share within the care guarantee is over the contacts whose outcome this step settled:
// served (within the guarantee or later) or diverted to emergency, a diversion counting against
// the guarantee whenever it happens. So it is 1 - new_guarantee_breaches / (served + diverted).
#include "valinta/phases/record.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "valinta/model/state.hpp"
#include "valinta/util/select.hpp"

namespace valinta {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct WaitStats {
  double p50 = kNaN, p90 = kNaN, mean = kNaN;
};

// Exact percentiles of waits (in days) from a histogram of served visits by wait in steps.
WaitStats wait_stats(const std::int64_t* histogram, int length, double step_days) {
  std::int64_t total = 0;
  double sum = 0;
  for (int a = 0; a < length; ++a) {
    total += histogram[a];
    sum += static_cast<double>(histogram[a]) * a * step_days;
  }
  WaitStats w;
  if (total == 0) return w;
  w.mean = sum / static_cast<double>(total);
  std::int64_t cumulative = 0;
  for (int a = 0; a < length; ++a) {
    cumulative += histogram[a];
    if (std::isnan(w.p50) && 2 * cumulative >= total) w.p50 = a * step_days;
    if (std::isnan(w.p90) && 10 * cumulative >= 9 * total) w.p90 = a * step_days;
  }
  return w;
}

double ratio(std::int64_t a, std::int64_t b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : kNaN;
}

}  // namespace

std::vector<std::int64_t> count_away_from_home(const State& sim) {
  const Residents& r = sim.residents;
  const std::size_t P = sim.producers.size();
  std::vector<std::int64_t> away(sim.zones.size() * kSectors, 0);
  std::vector<std::uint8_t> sector_of(P);
  for (std::size_t j = 0; j < P; ++j) sector_of[j] = static_cast<std::uint8_t>(sim.producers[j].sector);
  const std::uint16_t* const listed = r.listed.data();
  const std::uint16_t* const home = r.home.data();
  const auto zones = static_cast<std::int64_t>(sim.end_zone);
#pragma omp parallel for schedule(dynamic, 1) num_threads(sim.threads())
  for (std::int64_t z = static_cast<std::int64_t>(sim.first_zone); z < zones; ++z) {
    const std::size_t first = sim.local_first(sim.zones[z]), last = first + sim.zones[z].n_residents;
    std::array<std::int64_t, kSectors> by_sector{};
    constexpr std::size_t kBlock = 1024;
    std::array<std::uint8_t, kBlock> away_here{};  // marked without branches; most are at home
    std::array<std::uint32_t, kBlock> who{};
    for (std::size_t b = first; b < last; b += kBlock) {
      const std::size_t e = std::min(last, b + kBlock);
      for (std::size_t i = b; i < e; ++i) away_here[i - b] = static_cast<std::uint8_t>(listed[i] != home[i]);
      const std::size_t m = positions_of(away_here.data(), e - b, static_cast<std::uint32_t>(b), who.data());
      for (std::size_t q = 0; q < m; ++q) ++by_sector[sector_of[listed[who[q]]]];
    }
    for (int k = 0; k < kSectors; ++k) away[static_cast<std::size_t>(z) * kSectors + k] = by_sector[k];
  }
  return away;
}

void run_record(State& sim) {
  const Scenario& s = sim.scenario;
  const StepFlows& f = sim.flows;
  f.check_summed();
  if (sim.t < s.warm_up_steps) return;  // the warm-up is simulated, not recorded
  Recorder& rec = sim.recorder;
  const std::size_t P = sim.producers.size(), Z = sim.zones.size();
  const int L = sim.queue_steps;
  const double step_days = static_cast<double>(s.time.step_days);

  // --- by producer
  std::vector<std::int64_t> n_listed(P), arrivals(P), doctor(P), nurse(P), queue(P), served(P);
  std::vector<double> p50(P), p90(P), mean(P), within(P), revenue(P), cost(P), profit(P), risk(P),
      published_wait(P), capacity(P);
  // Each producer's row on its own (the queues are a thousand scattered blocks: their cache
  // misses are shared out among the threads).
  const auto n_producers = static_cast<std::int64_t>(P);
#pragma omp parallel for schedule(static) num_threads(sim.threads())
  for (std::int64_t jj = 0; jj < n_producers; ++jj) {
    const auto j = static_cast<std::size_t>(jj);
    const Producer& p = sim.producers[j];
    n_listed[j] = p.n_listed;
    for (int l = 0; l < kNeedLevels; ++l) {
      arrivals[j] += f.arrivals[j * kNeedLevels + l];
      served[j] += f.served[j * kNeedLevels + l];
    }
    doctor[j] = f.served_doctor[j];
    nurse[j] = served[j] - doctor[j];
    for (const std::int64_t c : p.queue) queue[j] += c;
    const WaitStats w = wait_stats(&f.wait_histogram[j * L], L, step_days);
    p50[j] = w.p50;
    p90[j] = w.p90;
    mean[j] = w.mean;
    within[j] = ratio(f.served_within_guarantee[j], served[j] + f.diverted[j]);
    const double* pay = &f.payments[j * kPaymentKinds];
    revenue[j] = producer_revenue(pay);
    cost[j] = f.producer_cost[j];
    profit[j] = revenue[j] - cost[j];
    risk[j] = p.n_listed > 0 ? f.risk_weight_sum[j] / static_cast<double>(p.n_listed) : kNaN;
    published_wait[j] = p.published_wait_weeks;
    capacity[j] = p.capacity_per_week;
  }
  rec.append("n_listed", n_listed);
  rec.append("new_arrivals", arrivals);
  rec.append("new_visits_doctor", doctor);
  rec.append("new_visits_nurse", nurse);
  rec.append("n_queue", queue);
  rec.append("wait_p50_days", p50);
  rec.append("wait_p90_days", p90);
  rec.append("wait_mean_days", mean);
  rec.append("share_within_guarantee", within);
  rec.append("new_served_within_guarantee", f.served_within_guarantee);
  rec.append("new_er_diversions", f.diverted);
  rec.append("new_referrals", f.referrals);
  rec.append("new_switches_in", f.switches_in);
  rec.append("new_switches_out", f.switches_out);
  rec.append("n_heavy_listed", f.n_heavy_listed);
  rec.append("mean_risk_weight", risk);
  rec.append("payments_eur", f.payments);
  rec.append("revenue_eur", revenue);
  rec.append("cost_eur", cost);
  rec.append("profit_eur", profit);
  rec.append("published_wait_weeks", published_wait);
  rec.append("capacity_per_week", capacity);
  std::vector<std::int64_t> active(P), promise_breaches(P), guarantee_breaches(P), promise_met(P);
  std::vector<double> promise_share(P);
  for (std::size_t j = 0; j < P; ++j) {
    active[j] = sim.producers[j].active ? 1 : 0;
    promise_share[j] = ratio(f.served_within_promise[j], served[j]);
    promise_breaches[j] = served[j] - f.served_within_promise[j];
    guarantee_breaches[j] = served[j] - f.served_within_guarantee[j] + f.diverted[j];
    promise_met[j] = served[j] > 0 && promise_share[j] >= s.service.promise_target ? 1 : 0;
  }
  rec.append("producer_active", active);
  const std::vector<std::int64_t> events(f.producer_event.begin(), f.producer_event.end());
  rec.append("new_producer_event", events);
  rec.append("share_within_promise", promise_share);
  rec.append("new_promise_breaches", promise_breaches);
  rec.append("promise_met", promise_met);
  rec.append("new_guarantee_breaches", guarantee_breaches);
  rec.append("new_transferred_in", f.transferred_in);
  rec.append("new_transferred_out", f.transferred_out);
  rec.append("new_referrals_refused", f.referrals_refused);
  rec.append("n_heavy_with_plan_listed", f.n_heavy_plan_listed);
  rec.append("new_er_baseline", f.er_baseline);
  rec.append("new_heavy_entered", f.heavy_entered);
  rec.append("new_heavy_left", f.heavy_left);
  rec.append("new_plan_contacts", f.plan_contacts);
  rec.append("new_plan_contacts_continuous", f.plan_contacts_continuous);

  // --- by sector
  std::vector<std::int64_t> s_listed(kSectors), s_visits(kSectors), s_doctor(kSectors), s_queue(kSectors),
      s_within(kSectors), s_diverted(kSectors), s_referrals(kSectors);
  std::vector<double> s_revenue(kSectors), s_cost(kSectors), s_p50(kSectors), s_p90(kSectors),
      s_share(kSectors);
  std::vector<std::int64_t> s_hist(static_cast<std::size_t>(kSectors * L), 0),
      all_hist(static_cast<std::size_t>(L), 0);
  for (std::size_t j = 0; j < P; ++j) {
    const int k = static_cast<int>(sim.producers[j].sector);
    s_listed[k] += n_listed[j];
    s_visits[k] += served[j];
    s_doctor[k] += doctor[j];
    s_queue[k] += queue[j];
    s_within[k] += f.served_within_guarantee[j];
    s_diverted[k] += f.diverted[j];
    s_referrals[k] += f.referrals[j];
    s_revenue[k] += revenue[j];
    s_cost[k] += cost[j];
    for (int a = 0; a < L; ++a) {
      s_hist[k * L + a] += f.wait_histogram[j * L + a];
      all_hist[a] += f.wait_histogram[j * L + a];
    }
  }
  for (int k = 0; k < kSectors; ++k) {
    const WaitStats w = wait_stats(&s_hist[k * L], L, step_days);
    s_p50[k] = w.p50;
    s_p90[k] = w.p90;
    s_share[k] = ratio(s_within[k], s_visits[k] + s_diverted[k]);
  }
  rec.append("n_listed_by_sector", s_listed);
  rec.append("new_visits_by_sector", s_visits);
  rec.append("new_visits_doctor_by_sector", s_doctor);
  rec.append("n_queue_by_sector", s_queue);
  rec.append("wait_p50_days_by_sector", s_p50);
  rec.append("wait_p90_days_by_sector", s_p90);
  rec.append("share_within_guarantee_by_sector", s_share);
  rec.append("new_er_diversions_by_sector", s_diverted);
  rec.append("new_referrals_by_sector", s_referrals);
  rec.append("revenue_eur_by_sector", s_revenue);
  rec.append("cost_eur_by_sector", s_cost);

  // --- by zone: where residents of each zone are listed, away from their home station (the
  // pilot zones, whose residents choose)
  std::vector<std::int64_t> away = sim.away_from_home;
  for (std::size_t z = 0; z < Z; ++z)
    if (!sim.zones[z].in_pilot)
      std::fill_n(away.begin() + static_cast<std::ptrdiff_t>(z * kSectors), kSectors, 0);
  sim.comm->sum(away);
  std::vector<std::int64_t> away_by_sector(kSectors, 0);
  for (std::size_t z = 0; z < Z; ++z)
    for (int k = 0; k < kSectors; ++k) away_by_sector[k] += away[z * kSectors + k];
  rec.append("n_away_from_home_by_zone", away);
  rec.append("new_switches_by_zone", f.switches_by_zone);
  rec.append("new_unmet_by_zone", f.unmet_by_zone);

  // --- region
  std::int64_t visits_doctor = 0, visits_all = 0, within_all = 0, diverted_all = 0, referrals_all = 0;
  for (std::size_t j = 0; j < P; ++j) {
    visits_doctor += doctor[j];
    visits_all += served[j];
    within_all += f.served_within_guarantee[j];
    diverted_all += f.diverted[j];
    referrals_all += f.referrals[j];
  }
  const WaitStats w = wait_stats(all_hist.data(), L, step_days);
  std::vector<std::int64_t> flows(kNeedLevels * kNeedLevels);
  for (int a = 0; a < kNeedLevels; ++a)
    for (int b = 0; b < kNeedLevels; ++b) flows[a * kNeedLevels + b] = f.need_flows[a][b];
  std::int64_t switches = 0;
  for (const std::int64_t v : f.switches_by_reason) switches += v;
  const std::vector<std::int64_t> visit_kinds = {visits_doctor, visits_all - visits_doctor};
  rec.append("new_visits", visit_kinds);
  rec.append("wait_p50_days_all", w.p50);
  rec.append("wait_p90_days_all", w.p90);
  rec.append("wait_mean_days_all", w.mean);
  rec.append("share_within_guarantee_all", ratio(within_all, visits_all + diverted_all));
  rec.append("new_er_diversions_all", diverted_all);
  std::int64_t er_baseline = 0;
  for (const std::int64_t v : f.er_baseline) er_baseline += v;
  rec.append("new_er_baseline_all", er_baseline);
  std::int64_t flex_visits = 0;
  for (const std::int64_t v : f.flex_visits) flex_visits += v;
  rec.append("new_flex_visits_all", flex_visits);
  rec.append("new_contacts_elsewhere", std::span<const std::int64_t>(f.contacts_elsewhere));
  rec.append("new_referrals_all", referrals_all);
  rec.append("new_need_flows", flows);
  rec.append("n_heavy", f.n_heavy);
  std::int64_t heavy_with_plan = 0;
  for (const std::int64_t v : f.n_heavy_plan_listed) heavy_with_plan += v;
  rec.append("share_heavy_with_plan", ratio(heavy_with_plan, f.n_heavy));
  rec.append("n_plans", f.n_plans);
  std::int64_t plan_contacts = 0, plan_continuous = 0;
  for (std::size_t j = 0; j < P; ++j) {
    plan_contacts += f.plan_contacts[j];
    plan_continuous += f.plan_contacts_continuous[j];
  }
  rec.append("continuity_plan", ratio(plan_continuous, plan_contacts));
  rec.append("workforce_free_fte", sim.workforce_free_fte);
  rec.append("new_reviews", f.reviews);
  rec.append("new_switches", switches);
  rec.append("new_switches_by_reason", std::span<const std::int64_t>(f.switches_by_reason));
  rec.append("new_switches_by_age_band", std::span<const std::int64_t>(f.switches_by_age_band));
  rec.append("new_switches_by_income_decile", std::span<const std::int64_t>(f.switches_by_income_decile));
  std::vector<double> away_share(kSectors, 0.0);
  std::int64_t eligible = 0;
  for (const Zone& zone : sim.zones) eligible += zone.in_pilot ? zone.n_eligible : 0;
  for (int k = 0; k < kSectors; ++k) away_share[k] = ratio(away_by_sector[k], eligible);
  std::vector<std::int64_t> sector_pairs, band_sectors;
  for (const auto& row : f.switches_by_sector_pair)
    sector_pairs.insert(sector_pairs.end(), row.begin(), row.end());
  for (const auto& row : f.switches_by_age_band_sector)
    band_sectors.insert(band_sectors.end(), row.begin(), row.end());
  rec.append("new_switches_by_sector_pair", sector_pairs);
  rec.append("new_switches_by_age_band_sector", band_sectors);
  rec.append("share_eligible_away_by_sector", away_share);
  rec.append("n_away_from_home_by_sector", away_by_sector);
  rec.append("organiser_books_eur", std::span<const double>(f.organiser_side));

  // --- the organiser's follow-up of its service promise (M10)
  const OrganiserState& o = sim.organiser;
  std::vector<double> organiser_capacity(P);
  for (std::size_t j = 0; j < P; ++j) organiser_capacity[j] = sim.producers[j].organiser_capacity_per_week;
  const std::vector<std::int64_t> breaches(o.breach.begin(), o.breach.end());
  rec.append("organiser_capacity_per_week", organiser_capacity);
  rec.append("new_organiser_breaches", breaches);
  rec.append("share_within_promise_period", o.share_within);
  rec.append("satisfaction", o.satisfaction);
  rec.append("share_within_promise_period_by_zone", o.zone_share_within);
  rec.append("satisfaction_by_zone", o.zone_satisfaction);
  const std::vector<std::int64_t> zone_breaches(o.zone_breach.begin(), o.zone_breach.end());
  rec.append("new_organiser_zone_breaches", zone_breaches);
  rec.append("new_organiser_temporary_capacity_all", o.new_temporary);
  rec.append("new_organiser_vouchers_all", o.new_vouchers);
  rec.append("new_organiser_refused_all", o.new_refused);
  rec.append("organiser_cost_eur", o.new_cost_eur);
  rec.append("organiser_withheld_eur", o.new_withheld_kept_eur);
  const double budget = s.organiser.budget_eur_per_year;
  rec.append("organiser_budget_left_eur",
             s.organiser.enabled && budget > 0 ? budget - o.budget_spent_eur : kNaN);
  rec.end_step();
}

}  // namespace valinta

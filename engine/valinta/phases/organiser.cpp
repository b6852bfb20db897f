// Phase 8: M10 the organiser's follow-up of its service promise (docs/ODD.md 7.10).
//
// In every recorded step the organiser counts each producer's visits and those served within the
// service promise (the service phase's served_within_promise), and, when organiser.performance_pay
// is on, the capitation the payment phase held back. At the end of every follow-up period
// (organiser.review_weeks) it reviews them:
//   - a producer with at least organiser.min_visits visits in the period and a share within the
//     promise below rules.service_promise_target, or whose listed residents' mean experience is
//     below organiser.satisfaction_target, is in breach;
//   - the actions of the period that ends are undone: temporary staff return to the free
//     workforce, bought capacity returns to its seller;
//   - performance pay: the capitation held back over the period is paid to each producer not in
//     breach (payment kind `performance`) and kept from those in breach;
//   - with organiser.zone_follow_up, a zone whose producers together served less than the target
//     share within the promise (with at least organiser.min_visits visits), none of them in breach
//     on its own, is in breach: the organiser acts at the zone's public station with the lowest
//     share as below (without withholding its pay or publishing it);
//   - publication: a breach is published until the next review;
//   - a public station in breach gets temporary capacity, organiser.temporary_capacity_share of its
//     base capacity staffed from the free workforce, paid at organiser.temporary_capacity_eur_per_visit
//     per visit of added capacity (payment kind temporary_capacity), and capacity bought by voucher from
//     private and third-sector producers of its zone with capacity they did not use in the period,
//     as much as its queue needs to be served within the promise, paid at
//     organiser.voucher_eur_per_visit per visit (booked as voucher); both for the next period;
//   - temporary capacity and vouchers are paid when they are bought, within
//     organiser.budget_eur_per_year for the calendar year: an action that would exceed what is left
//     is not taken.
// Every finding and action, taken or not, is an event of the event log, with its reason.
#include "valinta/phases/organiser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "valinta/model/state.hpp"

namespace valinta {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// organiser.satisfaction_target at or below this: satisfaction is not followed up.
constexpr double kNoSatisfactionTarget = -7.0;

// Undoes the actions in force: temporary staff return to the free workforce, bought capacity to
// its seller.
void end_actions(State& sim) {
  OrganiserState& o = sim.organiser;
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    sim.workforce_free_fte += o.temporary_fte[j];
    o.temporary[j] = o.temporary_fte[j] = o.bought[j] = 0;
    sim.producers[j].organiser_capacity_per_week = 0;
  }
}

// Pays (or, for a producer in breach, keeps) the capitation held back since the last review.
void settle_withheld(State& sim) {
  OrganiserState& o = sim.organiser;
  StepFlows& f = sim.flows;
  constexpr int kPerformance = static_cast<int>(PaymentKind::performance);
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    if (o.withheld_eur[j] == 0) continue;
    if (o.breach[j]) {
      o.new_withheld_kept_eur += o.withheld_eur[j];
    } else {
      f.payments[j * kPaymentKinds + kPerformance] += o.withheld_eur[j];
      f.organiser_side[kPerformance] += o.withheld_eur[j];
    }
    o.withheld_eur[j] = 0;
  }
}

bool anything_in_force(const OrganiserState& o) {
  for (std::size_t j = 0; j < o.temporary.size(); ++j)
    if (o.temporary_fte[j] != 0 || o.bought[j] != 0 || o.withheld_eur[j] != 0 || o.published[j] != 0)
      return true;
  return false;
}

std::string eur(double amount) { return fmt::format("{:.0f} EUR", amount); }
// Visits per week, to a tenth below ten.
std::string per_week(double visits) {
  return visits < 9.95 ? fmt::format("{:.1f} visits/week", visits)
                       : fmt::format("{:.0f} visits/week", visits);
}

// Mean experience (SD) of each producer's listed residents and of each zone's residents, summed
// exactly over the ranks.
void satisfaction(State& sim) {
  OrganiserState& o = sim.organiser;
  const std::size_t P = sim.producers.size(), Z = sim.zones.size();
  std::vector<std::int64_t> sums = experience_sums(sim.residents, P, Z, sim.threads());
  sim.comm->sum(sums);
  const auto mean = [](std::int64_t sum, std::int64_t n) {
    return n > 0 ? static_cast<double>(sum) / kExperienceScale / static_cast<double>(n) : kNaN;
  };
  for (std::size_t j = 0; j < P; ++j) o.satisfaction[j] = mean(sums[j], sums[P + j]);
  for (std::size_t z = 0; z < Z; ++z) o.zone_satisfaction[z] = mean(sums[2 * P + z], sums[2 * P + Z + z]);
}

void review(State& sim, int period) {
  const Scenario& s = sim.scenario;
  const OrganiserParams& op = s.organiser;
  OrganiserState& o = sim.organiser;
  StepFlows& f = sim.flows;
  const std::size_t P = sim.producers.size(), Z = sim.zones.size();
  const double period_weeks = period * s.step_weeks();
  const double target = s.service.promise_target;
  const std::string when =
      fmt::format("{} step {}: organiser:", format_iso_date(day_of_step(s, sim.t)), recorded_step(s, sim.t));

  // What the period shows: each producer's share within the promise, its zone's, satisfaction.
  satisfaction(sim);
  std::vector<std::int64_t> zone_served(Z, 0), zone_within(Z, 0);
  for (std::size_t j = 0; j < P; ++j) {
    o.share_within[j] =
        o.served[j] > 0 ? static_cast<double>(o.within[j]) / static_cast<double>(o.served[j]) : kNaN;
    zone_served[sim.producers[j].zone] += o.served[j];
    zone_within[sim.producers[j].zone] += o.within[j];
  }
  for (std::size_t z = 0; z < Z; ++z)
    o.zone_share_within[z] =
        zone_served[z] > 0 ? static_cast<double>(zone_within[z]) / static_cast<double>(zone_served[z]) : kNaN;

  // Capacity private and third-sector producers did not use for their own residents in the period
  // (visits/week): their own capacity less their visits (what they sold is theirs again).
  std::vector<double> spare(P, 0.0);
  for (std::size_t k = 0; k < P; ++k) {
    const Producer& q = sim.producers[k];
    if (q.active && q.sector != Sector::public_sector)
      spare[k] = std::max(0.0, q.capacity_per_week - static_cast<double>(o.served[k]) / period_weeks);
  }

  // Findings.
  std::vector<std::string> reason(P);
  for (std::size_t j = 0; j < P; ++j) {
    const Producer& p = sim.producers[j];
    const bool promise_breach = p.active && o.served[j] > 0 &&
                                static_cast<double>(o.served[j]) >= op.min_visits &&
                                o.share_within[j] < target;
    const bool satisfaction_breach = p.active && op.satisfaction_target > kNoSatisfactionTarget &&
                                     o.satisfaction[j] < op.satisfaction_target;
    o.breach[j] = promise_breach || satisfaction_breach ? 1 : 0;
    if (promise_breach)
      reason[j] = fmt::format("promise {:g} days met for {:.0f} % of {} visits, target {:.0f} %",
                              s.service.promise_days, 100 * o.share_within[j], o.served[j], 100 * target);
    if (satisfaction_breach)
      reason[j] += fmt::format("{}satisfaction {:.2f} SD, target {:.2f} SD", promise_breach ? "; " : "",
                               o.satisfaction[j], op.satisfaction_target);
  }

  // Zones short of the promise with no producer of theirs in breach on its own: the organiser acts
  // at the zone's public station with the lowest share (`acted_for_zone`: why), without the
  // sanctions of a producer's own breach (performance pay, publication).
  std::vector<std::string> acted_for_zone(P);
  if (op.zone_follow_up) {
    for (std::size_t z = 0; z < Z; ++z) {
      if (zone_served[z] == 0 || static_cast<double>(zone_served[z]) < op.min_visits ||
          !(o.zone_share_within[z] < target))
        continue;
      std::size_t worst = P;
      bool producer_in_breach = false;
      for (std::size_t j = 0; j < P; ++j) {
        const Producer& p = sim.producers[j];
        if (p.zone != z) continue;
        producer_in_breach = producer_in_breach || o.breach[j];
        if (p.active && p.sector == Sector::public_sector && o.served[j] > 0 &&
            (worst == P || o.share_within[j] < o.share_within[worst]))
          worst = j;
      }
      if (producer_in_breach) continue;
      o.zone_breach[z] = 1;
      const std::string finding =
          fmt::format("promise {:g} days met for {:.0f} % of the {} visits of its producers, target {:.0f} %",
                      s.service.promise_days, 100 * o.zone_share_within[z], zone_served[z], 100 * target);
      if (worst == P) {
        sim.event_log.push_back(fmt::format("{} zone {} in breach ({}); no public station there to act at",
                                            when, sim.zones[z].spec.name, finding));
        continue;
      }
      sim.event_log.push_back(fmt::format("{} zone {} in breach ({}); acting at {}", when,
                                          sim.zones[z].spec.name, finding, sim.producers[worst].spec.name));
      acted_for_zone[worst] = fmt::format("zone {}: {}", sim.zones[z].spec.name, finding);
    }
  }

  end_actions(sim);
  if (op.performance_pay) {
    for (std::size_t j = 0; j < P; ++j)
      if (o.breach[j] && o.withheld_eur[j] > 0)
        reason[j] += "; performance pay " + eur(o.withheld_eur[j]) + " withheld";
  }
  settle_withheld(sim);
  for (std::size_t j = 0; j < P; ++j)
    o.published[j] = op.publication && o.breach[j] ? op.breach_utility : 0.0;

  // The budget of the calendar year of this review.
  const std::int64_t year = std::stoll(format_iso_date(day_of_step(s, sim.t)).substr(0, 4));
  if (year != o.budget_year) {
    o.budget_year = year;
    o.budget_spent_eur = 0;
  }
  const auto left = [&] {
    return op.budget_eur_per_year > 0 ? op.budget_eur_per_year - o.budget_spent_eur
                                      : std::numeric_limits<double>::infinity();
  };
  const auto within_budget = [&](double cost, const std::string& action) {
    if (cost <= left() + 1e-6) return true;
    sim.event_log.push_back(fmt::format("{} {} not taken: it would cost {}, the budget has {} left for {}",
                                        when, action, eur(cost), eur(std::max(0.0, left())), year));
    ++o.new_refused;
    return false;
  };
  const auto pay = [&](std::size_t j, PaymentKind kind, double amount) {
    f.payments[j * kPaymentKinds + static_cast<int>(kind)] += amount;
    f.organiser_side[static_cast<int>(kind)] += amount;
    o.budget_spent_eur += amount;
    o.new_cost_eur += amount;
  };

  const double visits_per_fte = s.workforce.visits_per_fte_week;
  // Producers in breach on their own first, then the stations acted at for their zones, so that
  // a zone's action never takes the budget or the free staff from a station's own breach.
  std::vector<std::size_t> order;
  for (std::size_t j = 0; j < P; ++j)
    if (o.breach[j]) order.push_back(j);
  for (std::size_t j = 0; j < P; ++j)
    if (!o.breach[j] && !acted_for_zone[j].empty()) order.push_back(j);
  for (const std::size_t j : order) {
    Producer& p = sim.producers[j];
    if (o.breach[j])
      sim.event_log.push_back(fmt::format("{} {} in breach ({}){}", when, p.spec.name, reason[j],
                                          op.publication ? ", published" : ""));
    if (p.sector != Sector::public_sector) continue;
    const std::string why = fmt::format(" at {} ({}) for {:g} weeks", p.spec.name,
                                        o.breach[j] ? reason[j] : acted_for_zone[j], period_weeks);

    if (op.temporary_capacity && op.temporary_capacity_share > 0) {
      const double wanted_fte = op.temporary_capacity_share * p.base_capacity_per_week / visits_per_fte;
      const double fte = std::min(wanted_fte, std::max(0.0, sim.workforce_free_fte));
      const double added = fte * visits_per_fte;
      const double cost = added * period_weeks * op.temporary_capacity_eur_per_visit;
      const std::string action = "temporary capacity +" + per_week(added) + why;
      if (added <= 1e-9) {
        sim.event_log.push_back(fmt::format("{} {} not taken: no free staff in the workforce", when, action));
        ++o.new_refused;
      } else if (within_budget(cost, action)) {
        sim.workforce_free_fte -= fte;
        o.temporary[j] = added;
        o.temporary_fte[j] = fte;
        pay(j, PaymentKind::temporary_capacity, cost);
        ++o.new_temporary;
        sim.event_log.push_back(
            fmt::format("{} {}, {}{}", when, action, eur(cost),
                        fte < wanted_fte - 1e-9 ? " (all the free staff there was)" : ""));
      }
    }

    if (op.vouchers) {
      // As much as the queue needs to be served within the promise, from the zone's spare capacity.
      std::int64_t backlog = 0;
      for (const std::int64_t c : p.queue) backlog += c;
      const double promise_weeks = std::max(s.service.promise_days / 7.0, s.step_weeks());
      double need = static_cast<double>(backlog) / promise_weeks - (p.capacity_per_week + o.temporary[j]);
      if (need <= 0) continue;
      std::vector<std::pair<std::size_t, double>> sellers;
      double total = 0;
      for (std::size_t k = 0; k < P && total < need; ++k) {
        if (sim.producers[k].zone != p.zone || spare[k] <= 0) continue;
        const double take = std::min(need - total, spare[k]);
        sellers.emplace_back(k, take);
        total += take;
      }
      const std::string action = "vouchers for " + per_week(need) + why;
      if (total <= 1e-9) {
        sim.event_log.push_back(
            fmt::format("{} {} not taken: no private or third-sector producer of {} has spare "
                        "capacity",
                        when, action, sim.zones[p.zone].spec.name));
        ++o.new_refused;
        continue;
      }
      const double cost = total * period_weeks * op.voucher_eur_per_visit;
      const std::string bought = "vouchers for " + per_week(total) + why;
      if (!within_budget(cost, bought)) continue;
      std::string from;
      for (const auto& [k, take] : sellers) {
        spare[k] -= take;
        o.bought[k] -= take;
        o.bought[j] += take;
        pay(k, PaymentKind::voucher, take * period_weeks * op.voucher_eur_per_visit);
        from += fmt::format("{}{} {:.0f}", from.empty() ? "" : ", ", sim.producers[k].spec.name, take);
      }
      ++o.new_vouchers;
      sim.event_log.push_back(fmt::format("{} {}, {} (from {})", when, bought, eur(cost), from));
    }
  }
  for (std::size_t j = 0; j < P; ++j)
    sim.producers[j].organiser_capacity_per_week = o.temporary[j] + o.bought[j];
  std::fill(o.served.begin(), o.served.end(), 0);
  std::fill(o.within.begin(), o.within.end(), 0);
}

}  // namespace

double capitation_withheld_share(const State& sim) {
  const OrganiserParams& op = sim.scenario.organiser;
  return op.enabled && op.performance_pay && sim.t >= sim.scenario.warm_up_steps ? op.withheld_share : 0.0;
}

int review_steps(const State& sim) {
  const Scenario& s = sim.scenario;
  return std::max(1, static_cast<int>(std::lround(s.organiser.review_weeks * 7.0 /
                                                  static_cast<double>(s.time.step_days))));
}

void initialise_organiser(State& sim) { sim.organiser.reset(sim.producers.size(), sim.zones.size()); }

void run_organiser(State& sim) {
  const Scenario& s = sim.scenario;
  const OrganiserParams& op = s.organiser;
  OrganiserState& o = sim.organiser;
  o.new_temporary = o.new_vouchers = o.new_refused = 0;
  o.new_cost_eur = o.new_withheld_kept_eur = 0;
  std::fill(o.breach.begin(), o.breach.end(), 0);
  std::fill(o.zone_breach.begin(), o.zone_breach.end(), 0);
  if (!op.enabled) {
    // Switched off by a rule change: what is in force ends, what was held back is paid.
    if (anything_in_force(o)) {
      end_actions(sim);
      settle_withheld(sim);
      std::fill(o.published.begin(), o.published.end(), 0.0);
      std::fill(o.served.begin(), o.served.end(), 0);
      std::fill(o.within.begin(), o.within.end(), 0);
    }
    return;
  }
  if (sim.t < s.warm_up_steps) return;  // the follow-up begins with the recorded period

  const StepFlows& f = sim.flows;
  const double w = capitation_withheld_share(sim);
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    for (int l = 0; l < kNeedLevels; ++l) o.served[j] += f.served[j * kNeedLevels + l];
    o.within[j] += f.served_within_promise[j];
    if (w > 0)
      o.withheld_eur[j] +=
          f.payments[j * kPaymentKinds + static_cast<int>(PaymentKind::capitation)] * w / (1 - w);
  }
  const int period = review_steps(sim);
  if ((recorded_step(s, sim.t) + 1) % period == 0) review(sim, period);
}

}  // namespace valinta

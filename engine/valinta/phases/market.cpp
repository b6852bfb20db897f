// Phase 8: M7 market dynamics and workforce. Every market.interval_days (a quarter):
//  1. entry - for each chain's candidate site (the centre of a pilot zone of at least
//     market.min_zone_population), the expected list is forecast with the choice model itself:
//     a systematic sample of eligible residents who could reach the site, each with the logit
//     probability (no noise) of choosing it on review, times the chance of reviewing within
//     market.horizon_years. Expected revenue (capitation and fees) against the cost of serving
//     that list (visits x cost per visit + fixed cost of capacity sized to it) gives a margin; a
//     chain enters where the margin beats its hurdle, best margin first, at most
//     market.max_entries_per_quarter units a quarter;
//  2. exit - a private or third-sector producer that has lost money market.exit_after_quarters
//     quarters in a row (after its first year) closes; its residents choose again (none is lost);
//  3. capacity - with market.capacity_adjustment, capacity moves toward the quarter's demand plus
//     market.capacity_slack, by at most market.max_capacity_change a quarter.
// Capacity is staff (workforce.visits_per_fte_week): growth hires from the region's free
// workforce and, when that is used up, private producers may recruit from public stations
// (whose capacity falls) - the drain from public to private that the pilots reported.
#include "valinta/phases/market.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "valinta/model/state.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/choice_utility.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/phases/openings.hpp"
#include "valinta/phases/payment.hpp"
#include "valinta/phases/switching.hpp"

namespace valinta {

void add_entrant_slots(State& sim) {
  const Scenario& s = sim.scenario;
  if (!s.market.enabled) return;
  for (std::size_t c = 0; c < s.chains.size(); ++c) {
    const ChainSpec& chain = s.chains[c];
    for (std::size_t z = 0; z < sim.zones.size(); ++z) {
      const Zone& zone = sim.zones[z];
      if (!zone.in_pilot || zone.spec.population < s.market.min_zone_population) continue;
      Producer p;
      p.spec.name = chain.name + " " + zone.spec.name;
      for (int k = 2; std::any_of(sim.producers.begin(), sim.producers.end(),
                                  [&](const Producer& q) { return q.spec.name == p.spec.name; });
           ++k)
        p.spec.name = fmt::format("{} {} {}", chain.name, zone.spec.name, k);  // names stay unique
      p.spec.owner = chain.name;
      p.spec.sector = chain.sector;
      p.spec.zone = zone.spec.name;
      p.spec.quality = chain.quality;
      p.spec.digital = chain.digital;
      p.sector = chain.sector;
      p.zone = static_cast<std::uint16_t>(z);
      // A few hundred metres from the centre, so units of different chains do not coincide.
      p.lat = zone.spec.lat + 0.002 * static_cast<double>(c % 3);
      p.lon = zone.spec.lon + 0.004 * static_cast<double>(c / 3);
      p.place = place(p.lat, p.lon);
      const int k = static_cast<int>(p.sector);
      p.doctor_share = k == 1 ? s.service.doctor_share_private : s.service.doctor_share_third_sector;
      p.cost_per_visit = s.producer_defaults.cost_per_visit_eur[k];
      p.fixed_cost_per_capacity_week = s.producer_defaults.fixed_cost_eur_per_capacity_week;
      p.queue.assign(static_cast<std::size_t>(sim.queue_steps) * kNeedLevels, 0);
      p.active = false;
      p.chain = static_cast<int>(c);
      const std::size_t j = sim.producers.size();
      sim.producers.push_back(std::move(p));
      // Every zone that considers producers at that centre considers the slot.
      for (Zone& other : sim.zones) {
        const double minutes =
            travel_minutes(s.choice, other.spec.lat, other.spec.lon, zone.spec.lat, zone.spec.lon);
        const double margin = other.spread_km * 2.5 * s.choice.detour_factor / s.choice.speed_kmh * 60.0;
        if (minutes - margin <= s.choice.max_travel_min)
          other.candidates.push_back(static_cast<std::uint16_t>(j));
      }
    }
  }
}

void initialise_workforce(State& sim) {
  const WorkforceParams& w = sim.scenario.workforce;
  double employed = 0;
  for (Producer& p : sim.producers) {
    p.staff_fte = p.active ? p.capacity_per_week / w.visits_per_fte_week : 0.0;
    p.base_capacity_per_week = p.capacity_per_week;
    employed += p.staff_fte;
  }
  sim.workforce_free_fte = employed * w.free_share / (1.0 - w.free_share);
}

namespace {

// Hires up to `fte` staff for producer j: the free workforce first, then (private producers,
// if the rules allow) staff of public stations, in proportion to their staff. Returns the FTE hired.
double hire(State& sim, std::size_t j, double fte) {
  const WorkforceParams& w = sim.scenario.workforce;
  double hired = std::min(fte, sim.workforce_free_fte);
  sim.workforce_free_fte -= hired;
  Producer& p = sim.producers[j];
  if (hired < fte && p.sector == Sector::private_sector && w.private_recruits_from_public) {
    double public_staff = 0;
    for (const Producer& q : sim.producers)
      if (q.active && q.sector == Sector::public_sector) public_staff += q.staff_fte;
    const double wanted = std::min(fte - hired, 0.1 * public_staff);  // at most a tenth a quarter
    if (wanted > 0 && public_staff > 0) {
      for (Producer& q : sim.producers) {
        if (!q.active || q.sector != Sector::public_sector) continue;
        const double take = wanted * q.staff_fte / public_staff;
        q.staff_fte -= take;
        q.capacity_per_week = q.staff_fte * w.visits_per_fte_week;
      }
      hired += wanted;
    }
  }
  p.staff_fte += hired;
  return hired;
}

// Moves producer j's capacity toward `target` by at most market.max_capacity_change of it: staff
// let go return to the free workforce, growth hires (hire), capacity follows the staff.
void staff_toward(State& sim, std::size_t j, double target) {
  const Scenario& s = sim.scenario;
  Producer& p = sim.producers[j];
  const double limit = s.market.max_capacity_change * p.capacity_per_week;
  const double change = std::clamp(target - p.capacity_per_week, -limit, limit);
  if (change < 0) {
    const double fte = -change / s.workforce.visits_per_fte_week;
    p.staff_fte -= fte;
    sim.workforce_free_fte += fte;
  } else if (change > 0) {
    hire(sim, j, change / s.workforce.visits_per_fte_week);
  }
  p.capacity_per_week = p.staff_fte * s.workforce.visits_per_fte_week;
}

// The pay response of capacity, each quarter where the market's own adjustment does not run.
void adjust_capacity_to_pay(State& sim, int quarter_steps) {
  const Scenario& s = sim.scenario;
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    const Producer& p = sim.producers[j];
    if (!p.active) continue;
    const double demand = static_cast<double>(p.arrivals_this_quarter) / (quarter_steps * s.step_weeks());
    staff_toward(sim, j, pay_capacity_target(s, p, demand));
  }
}

}  // namespace

ForecastInputs forecast_inputs(const State& sim) {
  ForecastInputs in;
  in.fee = expected_fees(sim);
  in.informed = sim.scenario.choice.information != Information::none;
  return in;
}

void choice_probabilities(const State& sim, const ForecastInputs& in, std::size_t i,
                          const std::vector<std::size_t>& slots, double* out) {
  const Residents& r = sim.residents;
  const ChoiceParams& c = sim.scenario.choice;
  const Zone& zone = sim.zones[r.zone[i]];
  const Place home = place(r.lat[i], r.lon[i]);
  // Reused: no allocation per call. Candidate m's exponential of utility and which of `slots`
  // it is (-1: an open producer; -2: not considered).
  thread_local std::vector<double> minutes, weight;
  thread_local std::vector<int> slot_of;
  candidate_travel(sim, zone, home, minutes);
  weight.assign(zone.candidates.size(), 0.0);
  slot_of.assign(zone.candidates.size(), -2);
  for (std::size_t m = 0; m < zone.candidates.size(); ++m) {
    const std::uint16_t k = zone.candidates[m];
    const Producer& p = sim.producers[k];
    const auto it = std::find(slots.begin(), slots.end(), k);
    const bool candidate = it != slots.end();
    if (!p.active && !candidate) continue;
    const double travel = minutes[m];
    if (travel > c.max_travel_min && !p.spec.digital_first && k != r.listed[i]) continue;
    // ODD 7.5.5: a new unit is seen with no wait, every producer with its true quality (when
    // waits and quality are published at all, rules.information); the current producer gets
    // inertia only.
    UtilityInputs utility;
    utility.travel_min = travel;
    utility.fee_eur = in.fee[k];
    utility.digital = p.spec.digital;
    utility.is_private = p.sector == Sector::private_sector;
    utility.informed = in.informed;
    utility.wait_weeks = candidate ? 0.0 : p.published_wait_weeks;
    utility.quality = p.spec.quality;
    utility.literacy = r.literacy[i] / 255.0;
    utility.income_decile = r.income_decile[i];
    utility.age = r.age[i];
    utility.employed = (r.flags[i] & Residents::kEmployed) != 0;
    utility.current = k == r.listed[i];
    weight[m] = std::exp(std::min(systematic_utility(c, utility), 50.0));
    slot_of[m] = candidate ? static_cast<int>(it - slots.begin()) : -1;
  }
  // Each slot's denominator adds the open producers and that slot, in candidate order.
  for (std::size_t s = 0; s < slots.size(); ++s) {
    double total = 0, own = 0;
    for (std::size_t m = 0; m < weight.size(); ++m) {
      if (slot_of[m] == -2 || (slot_of[m] >= 0 && slot_of[m] != static_cast<int>(s))) continue;
      total += weight[m];
      if (slot_of[m] == static_cast<int>(s)) own = weight[m];
    }
    out[s] = total > 0 ? own / total : 0.0;
  }
}

namespace {

struct Forecast {
  double listed = 0;
  double margin = -1e9;
  double capacity = 0;
};

// The pilot zones that consider producer j, in zone order: its catchment.
std::vector<std::size_t> catchment_zones(const State& sim, std::size_t j) {
  std::vector<std::size_t> zones;
  for (std::size_t z = 0; z < sim.zones.size(); ++z) {
    const Zone& zone = sim.zones[z];
    if (zone.in_pilot &&
        std::find(zone.candidates.begin(), zone.candidates.end(), j) != zone.candidates.end())
      zones.push_back(z);
  }
  return zones;
}

// A candidate site: closed producers `slots` that share the catchment `zones` (units of different
// chains at one site), forecast from one sample of residents and their choice model.
struct Site {
  std::vector<std::size_t> zones, slots;
  std::int64_t catchment = 0;       // eligible residents of the zones
  std::vector<std::size_t> chosen;  // the sampled residents held here, in resident order
};

// A site's forecasts from its sample's rows (every rank's, in resident order): each slot's
// expected list, capacity and margin.
std::vector<Forecast> site_forecasts(const State& sim, const Site& site, const std::vector<double>& all) {
  const Scenario& s = sim.scenario;
  const std::vector<std::size_t>& slots = site.slots;
  std::vector<Forecast> out(slots.size());
  if (site.catchment == 0) return out;
  const std::int64_t catchment = site.catchment;
  const std::size_t width = slots.size() + 1;
  const double sampled = static_cast<double>(all.size() / width);
  if (sampled == 0) return out;
  double visits_rate = 0;
  for (std::size_t row = 0; row < all.size(); row += width) visits_rate += all[row + slots.size()];
  const double review = 1.0 - std::exp(-s.choice.base_review_per_year * s.market.horizon_years);
  const double scale = static_cast<double>(catchment) / sampled;
  const double visits_per_resident_week = visits_rate / sampled;
  for (std::size_t slot = 0; slot < slots.size(); ++slot) {
    const std::size_t j = slots[slot];
    const Producer& p = sim.producers[j];
    const ChainSpec& chain = s.chains[static_cast<std::size_t>(p.chain)];
    double probability_sum = 0;
    for (std::size_t row = 0; row < all.size(); row += width) probability_sum += all[row + slot];
    Forecast& f = out[slot];
    f.listed = probability_sum * review * scale;
    const double visits_week = visits_per_resident_week * f.listed;
    f.capacity =
        std::min(chain.capacity_per_week * s.population.scale, visits_week * (1 + s.market.capacity_slack));
    const double weeks = 52.18;
    const double fee = expected_fee(sim, j);
    const double revenue = f.listed * s.payment.capitation_eur_per_year +
                           visits_week * weeks * (s.payment.fee_for_service_eur + fee);
    const double cost =
        visits_week * weeks * p.cost_per_visit + f.capacity * weeks * p.fixed_cost_per_capacity_week;
    f.margin = revenue > 0 ? (revenue - cost) / revenue : -1e9;
  }
  return out;
}

// The sampled residents of a site that this rank holds: a systematic sample of the catchment's
// eligible residents, numbered in zone order (`seen`), so the sample does not depend on the
// partition.
void sample_site(const State& sim, Site& site) {
  const Residents& r = sim.residents;
  site.catchment = 0;
  for (const std::size_t z : site.zones) site.catchment += sim.zones[z].n_eligible;
  if (site.catchment == 0) return;
  const std::int64_t stride = std::max<std::int64_t>(1, site.catchment / sim.scenario.market.sample_size);
  std::vector<std::size_t>& chosen = site.chosen;
  std::int64_t seen = 0, next = 0;  // eligible residents passed; the number of the next one sampled
  for (const std::size_t z : site.zones) {
    const Zone& zone = sim.zones[z];
    const std::int64_t end = seen + zone.n_eligible;
    if (!sim.holds_zone(z)) {
    } else if (zone.n_eligible == zone.n_residents) {  // everyone eligible: jump from sample to sample
      for (; next < end; next += stride)
        chosen.push_back(sim.local_first(zone) + static_cast<std::size_t>(next - seen));
    } else {
      const std::size_t first = sim.local_first(zone);
      for (std::size_t i = first; i < first + zone.n_residents && next < end; ++i) {
        if (!(r.flags[i] & Residents::kEligible)) continue;
        if (seen == next) {
          chosen.push_back(i);
          next += stride;
        }
        ++seen;
      }
    }
    seen = end;
    next = std::max(next, (seen + stride - 1) / stride * stride);
  }
}

// The forecasts of every site, in site order: the sampled residents of all sites are evaluated
// at once over threads, and gathered from the ranks in one collective.
std::vector<std::vector<Forecast>> forecast(const State& sim, const ForecastInputs& inputs,
                                            std::vector<Site>& sites) {
  const Scenario& s = sim.scenario;
  const Residents& r = sim.residents;
  // Per sampled resident (each written to its own place): the choice probability of each of its
  // site's slots, then the visit rate. Rows of all sites, site after site.
  std::vector<std::int64_t> rows_here(sites.size());  // this rank's sampled residents, by site
  std::vector<std::size_t> offset(sites.size() + 1, 0);
  for (std::size_t k = 0; k < sites.size(); ++k) {
    sample_site(sim, sites[k]);
    rows_here[k] = static_cast<std::int64_t>(sites[k].chosen.size());
    offset[k + 1] = offset[k] + sites[k].chosen.size() * (sites[k].slots.size() + 1);
  }
  std::vector<double> mine(offset.back());
  std::vector<std::pair<std::size_t, std::size_t>> tasks;  // (site, sampled resident)
  for (std::size_t k = 0; k < sites.size(); ++k)
    for (std::size_t q = 0; q < sites[k].chosen.size(); ++q) tasks.emplace_back(k, q);
  const auto n_tasks = static_cast<std::int64_t>(tasks.size());
#pragma omp parallel for schedule(dynamic, 64) num_threads(sim.threads())
  for (std::int64_t t = 0; t < n_tasks; ++t) {
    const auto [k, q] = tasks[static_cast<std::size_t>(t)];
    const Site& site = sites[k];
    const std::size_t i = site.chosen[q];
    double* row = &mine[offset[k] + q * (site.slots.size() + 1)];
    choice_probabilities(sim, inputs, i, site.slots, row);
    row[site.slots.size()] =
        demand_rate(s.demand, r.need[i], age_band_of(r.age[i]), r.flags[i] & Residents::kOhc);
  }
  // Every rank's rows and how many of them belong to each site; each site's rows are then taken
  // rank by rank, which is zone and resident order, as one process would add them up.
  const std::vector<std::int64_t> rows_by_rank = sim.comm->all_gather(rows_here);
  const std::vector<double> all = sim.comm->all_gather(mine);
  const std::size_t ranks = rows_by_rank.size() / std::max<std::size_t>(1, sites.size());
  std::vector<std::size_t> rank_start(ranks + 1, 0);  // where each rank's rows begin in `all`
  for (std::size_t k = 0; k < ranks; ++k) {
    rank_start[k + 1] = rank_start[k];
    for (std::size_t site = 0; site < sites.size(); ++site)
      rank_start[k + 1] +=
          static_cast<std::size_t>(rows_by_rank[k * sites.size() + site]) * (sites[site].slots.size() + 1);
  }
  std::vector<std::size_t> at(rank_start.begin(), rank_start.end() - 1);  // each rank's next row
  std::vector<std::vector<Forecast>> out(sites.size());
  for (std::size_t k = 0; k < sites.size(); ++k) {
    const Site& site = sites[k];
    const std::size_t width = site.slots.size() + 1;
    std::vector<double> rows;
    for (std::size_t rank = 0; rank < ranks; ++rank) {
      const std::size_t n = static_cast<std::size_t>(rows_by_rank[rank * sites.size() + k]) * width;
      rows.insert(rows.end(), all.begin() + static_cast<std::ptrdiff_t>(at[rank]),
                  all.begin() + static_cast<std::ptrdiff_t>(at[rank] + n));
      at[rank] += n;
    }
    out[k] = site_forecasts(sim, site, rows);
  }
  return out;
}

void enter_market(State& sim) {
  const Scenario& s = sim.scenario;
  if (!sim.pilot_active()) return;
  struct Candidate {
    double margin;
    std::size_t j;
    Forecast f;
  };
  // The closed slots, grouped by catchment (in order of their first slot).
  std::vector<Site> sites;
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    const Producer& p = sim.producers[j];
    if (p.chain < 0 || p.active) continue;
    std::vector<std::size_t> zones = catchment_zones(sim, j);
    const auto site =
        std::find_if(sites.begin(), sites.end(), [&](const Site& x) { return x.zones == zones; });
    if (site != sites.end())
      site->slots.push_back(j);
    else
      sites.push_back({std::move(zones), {j}, 0, {}});
  }
  std::vector<Candidate> candidates;
  const ForecastInputs inputs = forecast_inputs(sim);
  const std::vector<std::vector<Forecast>> forecasts_by_site = forecast(sim, inputs, sites);
  for (std::size_t site = 0; site < sites.size(); ++site) {
    const std::vector<std::size_t>& slots = sites[site].slots;
    const std::vector<Forecast>& forecasts = forecasts_by_site[site];
    for (std::size_t k = 0; k < slots.size(); ++k) {
      const ChainSpec& chain = s.chains[static_cast<std::size_t>(sim.producers[slots[k]].chain)];
      const double hurdle = chain.hurdle >= 0 ? chain.hurdle : s.market.entry_hurdle;
      const Forecast& f = forecasts[k];
      if (f.margin > hurdle && f.capacity > 0) candidates.push_back({f.margin, slots[k], f});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.margin != b.margin ? a.margin > b.margin : a.j < b.j;
  });
  std::int64_t entered = 0;
  for (const Candidate& c : candidates) {
    if (entered >= s.market.max_entries_per_quarter) break;
    Producer& p = sim.producers[c.j];
    const double wanted = c.f.capacity / s.workforce.visits_per_fte_week;
    const double hired = hire(sim, c.j, wanted);
    if (hired < 0.25 * wanted) {  // cannot staff it: give the staff back and stay out
      sim.workforce_free_fte += hired;
      p.staff_fte -= hired;
      continue;
    }
    p.capacity_per_week = p.staff_fte * s.workforce.visits_per_fte_week;
    open_producer(sim, c.j, ProducerEvent::entered,
                  fmt::format("forecast list {:.0f}, margin {:.3f}", c.f.listed, c.f.margin));
    ++entered;
  }
}

void exit_and_adjust(State& sim) {
  const Scenario& s = sim.scenario;
  const int quarter_steps = std::max(
      1, static_cast<int>(std::lround(s.market.interval_days / static_cast<double>(s.time.step_days))));
  // Who leaves: the quarters of losses (nothing below changes them), then the residents every
  // exit concerns, in one pass over the population.
  std::vector<std::size_t> leaving;
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    Producer& p = sim.producers[j];
    if (!p.active) continue;
    // A first year to build a list, counted from the recorded start at the earliest.
    const bool settled = sim.t - std::max<std::int64_t>(p.open_step, s.warm_up_steps) >= 4 * quarter_steps;
    p.losing_quarters = p.profit_this_quarter < 0 && settled ? p.losing_quarters + 1 : 0;
    if (p.sector != Sector::public_sector && p.losing_quarters >= s.market.exit_after_quarters)
      leaving.push_back(j);
  }
  ClosureBatch batch = leaving.empty() ? ClosureBatch{} : closure_batch(sim, leaving);
  // Exits and capacity changes in producer order (an exit frees staff that later hires use).
  auto next_leaving = leaving.begin();
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    Producer& p = sim.producers[j];
    if (!p.active) continue;
    if (next_leaving != leaving.end() && *next_leaving == j) {
      ++next_leaving;
      close_producer(sim, j, ProducerEvent::exited, fmt::format("{} quarters of losses", p.losing_quarters),
                     &batch);
      continue;
    }
    if (!s.market.capacity_adjustment) continue;
    const double demand = static_cast<double>(p.arrivals_this_quarter) / (quarter_steps * s.step_weeks());
    staff_toward(sim, j, demand * (1 + s.market.capacity_slack));
  }
}

}  // namespace

bool pay_response_on(const WorkforceParams& w) {
  return w.fee_capacity_growth > 0 || w.capitation_capacity_pull > 0;
}

double pay_capacity_target(const Scenario& s, const Producer& p, double demand_per_week) {
  const WorkforceParams& w = s.workforce;
  const double fee_share = fee_for_service_incentive(s.payment, 4.5);
  const double base = p.base_capacity_per_week;
  // Paid per visit: staffed to serve the demand, up to a ceiling that rises with the fee share.
  double target = std::clamp(demand_per_week * (1 + s.market.capacity_slack), base,
                             base * (1 + w.fee_capacity_growth * fee_share));
  // Paid per resident: a private or third-sector producer keeps fewer staff than it started with.
  if (p.sector != Sector::public_sector) target *= 1 - w.capitation_capacity_pull * (1 - fee_share);
  return target;
}

void run_market(State& sim) {
  const Scenario& s = sim.scenario;
  // The market opens with the recorded period: the warm-up has no entry, exit or capacity change
  // of its own; the pay response of capacity runs wherever the market's adjustment does not.
  const bool market_open = s.market.enabled && sim.t >= s.warm_up_steps;
  const bool pay_response = pay_response_on(s.workforce) && !(market_open && s.market.capacity_adjustment);
  if (!market_open && !pay_response) return;
  const StepFlows& f = sim.flows;
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    Producer& p = sim.producers[j];
    if (!p.active) continue;
    const double* pay = &f.payments[j * kPaymentKinds];
    p.profit_this_quarter += producer_revenue(pay) - f.producer_cost[j];
    for (int l = 0; l < kNeedLevels; ++l) p.arrivals_this_quarter += f.arrivals[j * kNeedLevels + l];
  }
  const int quarter_steps = std::max(
      1, static_cast<int>(std::lround(s.market.interval_days / static_cast<double>(s.time.step_days))));
  if ((recorded_step(s, sim.t) + 1) % quarter_steps != 0) return;
  if (pay_response) adjust_capacity_to_pay(sim, quarter_steps);
  if (market_open) {
    exit_and_adjust(sim);
    enter_market(sim);
  }
  for (Producer& p : sim.producers) {
    p.profit_this_quarter = 0;
    p.arrivals_this_quarter = 0;
  }
}

}  // namespace valinta

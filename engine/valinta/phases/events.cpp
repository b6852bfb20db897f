// Phase 1: events. The scenario's timeline, applied at the start of the step each event falls
// in: rule changes (any behavioural or rule parameter, e.g. a longer lock-in), producers opening
// (residents nearby get a one-time nudge to review) and closing (their listed residents choose
// again, their queue moves to the nearest public station), capacity shocks, information
// campaigns (a one-time extra review share), demand shocks and producers that stop taking new
// clients. Then, every choice.publication_interval_days, the organiser publishes each producer's
// expected wait and quality (service packages). What residents see depends on rules.information:
//   transparent   - the current values;
//   word_of_mouth - the values of the previous publication, with fixed per-producer errors
//                   (independent for quality, in SD, and for the wait, in weeks);
//   none          - nothing (the choice phase ignores published values).
#include "valinta/phases/events.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>

#include "valinta/model/state.hpp"
#include "valinta/phases/openings.hpp"
#include "valinta/phases/switching.hpp"
#include "valinta/scenario/yaml_values.hpp"

namespace valinta {

namespace {

void publish(State& sim) {
  const ChoiceParams& c = sim.scenario.choice;
  const bool word_of_mouth = c.information == Information::word_of_mouth;
  for (Producer& p : sim.producers) {
    if (word_of_mouth) {
      p.published_wait_weeks = std::max(0.0, p.wait_at_last_publication + p.word_of_mouth_wait_bias);
      p.published_quality = p.spec.quality + p.word_of_mouth_bias;
    } else {
      p.published_wait_weeks = p.expected_wait_weeks;
      p.published_quality = p.spec.quality;
    }
    p.wait_at_last_publication = p.expected_wait_weeks;
  }
}

std::size_t producer_index(const State& sim, const std::string& name) {
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    if (sim.producers[j].spec.name == name) return j;
  throw std::logic_error("event names an unknown producer: " + name);  // validated on load
}

bool zone_listed(const State& sim, std::size_t z, const std::vector<std::string>& zones) {
  if (zones.empty()) return true;
  for (const auto& name : zones)
    if (sim.zones[z].spec.name == name) return true;
  return false;
}

}  // namespace

void apply_rule_change(State& sim, const EventSpec& e) {
  // The scenario's parameters, bound afresh; values were checked when the scenario was loaded.
  Scenario current = sim.scenario;
  ParamRegistry registry;
  declare_scenario_params(registry, sim.scenario);
  sim.scenario = current;  // binding reset the fields to defaults; restore them
  Diagnostics diagnostics;
  const std::string origin = e.origin;
  detail::Where where{origin, diagnostics, nullptr};
  for (const auto& [key, value] : e.set) {
    if (const Param* param = registry.find(key)) detail::assign_param(*param, YAML::Load(value), key, where);
  }
  if (!diagnostics.empty()) throw ScenarioError(std::move(diagnostics));
}

namespace {

void apply(State& sim, const EventSpec& e) {
  const std::string date = format_iso_date(day_of_step(sim.scenario, sim.t));
  if (e.type == EventType::rule_change) {
    apply_rule_change(sim, e);
    std::string what;
    for (const auto& [key, value] : e.set) what += (what.empty() ? "" : ", ") + key + "=" + value;
    sim.event_log.push_back(
        fmt::format("{} step {}: rule change {}", date, recorded_step(sim.scenario, sim.t), what));
  } else if (e.type == EventType::open) {
    open_producer(sim, producer_index(sim, e.producer), ProducerEvent::opened, "scheduled opening");
  } else if (e.type == EventType::close) {
    close_producer(sim, producer_index(sim, e.producer), ProducerEvent::closed, "scheduled closing");
  } else if (e.type == EventType::capacity_shock) {
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      Producer& p = sim.producers[j];
      const bool hit = e.sector.empty() ? p.spec.name == e.producer
                                        : kSectorNames[static_cast<std::size_t>(p.spec.sector)] == e.sector;
      if (hit) {
        p.capacity_per_week *= e.factor;
        p.base_capacity_per_week *= e.factor;
        p.staff_fte *= e.factor;  // capacity is staff (M7): the market must not undo the shock
      }
    }
    sim.event_log.push_back(fmt::format("{} step {}: capacity x {} at {}", date,
                                        recorded_step(sim.scenario, sim.t), e.factor,
                                        e.sector.empty() ? e.producer : "every " + e.sector + " producer"));
  } else if (e.type == EventType::campaign) {
    for (std::size_t z = 0; z < sim.zones.size(); ++z)
      if (zone_listed(sim, z, e.zones)) {
        sim.zones[z].extra_review += e.share;
        sim.zones[z].extra_reason = SwitchReason::campaign;
      }
    sim.event_log.push_back(fmt::format("{} step {}: information campaign, {} extra reviews", date,
                                        recorded_step(sim.scenario, sim.t), e.share));
  } else if (e.type == EventType::demand_shock) {
    const int until =
        e.weeks > 0 ? sim.t + static_cast<int>(std::ceil(e.weeks / sim.scenario.step_weeks())) : 1 << 30;
    for (std::size_t z = 0; z < sim.zones.size(); ++z)
      if (zone_listed(sim, z, e.zones)) {
        sim.zones[z].demand_factor = e.factor;
        sim.zones[z].demand_factor_until = until;
      }
    sim.event_log.push_back(
        fmt::format("{} step {}: demand x {}", date, recorded_step(sim.scenario, sim.t), e.factor));
  } else if (e.type == EventType::stop_listing) {
    Producer& p = sim.producers[producer_index(sim, e.producer)];
    p.spec.listing_cap = -1;  // takes nobody new, however many leave (see apply_switches)
    sim.event_log.push_back(fmt::format("{} step {}: {} stops taking new clients", date,
                                        recorded_step(sim.scenario, sim.t), e.producer));
  }
}

}  // namespace

void run_events(State& sim) {
  const Scenario& s = sim.scenario;
  if (sim.t == 0) {
    for (std::size_t j = 0; j < sim.producers.size(); ++j) {
      const auto u = sim.rng.uniforms(Stream::producers, j, 0);
      const double radius = std::sqrt(-2.0 * std::log(u[0]));
      const double angle = 6.283185307179586 * u[1];
      sim.producers[j].word_of_mouth_bias = s.choice.word_of_mouth_noise_sd * radius * std::cos(angle);
      sim.producers[j].word_of_mouth_wait_bias = s.choice.word_of_mouth_noise_sd * radius * std::sin(angle);
    }
  }
  // Demand shocks run out (one-step review nudges are cleared by the choice phase).
  for (Zone& z : sim.zones) {
    if (sim.t >= z.demand_factor_until) {
      z.demand_factor = 1.0;
      z.demand_factor_until = 1 << 30;
    }
  }
  // Producers' own opening and closing dates, then the events list in the order given.
  for (std::size_t j = 0; j < sim.producers.size(); ++j) {
    const Producer& p = sim.producers[j];
    if (p.chain < 0 && p.open_step == sim.t && sim.t > 0 && !p.active)
      open_producer(sim, j, ProducerEvent::opened, "scheduled opening");
    if (p.close_step == sim.t && sim.producers[j].active)
      close_producer(sim, j, ProducerEvent::closed, "scheduled closing");
  }
  const std::vector<EventSpec> events = sim.scenario.events;  // a rule change replaces the scenario
  for (const EventSpec& e : events)
    if (e.step == sim.t) apply(sim, e);

  const auto interval = std::max<std::int64_t>(
      1, std::llround(s.choice.publication_interval_days / static_cast<double>(s.time.step_days)));
  if (sim.t % interval == 0) publish(sim);
}

}  // namespace valinta

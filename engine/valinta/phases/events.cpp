// Phase 1: events. The pilot's timeline (start and end are read by the phases through
// Simulation::pilot_active) and the publication of producer indicators: every
// choice.publication_interval_days the organiser publishes each producer's expected wait and
// quality (service packages). What residents then see depends on rules.information:
//   transparent   - the current values;
//   word_of_mouth - the values of the previous publication, with fixed per-producer errors
//                   (independent for quality, in SD, and for the wait, in weeks);
//   none          - nothing (the choice phase ignores published values).
#include "valinta/phases/events.hpp"

#include <cmath>

#include "valinta/model/simulation.hpp"

namespace valinta {

namespace {

void publish(Simulation& sim) {
  const ChoiceParams& c = sim.scenario.choice;
  const bool word_of_mouth = c.information == "word_of_mouth";
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

}  // namespace

void run_events(Simulation& sim) {
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
  const auto interval = std::max<std::int64_t>(
      1, std::llround(s.choice.publication_interval_days / static_cast<double>(s.time.step_days)));
  if (sim.t % interval == 0) publish(sim);
}

}  // namespace valinta

// Figures of docs/ODD.md that no indicator records, from one run of a scenario (the default one
// unless given): contacts per resident-year by age band (Section 7.2), the oldest non-empty queue
// cohort (Section 7.3.3) and the share of residents without a contact in each year (Section 10.2).
//
// After every step it recomputes each resident's contacts of that step from the same draw the
// demand phase used (CounterRng::resident_word of the demand stream), with the need level the
// step left (only the needs phase changes it, and it runs before demand). That is exact when every
// demand factor is 1: no demand shock and no fee-for-service pay (demand.induced_visits acts only
// through fees), which the program checks.
//
// Usage: build/release/tests/odd_figures [SCENARIO.yaml] [key=value ...]
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "valinta/input/loader.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/run/simulation.hpp"

int main(int argc, char** argv) {
  using namespace valinta;
  try {
    std::filesystem::path file = default_scenario_path();
    std::vector<std::string> overrides;
    for (int k = 1; k < argc; ++k) {
      const std::string arg = argv[k];
      if (arg.find('=') != std::string::npos)
        overrides.push_back(arg);
      else
        file = arg;
    }
    const Scenario s = load_scenario(file, overrides);
    if (s.payment.fee_for_service_eur != 0 && s.demand.induced_visits != 0) {
      std::fprintf(
          stderr,
          "odd_figures: fee-for-service pay induces visits; the recomputed contacts would not be exact\n");
      return 2;
    }
    Simulation sim(s, {static_cast<std::uint64_t>(s.seed), 0, 0});
    const Residents& r = sim.residents;
    const double step_weeks = s.step_weeks();
    const int steps = static_cast<int>(s.time.steps);
    const int steps_per_year = static_cast<int>(std::lround(365.25 / static_cast<double>(s.time.step_days)));

    std::array<double, kAgeBands> residents_in_band{}, contacts_in_band{};
    for (std::size_t i = 0; i < r.size(); ++i) residents_in_band[age_band_of(r.age[i])] += 1;
    std::vector<std::uint8_t> had_contact(r.size(), 0);  // bit y: a contact in year y
    int oldest_cohort_steps = 0;
    for (int t = 0; t < steps; ++t) {
      sim.step();
      for (const Zone& z : sim.zones)
        if (z.demand_factor != 1.0) {
          std::fprintf(stderr,
                       "odd_figures: a demand shock at step %d; the recomputed contacts would not be exact\n",
                       t);
          return 2;
        }
      const int year = t / steps_per_year;
      for (std::size_t i = 0; i < r.size(); ++i) {
        const int band = age_band_of(r.age[i]);
        const double lambda =
            demand_rate(s.demand, r.need[i], band, (r.flags[i] & Residents::kOhc) != 0) * step_weeks;
        const double u = CounterRng::to_unit(
            sim.rng.resident_word(Stream::demand, r.global(i), static_cast<std::uint32_t>(t)));
        const int contacts = poisson_from_uniform(lambda, u);
        contacts_in_band[band] += contacts;
        if (contacts > 0 && year < 8) had_contact[i] |= static_cast<std::uint8_t>(1u << year);
      }
      // The queue ring: slot k holds the cohort that arrived at the latest step s <= t with s = k mod L.
      const int L = sim.queue_steps;
      for (const Producer& p : sim.producers)
        for (int slot = 0; slot < L; ++slot) {
          std::int64_t waiting = 0;
          for (int level = 0; level < kNeedLevels; ++level)
            waiting += p.queue[static_cast<std::size_t>(slot) * kNeedLevels + level];
          if (waiting > 0) oldest_cohort_steps = std::max(oldest_cohort_steps, ((t - slot) % L + L) % L);
        }
    }

    const double years = steps * static_cast<double>(s.time.step_days) / 365.25;
    std::printf("scenario %s, %zu residents, %d steps of %d days, seed %llu\n", s.name.c_str(), r.size(),
                steps, static_cast<int>(s.time.step_days), static_cast<unsigned long long>(s.seed));
    std::printf("contacts per resident-year by age band (ODD 7.2):\n");
    double all_contacts = 0, all_residents = 0;
    for (int b = 0; b < kAgeBands; ++b) {
      std::printf("  %-6s %.2f\n", std::string(kAgeBandNames[b]).c_str(),
                  contacts_in_band[b] / (residents_in_band[b] * years));
      all_contacts += contacts_in_band[b];
      all_residents += residents_in_band[b];
    }
    std::printf("  all    %.2f  (%.0f contacts)\n", all_contacts / (all_residents * years), all_contacts);
    std::printf("oldest non-empty queue cohort at any producer and step (ODD 7.3.3): %d steps (%.0f weeks)\n",
                oldest_cohort_steps, oldest_cohort_steps * step_weeks);
    std::printf("residents with no contact (ODD 10.2):\n");
    for (int y = 0; y < std::min(8, steps / steps_per_year); ++y) {
      double none = 0;
      for (const std::uint8_t bits : had_contact) none += (bits >> y & 1u) == 0;
      std::printf("  year %d: %.1f %%\n", y + 1, 100.0 * none / static_cast<double>(r.size()));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "odd_figures: %s\n", e.what());
    return 2;
  }
}

// M5's systematic utility (phases/choice_utility.hpp), the one definition that the choice
// phase's rankings and the market's entry forecast share: its terms follow the model text
// (docs/ODD.md 7.5.3); the forecast's probabilities are the closed-form multinomial logit of it
// (ODD 7.5.5); and a ranking orders the consideration set by it plus the resident's Gumbel noise.
#include "valinta/phases/choice_utility.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "support/test_support.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/market.hpp"
#include "valinta/run/simulation.hpp"

namespace valinta {
namespace {

// V = b_travel T + b_fee fee + b_digital digital literacy + [informed] (b_wait W + b_quality Q)
//   + C(private) + [current] inertia, with the default coefficients written out.
TEST(ChoiceUtility, SystematicUtilityAddsTheTermsOfTheModelText) {
  // The declared defaults: b_travel -0.15, b_fee -0.05, b_digital 1, b_wait -0.5, b_quality 0.3, inertia 3.
  const ChoiceParams c = Scenario().choice;
  UtilityInputs in;
  in.travel_min = 10;
  in.fee_eur = 20;
  in.digital = 0.5;
  in.literacy = 0.8;
  in.wait_weeks = 2;
  in.quality = 1;
  in.income_decile = 8;
  in.age = 80;
  const double access = -0.15 * 10 - 0.05 * 20 + 1.0 * 0.5 * 0.8;
  const double seen = -0.5 * 2 + 0.3 * 1;
  EXPECT_NEAR(systematic_utility(c, in), access + seen, 1e-12);
  in.informed = false;  // rules.information: none - waits and quality are not seen
  EXPECT_NEAR(systematic_utility(c, in), access, 1e-12);
  in.is_private = true;  // income slope x (8 - 5.5), and the 75+ constant
  EXPECT_NEAR(systematic_utility(c, in), access + 0.05 * 2.5 - 1.0, 1e-12);
  in.employed = true;  // employed but not of working age: no employed constant
  EXPECT_NEAR(systematic_utility(c, in), access + 0.05 * 2.5 - 1.0, 1e-12);
  in.age = 40;
  EXPECT_NEAR(systematic_utility(c, in), access + 0.05 * 2.5 + 0.3, 1e-12);
  in.current = true;
  EXPECT_NEAR(systematic_utility(c, in), access + 0.05 * 2.5 + 0.3 + 3.0, 1e-12);
  // The private constant's parts, on their own and added to a utility, are the same numbers.
  const PrivateConstant k = private_constant_parts(c, 3, 76, true);
  EXPECT_NEAR(private_constant(c, k), 0.05 * -2.5 - 1.0, 1e-15);
  EXPECT_NEAR(add_private_constant(c, k, 1.0), 1.0 + 0.05 * -2.5 - 1.0, 1e-15);
}

// Two pilot zones with a public station each, a private clinic near A's centre and a private
// digital-first unit beyond max_travel_min; two chains (private and third sector) whose closed
// units wait at every zone centre (market.min_zone_population is low), so a site has two slots.
std::string utility_yaml(const std::string& information) {
  return "name: utility\n"
         "time: {start_date: 2017-02-01, steps: 52, step_days: 7}\n"
         "zones:\n"
         "  - {name: A, population: 6000, lat: 62.24, lon: 25.75, spread_km: 12}\n"
         "  - {name: B, population: 3000, lat: 62.40, lon: 26.43, spread_km: 8}\n"
         "pilot: {zones: [A, B]}\n"
         "rules: {information: " +
         information +
         "}\n"
         "choice: {inertia: 2, max_travel_min: 25}\n"
         "market: {enabled: true, min_zone_population: 2000}\n"
         "chains:\n"
         "  - {name: Chain, sector: private, quality: 0.5, digital: 0.8}\n"
         "  - {name: Coop, sector: third_sector, quality: -0.2, digital: 0.3}\n"
         "producers:\n"
         "  - {name: StationA, zone: A, digital: 0.2}\n"
         "  - {name: StationB, zone: B, quality: -0.4}\n"
         "  - {name: Clinic, sector: private, zone: A, lat: 62.25, lon: 25.76, quality: 1}\n"
         "  - {name: Online, sector: private, zone: A, lat: 62.36, lon: 25.60, digital_first: true,\n"
         "     quality: 0.8, digital: 1.0}\n";
}

// Waits as if published, different for every open producer.
void publish_waits(Simulation& sim) {
  for (std::size_t j = 0; j < sim.producers.size(); ++j)
    if (sim.producers[j].active) sim.producers[j].published_wait_weeks = 0.3 + 0.7 * static_cast<double>(j);
}

// The utility of producer k to resident i as ODD 7.5.5 has the forecast see it: a closed unit of
// `slots` with no wait, every producer's true quality, inertia for the current producer.
UtilityInputs forecast_view(const Simulation& sim, std::size_t i, std::size_t k, bool candidate) {
  const Residents& r = sim.residents;
  const Producer& p = sim.producers[k];
  UtilityInputs in;
  in.travel_min = travel_minutes(sim.scenario.choice, place(r.lat[i], r.lon[i]), p.place);
  in.fee_eur = expected_fee(sim, k);
  in.digital = p.spec.digital;
  in.is_private = p.sector == Sector::private_sector;
  in.informed = sim.scenario.choice.information != Information::none;
  in.wait_weeks = candidate ? 0.0 : p.published_wait_weeks;
  in.quality = p.spec.quality;
  in.literacy = r.literacy[i] / 255.0;
  in.income_decile = r.income_decile[i];
  in.age = r.age[i];
  in.employed = (r.flags[i] & Residents::kEmployed) != 0;
  in.current = k == r.listed[i];
  return in;
}

// Whether resident i considers producer k at `travel` minutes (ODD 7.5.3): within
// max_travel_min, digital-first, or the current producer.
bool considers(const Simulation& sim, std::size_t i, std::size_t k, double travel) {
  return travel <= sim.scenario.choice.max_travel_min || sim.producers[k].spec.digital_first ||
         k == sim.residents.listed[i];
}

// For each site (the chains' closed units at one zone centre) and each sampled resident, the
// forecast's probability of each slot is exp(V_slot) / (exp(V_slot) + sum over the open
// producers considered of exp(V)), V = systematic_utility, to 1e-12 relative; under every
// information regime.
TEST(ChoiceUtility, ForecastProbabilitiesAreTheLogitOfTheSystematicUtility) {
  for (const std::string information : {"transparent", "word_of_mouth", "none"}) {
    const Scenario s = test::scenario_from_yaml(utility_yaml(information));
    Simulation sim(s, {51, 0, 1});
    publish_waits(sim);
    const ChoiceParams& c = sim.scenario.choice;
    const Residents& r = sim.residents;
    std::vector<std::vector<std::size_t>> sites(sim.zones.size());
    for (std::size_t j = 0; j < sim.producers.size(); ++j)
      if (sim.producers[j].chain >= 0) sites[sim.producers[j].zone].push_back(j);
    ASSERT_EQ(sites[0].size(), 2u);
    ASSERT_EQ(sites[1].size(), 2u);
    const ForecastInputs inputs = forecast_inputs(sim);
    std::int64_t compared = 0, private_aged = 0, private_employed = 0, current_open = 0;
    for (const std::vector<std::size_t>& slots : sites) {
      for (std::size_t i = 0; i < r.size(); i += 7) {
        std::vector<double> got(slots.size());
        choice_probabilities(sim, inputs, i, slots, got.data());
        // The open producers considered, then each slot.
        double open_total = 0;
        for (const std::uint16_t k : sim.zones[r.zone[i]].candidates) {
          const Producer& p = sim.producers[k];
          if (!p.active) continue;
          const UtilityInputs in = forecast_view(sim, i, k, false);
          if (!considers(sim, i, k, in.travel_min)) continue;
          open_total += std::exp(systematic_utility(c, in));
          private_aged += in.is_private && in.age >= 75;
          private_employed += in.is_private && in.employed && in.age >= 18 && in.age < 65;
          current_open += in.current;
        }
        const std::vector<std::uint16_t>& candidates = sim.zones[r.zone[i]].candidates;
        for (std::size_t slot = 0; slot < slots.size(); ++slot) {
          const std::size_t k = slots[slot];
          double want = 0;
          if (std::find(candidates.begin(), candidates.end(), k) != candidates.end()) {
            const UtilityInputs in = forecast_view(sim, i, k, true);
            if (considers(sim, i, k, in.travel_min)) {
              const double own = std::exp(systematic_utility(c, in));
              want = own / (own + open_total);
            }
          }
          ASSERT_NEAR(got[slot], want, 1e-12 * want)
              << information << ": resident " << i << ", slot producer " << k;
          compared += want > 0;
        }
      }
    }
    // Every term is exercised: slots in reach, the private constants, inertia.
    EXPECT_GT(compared, 1000) << information;
    EXPECT_GT(private_aged, 10) << information;
    EXPECT_GT(private_employed, 100) << information;
    EXPECT_GT(current_open, 1000) << information;
  }
}

// A ranking orders the resident's consideration set by systematic_utility (with the published
// wait and quality, inertia when asked for) plus the resident's Gumbel noise of the step: candidate
// m's noise from word m % 4 of slot m / 4 of the choice_noise stream.
TEST(ChoiceUtility, RankingsOrderBySystematicUtilityPlusNoise) {
  const Scenario s = test::scenario_from_yaml(utility_yaml("transparent"));
  Simulation sim(s, {52, 0, 1});
  publish_waits(sim);
  const ChoiceParams& c = sim.scenario.choice;
  const Residents& r = sim.residents;
  std::vector<std::uint32_t> noise;
  std::int64_t ranked = 0;
  for (std::size_t i = 0; i < r.size(); i += 5) {
    const std::vector<std::uint16_t>& candidates = sim.zones[r.zone[i]].candidates;
    const auto slots = static_cast<std::uint32_t>((candidates.size() + 3) / 4);
    noise.resize(4 * static_cast<std::size_t>(slots));
    sim.rng.slot_bits(Stream::choice_noise, r.global(i), static_cast<std::uint32_t>(sim.t), slots,
                      noise.data());
    for (const bool with_inertia : {false, true}) {
      std::vector<std::pair<double, std::uint16_t>> scored;
      for (std::size_t m = 0; m < candidates.size(); ++m) {
        const std::uint16_t k = candidates[m];
        const Producer& p = sim.producers[k];
        if (!p.active) continue;
        UtilityInputs in = forecast_view(sim, i, k, false);
        if (!considers(sim, i, k, in.travel_min)) continue;
        in.quality = p.published_quality;
        in.current = with_inertia && k == r.listed[i];
        scored.emplace_back(systematic_utility(c, in) + gumbel_from_uniform(CounterRng::to_unit(noise[m])),
                            k);
      }
      std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      });
      std::vector<std::uint16_t> want;
      for (const auto& [u, k] : scored) want.push_back(k);
      ASSERT_EQ(rank_producers(sim, i, with_inertia), want)
          << "resident " << i << ", inertia " << with_inertia;
      ranked += static_cast<std::int64_t>(want.size() > 1);
    }
  }
  EXPECT_GT(ranked, 1000);
}

}  // namespace
}  // namespace valinta

// Each default is stated once, in the parameter's declaration: a default-constructed Scenario
// (and each list entry: producer, event, chain, zone) holds the declared defaults, the same
// values a scenario file that leaves them out gets.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/test_support.hpp"
#include "valinta/model/scenario.hpp"
#include "valinta/scenario/params.hpp"

namespace valinta {
namespace {

using Values = std::vector<std::pair<std::string, std::string>>;

// Each declared parameter of `value`, by key, as Param::value_text renders it.
template <class T>
Values values_of(const T& value, void (*declare)(ParamRegistry&, T&)) {
  T bound;
  ParamRegistry registry;
  declare(registry, bound);
  bound = value;  // the registry's pointers now read a copy of `value`
  Values out;
  for (const Param& p : registry.params()) out.emplace_back(p.key, p.value_text());
  return out;
}

// Each declared parameter's default, by key, as the declaration renders it.
template <class T>
Values declared_defaults(void (*declare)(ParamRegistry&, T&)) {
  T bound;
  ParamRegistry registry;
  declare(registry, bound);
  Values out;
  for (const Param& p : registry.params()) out.emplace_back(p.key, p.default_text);
  return out;
}

void expect_same(const Values& got, const Values& expected) {
  ASSERT_EQ(got.size(), expected.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    EXPECT_EQ(got[k].first, expected[k].first);
    EXPECT_EQ(got[k].second, expected[k].second) << got[k].first;
  }
}

TEST(Defaults, ADefaultScenarioHoldsTheDeclaredDefaults) {
  expect_same(values_of(Scenario(), declare_scenario_params), declared_defaults(declare_scenario_params));
  EXPECT_GT(values_of(Scenario(), declare_scenario_params).size(), 80u);
}

TEST(Defaults, DefaultListEntriesHoldTheDeclaredDefaults) {
  expect_same(values_of(ProducerSpec(), declare_producer_fields), declared_defaults(declare_producer_fields));
  expect_same(values_of(EventSpec(), declare_event_fields), declared_defaults(declare_event_fields));
  expect_same(values_of(ChainSpec(), declare_chain_fields), declared_defaults(declare_chain_fields));
  expect_same(values_of(ZoneSpec(), declare_zone_fields), declared_defaults(declare_zone_fields));
}

// A scenario file that gives only what it must (a zone) and a producer with only its required
// fields: every other parameter and field is what the default-constructed struct holds.
TEST(Defaults, AMinimalScenarioFileGivesTheDefaultScenario) {
  const Scenario loaded = load_scenario_text(
      "zones:\n"
      "  - {name: A, population: 1000, lat: 62.24, lon: 25.75}\n"
      "producers:\n"
      "  - {name: P, zone: A}\n",
      std::filesystem::path(VALINTA_TEST_DIR) / "minimal.yaml");
  expect_same(values_of(loaded, declare_scenario_params), values_of(Scenario(), declare_scenario_params));
  ASSERT_EQ(loaded.producers.size(), 1u);
  ProducerSpec expected;
  expected.name = "P";
  expected.zone = "A";
  expect_same(values_of(loaded.producers[0], declare_producer_fields),
              values_of(expected, declare_producer_fields));
}

}  // namespace
}  // namespace valinta

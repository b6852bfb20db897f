// Runs a scenario with the installed engine library and prints its summary:
//   consumer SCENARIO.yaml [STEPS]
#include <cstdio>
#include <string>

#include "valinta/input/loader.hpp"
#include "valinta/output/results.hpp"
#include "valinta/run/run_loop.hpp"
#include "valinta/run/simulation.hpp"
#include "valinta/version.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: consumer SCENARIO.yaml [STEPS]\n");
    return 2;
  }
  std::vector<std::string> sets = {"population.scale=0.05"};
  if (argc > 2) sets.push_back(std::string("time.steps=") + argv[2]);
  try {
    const valinta::Scenario scenario = valinta::load_scenario(argv[1], sets);
    valinta::Simulation sim(scenario, valinta::RunOptions{20170201, 0, 1});
    valinta::run_to_end(sim);
    std::printf("valinta %s\n%s", valinta::kVersion,
                valinta::format_summary(valinta::summarise(sim)).c_str());
  } catch (const valinta::ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}

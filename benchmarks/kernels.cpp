// Micro-benchmarks of the hot resident kernels (Google Benchmark): one phase of one step over
// the residents of a region of about 270,000 (the default scenario), timed per resident.
//   build/release/benchmarks/valinta_kernels --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <memory>

#include "valinta/input/loader.hpp"
#include "valinta/phases/choice.hpp"
#include "valinta/phases/demand.hpp"
#include "valinta/phases/needs.hpp"
#include "valinta/phases/service.hpp"
#include "valinta/run/simulation.hpp"

namespace {

// The default scenario after a few steps (queues and lists in motion), shared by the benchmarks.
valinta::Simulation& warmed_up(int threads) {
  static std::unique_ptr<valinta::Simulation> sim;
  static int sim_threads = -1;
  if (!sim || sim_threads != threads) {
    static const valinta::Scenario scenario = valinta::load_scenario(valinta::default_scenario_path());
    sim = std::make_unique<valinta::Simulation>(scenario, valinta::RunOptions{1, 0, threads});
    for (int k = 0; k < 8; ++k) sim->step();
    sim_threads = threads;
  }
  return *sim;
}

template <void (*Phase)(valinta::State&)>
void phase(benchmark::State& state) {
  valinta::Simulation& sim = warmed_up(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    sim.flows.reset(sim.producers.size(), sim.zones.size(), static_cast<std::size_t>(sim.queue_steps));
    Phase(sim);
  }
  state.counters["residents/s"] = benchmark::Counter(static_cast<double>(sim.residents.size()),
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void whole_step(valinta::State& sim) { static_cast<valinta::Simulation&>(sim).step(); }

// A step's demand and service together (service reads the arrivals demand queued).
void demand_and_service(valinta::State& sim) {
  valinta::run_demand(sim);
  valinta::run_service(sim);
}

}  // namespace

// The needs phase runs M1 needs, M8 plans and M2 demand in one pass over the residents; demand is
// also timed on its own.
BENCHMARK(phase<valinta::run_needs>)->Name("needs pass")->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(phase<valinta::run_demand>)->Name("demand")->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(phase<demand_and_service>)->Name("demand+service")->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(phase<valinta::run_choice>)->Name("choice")->Arg(1)->Arg(2)->UseRealTime();
BENCHMARK(phase<whole_step>)->Name("whole step")->Arg(1)->Arg(2)->UseRealTime();

BENCHMARK_MAIN();

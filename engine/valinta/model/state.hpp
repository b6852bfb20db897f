#pragma once
// The state of a run (data only): the scenario in force, the residents, producers and zones, this
// step's flows and the indicator series so far. The phases (phases/) read and change it; the run
// (run/simulation.hpp) builds it and steps it.
#include <omp.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "valinta/model/flows.hpp"
#include "valinta/model/organiser.hpp"
#include "valinta/model/population.hpp"
#include "valinta/model/producers.hpp"
#include "valinta/model/recorder.hpp"
#include "valinta/model/scenario.hpp"
#include "valinta/model/types.hpp"
#include "valinta/model/zone.hpp"
#include "valinta/parallel/comm.hpp"
#include "valinta/util/rng.hpp"

namespace valinta {

struct RunOptions {
  std::uint64_t seed = 1;
  std::uint32_t replication = 0;
  int threads = 0;  // 0: OpenMP's default
};

struct State {
  State(const Scenario& s, RunOptions opts)
      : scenario(s), initial(s), options(opts), rng(opts.seed, opts.replication) {}

  Scenario scenario;  // a copy: scheduled rule changes modify it during the run
  Scenario initial;   // the scenario as the run started (checkpoints rebuild from it)
  RunOptions options;
  CounterRng rng;
  int t = 0;            // the current step
  int queue_steps = 0;  // length of the cohort ring
  double risk_normaliser = 1.0;
  double workforce_free_fte = 0;       // staff in the region not employed by any producer (M7)
  std::vector<std::string> event_log;  // dated, readable record of scheduled and market events

  // The processes of the run: this one holds the residents of zones [first_zone, end_zone)
  // (parallel/partition.hpp); zones and producers are the same on every rank.
  const parallel::Comm* comm = &parallel::Comm::world();
  std::size_t first_zone = 0, end_zone = 0;

  std::vector<Zone> zones;
  std::vector<Producer> producers;
  Residents residents;
  // This process's residents by producer and capitation risk cell ([producer * kRiskCells + cell],
  // phases/payment.hpp), kept current as needs and listings change.
  std::vector<std::int64_t> risk_cells;
  // All processes' risk_cells, summed by the payment phase: kept from step to step, as a fresh
  // megabyte every step is slow to allocate and to communicate under MPI.
  std::vector<std::int64_t> risk_cells_all;
  // This process's residents listed somewhere other than their home station, by their zone and
  // that producer's sector ([zone * kSectors + sector], phases/record.hpp), kept current as
  // listings and home stations change.
  std::vector<std::int64_t> away_from_home;
  // This process's households: (guardian, minor) by local index, sorted by guardian. A minor's
  // listing follows the guardian's choice (phases/choice.cpp); both live in the same zone.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> minors_of;
  StepFlows flows;
  OrganiserState organiser;  // the organiser's follow-up of its service promise (M10)
  Recorder recorder;

  bool pilot_active() const { return t >= scenario.pilot_start_step && t < scenario.pilot_end_step; }
  int threads() const { return options.threads > 0 ? options.threads : default_threads(); }
  static int default_threads() { return omp_get_max_threads(); }  // all cores, or OMP_NUM_THREADS
  // Residents of the whole run (this rank holds residents.size() of them).
  std::int64_t population_size() const {
    std::int64_t n = 0;
    for (const Zone& z : zones) n += z.n_residents;
    return n;
  }
  // Whether this rank holds zone z's residents, and the local index of its first one.
  bool holds_zone(std::size_t z) const { return z >= first_zone && z < end_zone; }
  std::size_t local_first(const Zone& zone) const { return zone.first_resident - residents.offset; }
};

}  // namespace valinta

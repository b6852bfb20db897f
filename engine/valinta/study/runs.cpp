#include "valinta/study/runs.hpp"

#include <algorithm>
#include <exception>

#include "valinta/run/run_loop.hpp"

namespace valinta {

namespace {

// The series of a finished run in ordinary heap memory, exactly as long as their rows: the run's
// arena (allocated for speed while it records, in huge pages) is released with the run, so that a
// batch of many runs keeps only their data.
std::vector<Recorder::Series> compact(std::vector<Recorder::Series> series) {
  std::pmr::memory_resource* const heap = std::pmr::new_delete_resource();
  std::vector<Recorder::Series> out;
  out.reserve(series.size());
  for (const Recorder::Series& s : series)
    out.push_back(
        Recorder::Series{.storage = nullptr,
                         .name = s.name,
                         .dims = s.dims,
                         .units = s.units,
                         .long_name = s.long_name,
                         .integer = s.integer,
                         .real = std::pmr::vector<double>(s.real.begin(), s.real.end(), heap),
                         .count = std::pmr::vector<std::int64_t>(s.count.begin(), s.count.end(), heap),
                         .row_length = s.row_length});
  return out;
}

}  // namespace

std::int64_t kept_bytes(const RunRecord& record) {
  std::int64_t bytes = static_cast<std::int64_t>(sizeof record + record.error.size()), largest = 0;
  for (const Recorder::Series& s : record.series) {
    bytes += static_cast<std::int64_t>(sizeof s + s.name.size() + s.units.size() + s.long_name.size());
    const auto rows = static_cast<std::int64_t>(s.real.capacity() * sizeof(double) +
                                                s.count.capacity() * sizeof(std::int64_t));
    bytes += rows;
    largest = std::max(largest, rows);
    for (const std::string& d : s.dims) bytes += static_cast<std::int64_t>(sizeof d + d.size());
  }
  bytes += 2 * largest;
  for (const auto* rows : {&record.package.by_region, &record.package.by_producer})
    for (const std::vector<double>& row : *rows)
      bytes += static_cast<std::int64_t>(sizeof row + row.capacity() * sizeof(double));
  for (const std::string& line : record.event_log)
    bytes += static_cast<std::int64_t>(sizeof line + line.size());
  return bytes;
}

RunRecord run_and_record(const Scenario& scenario, const RunOptions& options, bool keep_setup,
                         const RunHooks& hooks) {
  RunRecord out;
  try {
    Simulation sim(scenario, options);
    if (const int signal = run_to_end(sim, hooks); signal != 0) throw RunsStopped{signal};
    out.summary = summarise(sim);
    out.package = service_package(sim);
    if (keep_setup) out.setup = describe_setup(sim);  // reads the number of steps recorded
    out.series = compact(sim.recorder.take_series());
    out.event_log = std::move(sim.event_log);
    out.phase_seconds = sim.phase_seconds;
    out.setup_seconds = sim.setup_seconds;
    out.ok = true;
  } catch (const RunsStopped&) {
    throw;
  } catch (const std::exception& e) {
    out.ok = false;
    out.error = e.what();
  }
  return out;
}

}  // namespace valinta

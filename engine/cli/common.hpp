#pragma once
// What the commands of the CLI share: exit codes, stop signals, output names, the memory check
// and the phase profile.
#include <array>
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "valinta/model/scenario.hpp"
#include "valinta/output/h5_file.hpp"
#include "valinta/parallel/comm.hpp"
#include "valinta/run/simulation.hpp"
#include "valinta/util/target_file.hpp"

namespace valinta::cli {

constexpr int kExitFailure = 1;   // a failure while running or writing
constexpr int kExitBadInput = 2;  // bad input; nothing written

// SIGINT and SIGTERM ask a run to stop after the current step; the signal number, 0 if none.
extern std::atomic<int> g_signal;
void catch_stop_signals();
void default_stop_signals();
const char* signal_name(int sig);

std::string command_line(int argc, char** argv);

// Writes `text` to `target` the way results files are written: a temporary file beside it,
// synced, then moved there whole (TargetFile::install). On any failure the temporary file is
// removed and the exception (std::runtime_error or TargetChanged) passes on.
void write_text_file(TargetFile& target, const std::string& text);

// results/<name>-<UTC time>.h5, numbered if that exists already; the directory is created.
std::filesystem::path default_output(const std::string& name);

// The exit code every rank agrees on after a check that may fail on some ranks: 0 if none failed,
// else kExitBadInput if any rank found bad input, else kExitFailure. `error` is this rank's
// message ("" if none); it is printed once.
int agree(const parallel::Comm& comm, const std::string& error, int code = kExitBadInput);
// The signal that stopped any rank (0: none), the same on every rank (a collective).
int stop_signal(const parallel::Comm& comm);

// Rank 0 opens the output file (the other ranks write nothing); every rank gets the same exit
// code: 0, or the code of the failure (an existing file without --overwrite, an unwritable path).
// The output may be none of `inputs` (the scenario files, a zones CSV, a checkpoint). A refusal
// (util/target_file.hpp) is bad input.
int open_output(std::optional<output::H5File>& file, const std::filesystem::path& path, bool overwrite,
                const std::vector<std::filesystem::path>& inputs = {});

// False (with a message on stderr, once) if a run of `scenario` cannot fit in memory. A batch of
// many runs (replications, comparisons, sweeps) also keeps the records of `kept_runs` runs until
// it writes its file: `bytes_per_run` each (< 0: as planned from the scenario).
bool fits_in_memory(const Scenario& scenario, int threads, std::int64_t kept_runs = 0,
                    std::int64_t bytes_per_run = -1);

// Wall time per phase and its share, for --profile: the steps' phases, building the run (set-up)
// and the rest (reading the scenario, summarising and writing the results).
std::string format_profile(const std::array<double, kPhaseCount>& seconds, double setup_seconds,
                           double total_seconds);

}  // namespace valinta::cli

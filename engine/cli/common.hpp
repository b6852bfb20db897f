#pragma once
// What the commands of the CLI share: exit codes, stop signals, output names, the memory check
// and the phase profile.
#include <array>
#include <atomic>
#include <filesystem>
#include <string>

#include "valinta/model/simulation.hpp"
#include "valinta/scenario/scenario.hpp"

namespace valinta::cli {

constexpr int kExitFailure = 1;   // a failure while running or writing
constexpr int kExitBadInput = 2;  // bad input; nothing written

// SIGINT and SIGTERM ask a run to stop after the current step; the signal number, 0 if none.
extern std::atomic<int> g_signal;
void catch_stop_signals();
void default_stop_signals();
const char* signal_name(int sig);

std::string command_line(int argc, char** argv);

// results/<name>-<UTC time>.h5, numbered if that exists already; the directory is created.
std::filesystem::path default_output(const std::string& name);

// False (with a message on stderr) if `runs_at_once` runs of `scenario` cannot fit in memory.
bool fits_in_memory(const Scenario& scenario, int threads);

// Wall time per phase and its share, for --profile.
std::string format_profile(const std::array<double, kPhaseCount>& seconds, double total_seconds);

}  // namespace valinta::cli

#include "common.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <ctime>

#include "valinta/model/memory_plan.hpp"

namespace valinta::cli {

std::atomic<int> g_signal{0};

namespace {
extern "C" void on_signal(int sig) { g_signal.store(sig); }
}  // namespace

void catch_stop_signals() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGXFSZ, SIG_IGN);  // over a file-size limit, writes fail with an error we report
}

void default_stop_signals() {
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

const char* signal_name(int sig) { return sig == SIGINT ? "SIGINT" : "SIGTERM"; }

std::string command_line(int argc, char** argv) {
  std::string s;
  for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
  return s;
}

std::filesystem::path default_output(const std::string& scenario_name) {
  namespace fs = std::filesystem;
  // The name, reduced to characters that are safe in a file name.
  std::string name;
  for (const char c : scenario_name)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') && !(name.empty() && c == '.') ? c : '_';
  if (name.empty()) name = "results";
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
  fs::path path = fs::path("results") / fmt::format("{}-{}.h5", name, stamp);
  for (int k = 2; fs::exists(path); ++k) path = fs::path("results") / fmt::format("{}-{}-{}.h5", name, stamp, k);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  return path;
}

bool fits_in_memory(const Scenario& scenario, int threads) {
  const MemoryPlan plan = plan_memory(scenario, threads > 0 ? threads : 2);
  const std::int64_t available = available_memory_bytes();
  if (available > 0 && plan.total() > available) {
    fmt::print(stderr, "error: this run needs about {}, but only {:.0f} MiB of memory is available; "
               "simulate fewer residents (population.scale) or use a larger machine (scenario '{}')\n",
               plan.describe(), static_cast<double>(available) / (1024.0 * 1024.0), scenario.name);
    return false;
  }
  return true;
}

std::string format_profile(const std::array<double, kPhaseCount>& seconds, double total_seconds) {
  double phases = 0;
  for (const double s : seconds) phases += s;
  std::string out = "time per phase (wall clock, all steps):\n";
  for (int k = 0; k < kPhaseCount; ++k)
    out += fmt::format("  {:<10} {:>9.3f} s {:>6.1f} %\n", phase_name(k), seconds[static_cast<std::size_t>(k)],
                       total_seconds > 0 ? 100.0 * seconds[static_cast<std::size_t>(k)] / total_seconds : 0.0);
  out += fmt::format("  {:<10} {:>9.3f} s {:>6.1f} %\n", "set-up, output", total_seconds - phases,
                     total_seconds > 0 ? 100.0 * (total_seconds - phases) / total_seconds : 0.0);
  out += fmt::format("  {:<10} {:>9.3f} s\n", "total", total_seconds);
  return out;
}

}  // namespace valinta::cli

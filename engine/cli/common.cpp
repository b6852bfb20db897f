#include "common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#include "valinta/parallel/comm.hpp"
#include "valinta/run/memory_plan.hpp"
#include "valinta/scenario/diagnostics.hpp"

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
  for (int i = 0; i < argc; ++i) {
    if (i > 0) s += ' ';
    s += argv[i];
  }
  return s;
}

std::filesystem::path default_output(const std::string& scenario_name) {
  namespace fs = std::filesystem;
  // The name, reduced to characters that are safe in a file name.
  std::string name;
  for (const char c : scenario_name)
    name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') &&
                    !(name.empty() && c == '.')
                ? c
                : '_';
  if (name.empty()) name = "results";
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::gmtime(&now));
  fs::path path = fs::path("results") / fmt::format("{}-{}.h5", name, stamp);
  for (int k = 2; fs::exists(path); ++k)
    path = fs::path("results") / fmt::format("{}-{}-{}.h5", name, stamp, k);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  return path;
}

int agree(const parallel::Comm& comm, const std::string& error, int code) {
  const bool failed = !error.empty();
  std::array<std::int64_t, 3> counts = {failed ? 1 : 0, comm.root() && failed ? 1 : 0,
                                        failed && code == kExitBadInput ? 1 : 0};
  comm.sum(counts);
  if (counts[0] == 0) return 0;
  if (failed && (comm.root() || counts[1] == 0))
    fmt::print(stderr, "{}{}\n", comm.root() ? "" : fmt::format("rank {}: ", comm.rank()), error);
  return counts[2] > 0 ? kExitBadInput : kExitFailure;
}

int stop_signal(const parallel::Comm& comm) {
  const int sig = g_signal.load();
  std::array<std::int64_t, 2> seen = {sig == SIGINT ? 1 : 0, sig != 0 && sig != SIGINT ? 1 : 0};
  comm.sum(seen);
  return seen[0] > 0 ? SIGINT : seen[1] > 0 ? SIGTERM : 0;
}

int open_output(std::optional<output::H5File>& file, const std::filesystem::path& path, bool overwrite,
                const std::vector<std::filesystem::path>& inputs) {
  const parallel::Comm& comm = parallel::Comm::world();
  std::string error;
  int code = kExitFailure;
  try {
    if (comm.root()) file.emplace(path, overwrite, inputs);
  } catch (const ScenarioError& e) {
    error = e.what();
    code = kExitBadInput;
  } catch (const TargetRefused& e) {
    error = fmt::format("error: {}", e.what());
    code = kExitBadInput;
  } catch (const std::exception& e) {
    error = fmt::format("error: {}", e.what());
  }
  return agree(comm, error, code);
}

bool fits_in_memory(const Scenario& scenario, int threads, std::int64_t kept_runs,
                    std::int64_t bytes_per_run) {
  const int ranks = parallel::Comm::world().size();
  const MemoryPlan plan = plan_memory(scenario, threads > 0 ? threads : 2, ranks);
  // Before any run has been made, what each keeps is estimated from the plan of its series, with
  // half again for writing them (study/runs.hpp, kept_bytes); afterwards it is measured.
  const std::int64_t per_run = bytes_per_run >= 0 ? bytes_per_run : plan.recorder_bytes * 3 / 2;
  const std::int64_t available = available_memory_bytes();
  const double mib = 1024.0 * 1024.0;
  // Saturating: a million runs of a national scenario must not wrap around.
  const double kept = static_cast<double>(kept_runs) * static_cast<double>(per_run);
  const double total = static_cast<double>(plan.total()) + kept;
  std::string error;
  if (available > 0 && total > static_cast<double>(available)) {
    if (kept_runs > 0)
      error = fmt::format(
          "error: these {} runs need about {:.0f} MiB{}: one run at a time ({}) and the indicator series of "
          "every "
          "run until the file is written ({:.1f} MiB each, {:.0f} MiB in all); only {:.0f} MiB of memory is "
          "available; "
          "use fewer replications or design points, fewer steps, or a larger machine (scenario '{}')",
          kept_runs, total / mib, ranks > 1 ? " per MPI rank" : "", plan.describe(),
          static_cast<double>(per_run) / mib, kept / mib, static_cast<double>(available) / mib,
          scenario.name);
    else
      error = fmt::format(
          "error: this run needs about {}{}, but only {:.0f} MiB of memory is available; "
          "simulate fewer residents (population.scale) or use a larger machine{} (scenario '{}')",
          plan.describe(), ranks > 1 ? " per MPI rank" : "", static_cast<double>(available) / mib,
          ranks > 1 ? " or more ranks" : "", scenario.name);
  }
  return agree(parallel::Comm::world(), error) == 0;
}

std::string format_profile(const std::array<double, kPhaseCount>& seconds, double setup_seconds,
                           double total_seconds) {
  double phases = 0;
  for (const double s : seconds) phases += s;
  static constexpr int kNameWidth = 10;
  const auto line = [total_seconds](const char* name, double s) {
    return fmt::format("  {:<{}} {:>9.3f} s {:>6.1f} %\n", name, kNameWidth, s,
                       total_seconds > 0 ? 100.0 * s / total_seconds : 0.0);
  };
  std::string out = "time per phase (wall clock, all steps):\n";
  for (int k = 0; k < kPhaseCount; ++k)
    if (const char* pass = phase_runs_in(k))
      out += fmt::format("  {:<{}} (in the {} pass)\n", phase_name(k), kNameWidth, pass);
    else
      out += line(phase_name(k), seconds[static_cast<std::size_t>(k)]);
  out += line("set-up", setup_seconds);
  out += line("output", total_seconds - phases - setup_seconds);  // and reading the scenario
  out += fmt::format("  {:<{}} {:>9.3f} s\n", "total", kNameWidth, total_seconds);
  return out;
}

void write_text_file(TargetFile& target, const std::string& text) {
  const std::filesystem::path& tmp = target.temporary();
  try {
    std::FILE* file = std::fopen(tmp.c_str(), "wb");
    if (file == nullptr) throw std::runtime_error("cannot create " + tmp.string());
    const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size() &&
                         std::fflush(file) == 0 && ::fsync(fileno(file)) == 0;
    if (std::fclose(file) != 0 || !written) throw std::runtime_error("cannot write " + tmp.string());
    target.install();
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
}

}  // namespace valinta::cli

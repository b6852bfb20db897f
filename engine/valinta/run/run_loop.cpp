#include "valinta/run/run_loop.hpp"

namespace valinta {

int run_to_end(Simulation& sim, const RunHooks& hooks) {
  const auto stop = [&hooks] { return hooks.stop_requested ? hooks.stop_requested() : 0; };
  if (const int signal = stop(); signal != 0) return signal;
  while (!sim.finished()) {
    sim.step();
    if (hooks.after_step) hooks.after_step(sim);
    if (sim.finished()) break;
    const int signal = stop();
    const bool due = signal != 0 || (hooks.checkpoint_every > 0 && sim.t % hooks.checkpoint_every == 0);
    if (due && hooks.write_checkpoint) hooks.write_checkpoint(sim);
    if (signal != 0) return signal;
  }
  return 0;
}

}  // namespace valinta

#pragma once
// Checkpoints: the complete state of a run at the end of a step, written atomically, from
// which `valinta run --resume` continues to a results file identical to an uninterrupted run.
#include <cstdint>
#include <filesystem>
#include <string>

#include "valinta/model/scenario.hpp"
#include "valinta/run/simulation.hpp"
#include "valinta/util/target_file.hpp"

namespace valinta {

// What is needed to rebuild the run before its state is restored.
struct CheckpointHeader {
  std::string resolved_scenario;  // YAML with every default (reloaded on resume)
  std::string source_text;        // the scenario file as given (kept for the results file)
  std::string source_path;
  std::uint64_t seed = 0;
  std::uint32_t replication = 0;
  std::int64_t step = 0;  // steps completed
};

// The rules for a checkpoint's path (util/target_file.hpp): a new file, or an existing Valinta
// checkpoint (which it replaces); never one of `inputs`, nor any other existing file.
TargetRules checkpoint_rules(std::vector<std::filesystem::path> inputs);
// Whether `path` is a Valinta checkpoint file (by its first bytes; not verified further).
bool is_checkpoint(const std::filesystem::path& path);
// Writes to the target's temporary file, syncs it and moves it onto the target (never replacing
// a file that someone else created or changed meanwhile: TargetChanged).
void write_checkpoint(const Simulation& sim, TargetFile& target);
// Reads and verifies (format, version, checksum) a checkpoint; throws std::runtime_error.
CheckpointHeader read_checkpoint_header(const std::filesystem::path& path);
// The scenario stored in a checkpoint, as it was when the run started.
Scenario checkpoint_scenario(const CheckpointHeader& header);
// Restores the state of `sim` (built from checkpoint_scenario with the same seed).
void restore_checkpoint(Simulation& sim, const std::filesystem::path& path);

}  // namespace valinta

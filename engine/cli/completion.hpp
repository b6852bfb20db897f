#pragma once
// Shell completion for the command line, generated from the CLI's own definition, so it always
// names the subcommands and options the program has (`valinta completion bash`; the build writes
// it to share/bash-completion/completions/valinta).
#include <CLI/CLI.hpp>
#include <string>

namespace valinta::cli {

// A bash completion script for `app`: subcommands first, then each subcommand's options; values
// of options that name files (-o, --checkpoint, --resume) and positional arguments complete as
// file names (scenario arguments as .yaml files and folders, results files as .h5), values of
// --set as the scenario's dotted parameter names.
std::string bash_completion(const CLI::App& app, const std::string& program);

}  // namespace valinta::cli

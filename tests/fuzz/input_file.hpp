#pragma once
// The file a fuzzer of a file reader writes each input to: fuzz-input-PID.yaml in
// $VALINTA_FUZZ_INPUT_DIR (default: the temporary directory), so that paths in the input resolve
// beside it; removed when the fuzzer exits.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace valinta::fuzz {

inline const std::filesystem::path& input_file() {
  static const std::filesystem::path path = [] {
    const char* dir = std::getenv("VALINTA_FUZZ_INPUT_DIR");
    const std::filesystem::path p =
        (dir != nullptr ? std::filesystem::path(dir) : std::filesystem::temp_directory_path()) /
        ("fuzz-input-" + std::to_string(::getpid()) + ".yaml");
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove(input_file(), ec);
    });
    return p;
  }();
  return path;
}

// Writes the input there (aborts, a finding, if it cannot: `who` names the fuzzer).
inline const std::filesystem::path& write_input(const std::uint8_t* data, std::size_t size, const char* who) {
  std::ofstream out(input_file(), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "%s: cannot write the input file\n", who);
    std::abort();
  }
  return input_file();
}

}  // namespace valinta::fuzz

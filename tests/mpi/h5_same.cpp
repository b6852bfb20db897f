// h5_same A B: exit 0 if the results files A and B hold the same data (tests/support/h5_compare.hpp),
// ignoring the root attributes that say how a run was made (created, command_line, threads,
// ranks); otherwise print every difference and exit 1. Used by the MPI tests (tests/mpi/run-compare).
#include <cstdio>

#include "support/h5_compare.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: h5_same A.h5 B.h5\n");
    return 2;
  }
  valinta::test::H5CompareOptions options;
  options.max_reported = 50;
  const std::vector<std::string> differences = valinta::test::h5_differences(argv[1], argv[2], options);
  for (std::size_t i = 0; i < differences.size() && i < options.max_reported; ++i)
    std::fprintf(stderr, "  %s\n", differences[i].c_str());
  if (differences.empty()) {
    std::printf("%s and %s hold the same results\n", argv[1], argv[2]);
    return 0;
  }
  std::fprintf(stderr, "%s and %s differ in %zu places\n", argv[1], argv[2], differences.size());
  return 1;
}

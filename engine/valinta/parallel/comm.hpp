#pragma once
// The one door to distributed memory (docs/architecture.md: `parallel/` hides MPI; nothing else includes
// <mpi.h>). A run is split into ranks that each hold a block of residents; producers are
// replicated, so every rank must reach the same producer state after every phase. The phases
// use only the collectives below, all of which give bit-identical results on every rank and for
// any number of ranks:
//  - sum() adds integer counts (exact, so the order of addition does not matter);
//  - all_gather() concatenates each rank's bytes in rank order, so data that the serial code
//    builds in resident order (switch requests, the market's sample) arrive in that same order
//    when resident blocks follow rank order. Doubles are never reduced: they are gathered and
//    added in the serial order, or computed after the integer counts are summed.
//
// Two implementations, one chosen at build time: comm_serial.cpp (one rank; every collective is
// the identity) and comm_mpi.cpp (Open MPI; CMake option VALINTA_MPI). In the MPI build a
// process that was not started with an initialised Session (the tests, a library user) also
// behaves as one rank.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

namespace valinta::parallel {

class Comm {
 public:
  // The processes of this run (MPI_COMM_WORLD, or one rank without MPI).
  static const Comm& world();

  int rank() const;
  int size() const;
  bool root() const { return rank() == 0; }
  // How many ranks share this rank's machine (its memory), itself included. Collective: every
  // rank calls it.
  int node_size() const;

  // In place, on every rank: values[k] = the sum over ranks of values[k].
  void sum(std::span<std::int64_t> values) const;
  // The same for counts whose sums are known to fit in 32 bits: half the bytes to send.
  void sum(std::span<std::int32_t> values) const;
  std::int64_t sum(std::int64_t value) const {
    sum(std::span<std::int64_t>(&value, 1));
    return value;
  }
  // True on every rank if `ok` is true on every rank (agreeing on errors before going on).
  bool all(bool ok) const { return sum(ok ? 0 : 1) == 0; }

  // Every rank's bytes, concatenated in rank order, on every rank.
  std::vector<std::byte> all_gather(std::span<const std::byte> mine) const;
  template <class T>
  std::vector<T> all_gather(const std::vector<T>& mine) const {
    static_assert(std::is_trivially_copyable_v<T>);
    const std::vector<std::byte> bytes = all_gather(std::as_bytes(std::span<const T>(mine)));
    std::vector<T> out(bytes.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
    return out;
  }

  // Rank `from`'s bytes into every rank's buffer (the same length on every rank).
  void broadcast(std::span<std::byte> bytes, int from = 0) const;
  void barrier() const;
};

// Starts and ends the processes' communication (MPI_Init_thread with MPI_THREAD_FUNNELED and
// MPI_Finalize); one per program, in main, before anything else. Serial, or a process not started
// by an MPI launcher (mpirun, mpiexec, srun): does nothing, and the run is one rank.
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  // The implementation compiled in: "serial" or "mpi".
  static const char* implementation();
};

}  // namespace valinta::parallel

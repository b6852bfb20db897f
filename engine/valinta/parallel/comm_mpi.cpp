// Open MPI behind parallel::Comm (built with VALINTA_MPI). The only file that includes <mpi.h>.
// Collectives are called from the main thread only, between OpenMP regions (MPI_THREAD_FUNNELED).
#include <mpi.h>

#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "valinta/parallel/comm.hpp"

namespace valinta::parallel {

namespace {

// True while MPI is usable: inside a Session (not before MPI_Init or after MPI_Finalize).
bool running() {
  int initialised = 0, finalised = 0;
  MPI_Initialized(&initialised);
  MPI_Finalized(&finalised);
  return initialised && !finalised;
}

// Whether an MPI launcher started this process (mpirun/mpiexec of Open MPI or MPICH, srun with
// PMI or PMIx). A plain `valinta run` does not start MPI at all: an MPI singleton would slow every
// start, install its own handlers and create session files, for nothing.
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

// Open MPI, with every rank of the job on this machine and no point-to-point layer chosen (by
// `--mca pml`, OMPI_MCA_pml or a parameter file): asks for ob1, whose shared-memory transport is
// what ranks on one machine use anyway. Left to itself Open MPI first tries the network layers
// (UCX), which costs every start 0.2 s where there is no such network. Jobs across machines, or
// with any choice of their own, are left as they are.
void prefer_shared_memory() {
  const char* size = std::getenv("OMPI_COMM_WORLD_SIZE");
  const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (size == nullptr || local == nullptr || std::string_view(size) != local) return;
  if (std::getenv("OMPI_MCA_pml") != nullptr) return;
  for (const char* file : {"OMPI_MCA_mca_base_param_files", "OMPI_MCA_param_files"})
    if (std::getenv(file) != nullptr) return;
  setenv("OMPI_MCA_pml", "ob1", 0);
}

void check(int code, const char* what) {
  if (code != MPI_SUCCESS) throw std::runtime_error(std::string("MPI error in ") + what);
}

}  // namespace

const Comm& Comm::world() {
  static const Comm comm;
  return comm;
}

int Comm::rank() const {
  int rank = 0;
  if (running()) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int Comm::size() const {
  int size = 1;
  if (running()) MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

int Comm::node_size() const {
  if (size() == 1) return 1;
  MPI_Comm node = MPI_COMM_NULL;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node),
        "MPI_Comm_split_type");
  int ranks = 1;
  MPI_Comm_size(node, &ranks);
  MPI_Comm_free(&node);
  return ranks;
}

namespace {
template <class T>
void sum_in_place(const Comm& comm, std::span<T> values, MPI_Datatype type) {
  if (comm.size() == 1 || values.empty()) return;
  if (values.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("Comm::sum: too many values for one MPI call");
  check(MPI_Allreduce(MPI_IN_PLACE, values.data(), static_cast<int>(values.size()), type, MPI_SUM,
                      MPI_COMM_WORLD),
        "MPI_Allreduce");
}
}  // namespace

void Comm::sum(std::span<std::int64_t> values) const { sum_in_place(*this, values, MPI_INT64_T); }
void Comm::sum(std::span<std::int32_t> values) const { sum_in_place(*this, values, MPI_INT32_T); }

std::vector<std::byte> Comm::all_gather(std::span<const std::byte> mine) const {
  const int ranks = size();
  if (ranks == 1) return {mine.begin(), mine.end()};
  if (mine.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("Comm::all_gather: more than 2 GiB from one rank");
  const int count = static_cast<int>(mine.size());
  std::vector<int> counts(static_cast<std::size_t>(ranks)), offsets(static_cast<std::size_t>(ranks));
  check(MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
  std::int64_t total = 0;
  for (int k = 0; k < ranks; ++k) {
    offsets[static_cast<std::size_t>(k)] = static_cast<int>(total);
    total += counts[static_cast<std::size_t>(k)];
  }
  if (total > std::numeric_limits<int>::max())
    throw std::length_error("Comm::all_gather: more than 2 GiB in all");
  std::vector<std::byte> out(static_cast<std::size_t>(total));
  check(MPI_Allgatherv(mine.data(), count, MPI_BYTE, out.data(), counts.data(), offsets.data(), MPI_BYTE,
                       MPI_COMM_WORLD),
        "MPI_Allgatherv");
  return out;
}

void Comm::broadcast(std::span<std::byte> bytes, int from) const {
  if (size() == 1 || bytes.empty()) return;
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::length_error("Comm::broadcast: more than 2 GiB");
  check(MPI_Bcast(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, from, MPI_COMM_WORLD), "MPI_Bcast");
}

void Comm::barrier() const {
  if (size() > 1) check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
}

Session::Session(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;  // one rank (Comm sees MPI not running)
  prefer_shared_memory();
  int provided = 0;
  if (MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
    throw std::runtime_error("MPI_Init_thread failed");
  if (provided < MPI_THREAD_FUNNELED) {
    MPI_Finalize();
    throw std::runtime_error(
        "this MPI library cannot be used from a multi-threaded process (MPI_THREAD_FUNNELED)");
  }
}

Session::~Session() {
  if (running()) MPI_Finalize();
}

const char* Session::implementation() { return "mpi"; }

}  // namespace valinta::parallel

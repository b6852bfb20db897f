#include "valinta/util/heap.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace valinta {

// A run allocates and frees blocks of a few hundred kilobytes to tens of megabytes again and
// again (the HDF5 library's conversion buffers, chunks being compressed, per-step tables). By
// default glibc maps each such block afresh and unmaps it when freed, so every use faults its
// pages in anew: some 10 microseconds per 4 KiB page under a hypervisor. Served from the heap
// and kept there when freed, they are faulted in once. (Resident columns map their own memory,
// util/column.hpp; the peak memory is unchanged.)
//
// The heap itself is then set up in huge pages: it grows by 64 MiB at once and that stretch is
// advised for transparent huge pages, so what is allocated there (the scenario's YAML nodes while
// it is read on one thread, the HDF5 library's buffers, per-step tables) faults in 2 MiB at a time
// instead of 4 KiB (a national run: 10,000 -> 7,000 page faults, 2 MiB more peak memory). What
// glibc's own `glibc.malloc.hugetlb=1` tunable does, but that can only be set before the program
// starts. A hint: skipped where the heap is not glibc's (sanitizers) or the kernel declines.
void tune_heap_for_runs() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#if defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  constexpr std::size_t kGrow = std::size_t{64} << 20;
  mallopt(M_TOP_PAD, static_cast<int>(kGrow));
  void* const probe = std::malloc(std::size_t{1} << 20);  // larger than the heap's free top: it grows now
  const auto top = reinterpret_cast<std::uintptr_t>(sbrk(0));
  const std::uintptr_t from = (reinterpret_cast<std::uintptr_t>(probe) + kHuge - 1) / kHuge * kHuge;
  if (probe != nullptr && top > from && top - from <= 2 * kGrow)
    madvise(reinterpret_cast<void*>(from), (top - from) / kHuge * kHuge, MADV_HUGEPAGE);
  std::free(probe);
#endif
#endif
}

}  // namespace valinta

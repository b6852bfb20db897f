#include "valinta/util/column.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace valinta::detail {

namespace {
constexpr std::size_t kPageBytes = 4096;
std::size_t round_up(std::size_t bytes) { return (bytes + kPageBytes - 1) / kPageBytes * kPageBytes; }
}  // namespace

void* map_huge(std::size_t bytes) {
  // Map one huge page more than needed and trim both ends, so that the column starts on a 2 MiB
  // boundary (the kernel places huge pages only at such addresses).
  const std::size_t length = round_up(bytes);
  void* const raw = mmap(nullptr, length + kHugePageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  if (aligned > start) munmap(raw, aligned - start);
  const std::uintptr_t tail = aligned + length, end = start + length + kHugePageBytes;
  if (end > tail) munmap(reinterpret_cast<void*>(tail), end - tail);
#ifdef MADV_HUGEPAGE
  // Whole huge pages only: the tail stays in small pages, so no more memory is resident than the
  // column uses. (A hint: ignored where unsupported.)
  madvise(reinterpret_cast<void*>(aligned), bytes / kHugePageBytes * kHugePageBytes, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void*>(aligned);
}

void unmap_huge(void* p, std::size_t bytes) noexcept { munmap(p, round_up(bytes)); }

}  // namespace valinta::detail

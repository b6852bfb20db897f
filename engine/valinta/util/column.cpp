#include "valinta/util/column.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace valinta::detail {

constexpr std::size_t kPageBytes = 4096;
namespace {
std::size_t round_up(std::size_t bytes) { return (bytes + kPageBytes - 1) / kPageBytes * kPageBytes; }
}  // namespace

void* map_huge(std::size_t bytes) {
  // Map one huge page more than needed and trim both ends, so that the column starts on a 2 MiB
  // boundary (the kernel places huge pages only at such addresses).
  const std::size_t length = round_up(bytes);
  void* const raw =
      mmap(nullptr, length + kHugePageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
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

namespace valinta {

HugeArena::~HugeArena() {
  for (const Mapping& m : mappings_) detail::unmap_huge(m.start, m.bytes);
}

void* HugeArena::do_allocate(std::size_t bytes, std::size_t alignment) {
  if (!mappings_.empty()) {
    Mapping& last = mappings_.back();
    const std::size_t at = (last.used + alignment - 1) / alignment * alignment;
    if (at <= last.bytes && bytes <= last.bytes - at) {
      last.used = at + bytes;
      return static_cast<std::byte*>(last.start) + at;
    }
  }
  // A new mapping, at least 16 MiB (the start is on a 2 MiB boundary, which satisfies any
  // alignment asked of it here).
  map(std::max(std::size_t{16} << 20, bytes));
  mappings_.back().used = bytes;
  return mappings_.back().start;
}

void HugeArena::map(std::size_t bytes) {
  const std::size_t size =
      (bytes + detail::kHugePageBytes - 1) / detail::kHugePageBytes * detail::kHugePageBytes;
  mappings_.push_back({detail::map_huge(size), size, 0});
}

void HugeArena::reserve(std::size_t bytes) {
  if (bytes == 0) return;
  if (!mappings_.empty() && mappings_.back().bytes - mappings_.back().used >= bytes) {
    const Mapping& last = mappings_.back();  // room enough: fault in that much of it
    populate({{static_cast<std::byte*>(last.start) + last.used, bytes}}, threads_);
    return;
  }
  map(bytes);
  populate({{mappings_.back().start, mappings_.back().bytes}}, threads_);
}

void populate(const std::vector<MemoryRange>& ranges, int threads) {
#ifdef MADV_POPULATE_WRITE
  // The ranges' 4 KiB pages in pieces that do not cross a 2 MiB boundary: a huge page each where
  // the range covers it.
  std::vector<MemoryRange> pieces;
  for (const MemoryRange& range : ranges) {
    if (range.bytes == 0) continue;
    const auto start = reinterpret_cast<std::uintptr_t>(range.start);
    const std::uintptr_t end =
        (start + range.bytes + detail::kPageBytes - 1) / detail::kPageBytes * detail::kPageBytes;
    for (std::uintptr_t at = start / detail::kPageBytes * detail::kPageBytes; at < end;) {
      const std::uintptr_t next = std::min(end, (at / detail::kHugePageBytes + 1) * detail::kHugePageBytes);
      pieces.push_back({reinterpret_cast<void*>(at), next - at});
      at = next;
    }
  }
  const auto n = static_cast<std::int64_t>(pieces.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads))
  for (std::int64_t k = 0; k < n; ++k) {
    const MemoryRange& piece = pieces[static_cast<std::size_t>(k)];
    madvise(piece.start, piece.bytes, MADV_POPULATE_WRITE);  // a hint: errors are harmless
  }
#else
  (void)ranges;
  (void)threads;
#endif
}

}  // namespace valinta

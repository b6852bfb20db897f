#pragma once
// Storage for the per-resident arrays (one column of the structure-of-arrays each).
//
// A national run holds some 150 MB of resident state in a few large arrays. Allocated in the
// default 4 KiB pages, filling them costs tens of thousands of page faults (expensive under a
// hypervisor) and the data loops miss the TLB across the whole population at every phase. A
// column of at least one huge page (kHugeBytes) is instead mapped on a 2 MiB boundary and marked
// for transparent huge pages (madvise; the kernel's default mode), so it faults in 2 MiB at a
// time and is covered by a few hundred TLB entries. Where huge pages are off, the hint is ignored
// and the column works as ordinary memory. Elements are value-initialised as in std::vector.
#include <cstddef>
#include <new>
#include <vector>

namespace valinta {

namespace detail {
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
inline constexpr std::size_t kHugeBytes = kHugePageBytes;  // smaller columns: ordinary new
// A mapping of at least `bytes` on a 2 MiB boundary, advised for huge pages; throws std::bad_alloc.
void* map_huge(std::size_t bytes);
void unmap_huge(void* p, std::size_t bytes) noexcept;
}  // namespace detail

template <typename T>
struct ColumnAllocator {
  using value_type = T;
  ColumnAllocator() = default;
  template <typename U>
  ColumnAllocator(const ColumnAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= detail::kHugeBytes) return static_cast<T*>(detail::map_huge(bytes));
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= detail::kHugeBytes) return detail::unmap_huge(p, bytes);
    std::allocator<T>().deallocate(p, n);
  }
  template <typename U>
  bool operator==(const ColumnAllocator<U>&) const noexcept {
    return true;
  }
};

// One per-resident array.
template <typename T>
using Column = std::vector<T, ColumnAllocator<T>>;

}  // namespace valinta

#pragma once
// Storage for the per-resident arrays (one column of the structure-of-arrays each).
//
// A national run holds some 150 MB of resident state in a few large arrays. Allocated in the
// default 4 KiB pages, filling them costs tens of thousands of page faults (expensive under a
// hypervisor) and the data loops miss the TLB across the whole population at every phase. A
// column of at least one huge page (kHugeBytes) is instead mapped on a 2 MiB boundary and marked
// for transparent huge pages (madvise; the kernel's default mode), so it faults in 2 MiB at a
// time and is covered by a few hundred TLB entries. Where huge pages are off, the hint is ignored
// and the column works as ordinary memory.
//
// Storage comes zeroed (a fresh mapping is the kernel's zero pages; smaller storage is cleared),
// and resize does not write the new elements again: a column that grows into fresh storage reads
// zero there, as std::vector would give, without a serial pass over all its memory (the pages
// are then first touched by the threads that fill them). Unlike std::vector, a column shrunk and
// grown again within its capacity keeps its old values; Residents::resize starts from fresh
// columns.
#include <cstddef>
#include <cstring>
#include <memory_resource>
#include <new>
#include <utility>
#include <vector>

namespace valinta {

namespace detail {
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
inline constexpr std::size_t kHugeBytes = kHugePageBytes;  // smaller columns: ordinary new
// A mapping of at least `bytes` on a 2 MiB boundary, advised for huge pages; throws std::bad_alloc.
void* map_huge(std::size_t bytes);
void unmap_huge(void* p, std::size_t bytes) noexcept;
}  // namespace detail

// A stretch of memory to fault in: `bytes` from `start`.
struct MemoryRange {
  void* start;
  std::size_t bytes;
};
// Faults in the pages of all the ranges, on `threads` threads at once, up to one 2 MiB page per
// thread at a time (a range is rounded out to whole 4 KiB pages), without changing what they
// hold. Faulting a page means the kernel clearing it (and, under a hypervisor, often the host
// providing it: milliseconds for a 2 MiB page); threads filling interleaved chunks of fresh columns
// touch the same pages and wait on each other, so a parallel fill is faster into memory faulted in
// this way first. A hint: where the kernel cannot do it
// (MADV_POPULATE_WRITE, Linux 5.14), the pages are faulted in on first use as before.
void populate(const std::vector<MemoryRange>& ranges, int threads);

// The range of a column's elements.
template <typename Vector>
MemoryRange range_of(Vector& v) {
  return {static_cast<void*>(v.data()), v.size() * sizeof(typename Vector::value_type)};
}

template <typename T>
struct ColumnAllocator {
  using value_type = T;
  ColumnAllocator() = default;
  template <typename U>
  ColumnAllocator(const ColumnAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= detail::kHugeBytes) return static_cast<T*>(detail::map_huge(bytes));
    T* const p = std::allocator<T>().allocate(n);
    std::memset(static_cast<void*>(p), 0, bytes);
    return p;
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= detail::kHugeBytes) return detail::unmap_huge(p, bytes);
    std::allocator<T>().deallocate(p, n);
  }
  // Elements made without a value are left as the storage holds them (zero, see above).
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  template <typename U>
  bool operator==(const ColumnAllocator<U>&) const noexcept {
    return true;
  }
};

// One per-resident array.
template <typename T>
using Column = std::vector<T, ColumnAllocator<T>>;

// Memory for many arrays that live as long as one another and are reserved once (the indicator
// series of a run: some forty of a megabyte each on a national run), handed out one after another
// from mappings of whole huge pages. Freeing is a no-op: the mappings go with the arena.
class HugeArena : public std::pmr::memory_resource {
 public:
  // `threads`: how many threads fault in what reserve() maps.
  explicit HugeArena(int threads = 1) : threads_(threads) {}
  HugeArena(const HugeArena&) = delete;
  HugeArena& operator=(const HugeArena&) = delete;
  ~HugeArena() override;

  // Makes room for blocks of `bytes` in all to be handed out next, in one mapping whose huge pages
  // are all faulted in now, on the arena's threads (valinta::populate). Rows written there later
  // land in memory that is there: first touched one 2 MiB page at a time, each page would wait on
  // the kernel clearing it in the serial code that writes the rows.
  void reserve(std::size_t bytes);

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override;
  void do_deallocate(void*, std::size_t, std::size_t) override {}
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }
  void map(std::size_t bytes);  // a new mapping of at least `bytes`, in whole huge pages

  struct Mapping {
    void* start;
    std::size_t bytes;
    std::size_t used;  // handed out, from the start
  };
  int threads_;
  std::vector<Mapping> mappings_;
};

}  // namespace valinta

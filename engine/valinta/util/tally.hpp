#pragma once
// Integer tallies over the residents on all threads: each thread adds into its own table, the
// tables are then added up cell range by cell range on all threads. Integers, so the sums are the
// same for any number of threads.
#include <omp.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace valinta {

// A table of `cells` sums over i = 0 .. n-1, where `add(table, i)` adds resident i's part into
// `table` (a std::vector<std::int64_t> of `cells` zeros at the start of each thread's share).
template <typename Add>
std::vector<std::int64_t> tally(int threads, std::size_t cells, std::int64_t n, Add add) {
  std::vector<std::int64_t> sums(cells, 0);
  std::vector<std::vector<std::int64_t>> tables(static_cast<std::size_t>(threads));
  const auto size = static_cast<std::int64_t>(cells);
#pragma omp parallel num_threads(threads)
  {
    std::vector<std::int64_t>& local = tables[static_cast<std::size_t>(omp_get_thread_num())];
    local.assign(cells, 0);
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) add(local, i);
#pragma omp for schedule(static)
    for (std::int64_t k = 0; k < size; ++k)
      for (const std::vector<std::int64_t>& table : tables)
        if (!table.empty()) sums[static_cast<std::size_t>(k)] += table[static_cast<std::size_t>(k)];
  }
  return sums;
}

}  // namespace valinta

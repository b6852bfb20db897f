#pragma once
// The process's heap, set up for runs: freed blocks kept for reuse, the heap in huge pages.

namespace valinta {

// Once, at the start of a program that runs simulations, before anything large is allocated.
// A hint: where the heap is not glibc's or the kernel declines, nothing changes.
void tune_heap_for_runs();

}  // namespace valinta

#pragma once
// The vector instruction sets the engine's hand-written kernels can use (Philox blocks in
// util/rng.cpp, position lists in util/select.cpp). The best one this processor has is chosen
// once, at run time; every path gives the same numbers, only faster.
namespace valinta::detail {

enum class SimdPath { scalar, avx2, avx512 };

// Whether this processor can run `path` (scalar always can).
bool simd_path_available(SimdPath path);

// The widest available path, capped by the environment variable VALINTA_SIMD=scalar|avx2|avx512
// (for comparing speeds; the results are the same).
SimdPath simd_best_path();

}  // namespace valinta::detail

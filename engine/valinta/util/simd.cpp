#include "valinta/util/simd.hpp"

#include <cstdlib>
#include <string_view>

namespace valinta::detail {

bool simd_path_available(SimdPath path) {
  switch (path) {
    case SimdPath::scalar:
      return true;
#if defined(__x86_64__)
    case SimdPath::avx2:
      return __builtin_cpu_supports("avx2");
    case SimdPath::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
    default:
      return false;
#endif
  }
  return false;
}

SimdPath simd_best_path() {
  static const SimdPath best = [] {
    const char* cap = std::getenv("VALINTA_SIMD");
    const std::string_view wanted = cap ? cap : "avx512";
    if (wanted == "avx512" && simd_path_available(SimdPath::avx512)) return SimdPath::avx512;
    if ((wanted == "avx512" || wanted == "avx2") && simd_path_available(SimdPath::avx2))
      return SimdPath::avx2;
    return SimdPath::scalar;
  }();
  return best;
}

}  // namespace valinta::detail

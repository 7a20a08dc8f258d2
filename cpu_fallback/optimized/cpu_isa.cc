#include "cpu_fallback/optimized/cpu_isa.h"

#include "cpu_fallback/optimized/quant_isa.h"

#include <cstdlib>
#include <cstring>

namespace vkd::opt {

namespace {

CpuIsa Probe() {
  CpuIsa isa = CpuIsa::kPortable;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    isa = CpuIsa::kAvx2;
    if (__builtin_cpu_supports("avx512f")) isa = CpuIsa::kAvx512;
  }
#endif
  if (const char* cap = std::getenv("VKD_CPU_ISA")) {
    CpuIsa limit = isa;
    if (std::strcmp(cap, "portable") == 0) limit = CpuIsa::kPortable;
    if (std::strcmp(cap, "avx2") == 0) limit = CpuIsa::kAvx2;
    if (static_cast<int>(limit) < static_cast<int>(isa)) isa = limit;
  }
  return isa;
}

}  // namespace

CpuIsa DetectedCpuIsa() {
  static const CpuIsa isa = Probe();
  return isa;
}

bool UseAvx512Vnni() {
#if defined(VKD_QUANT_DISPATCH)
  static const bool use = DetectedCpuIsa() == CpuIsa::kAvx512 &&
                          __builtin_cpu_supports("avx512bw") &&
                          __builtin_cpu_supports("avx512vl") &&
                          __builtin_cpu_supports("avx512vnni");
  return use;
#else
  return false;  // a native AVX-512 VNNI build, or not x86-64: no second copy
#endif
}

const char* CpuIsaName(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::kAvx512:
      return "avx512";
    case CpuIsa::kAvx2:
      return "avx2";
    case CpuIsa::kPortable:
      break;
  }
  return "portable";
}

}  // namespace vkd::opt

// The CPU's SIMD level, read once: the one dispatch point for vkdelegate's
// own ISA-specific kernels (XNNPACK dispatches for itself).
//
// VKD_CPU_ISA=portable|avx2|avx512 caps it (never raises it past what the
// CPU has), so CI runs the portable and AVX2 forms on an AVX-512 machine.
#pragma once

namespace vkd::opt {

enum class CpuIsa { kPortable = 0, kAvx2 = 1, kAvx512 = 2 };

// AVX2 means AVX2 + FMA3; AVX512 means AVX-512F on top of those.
CpuIsa DetectedCpuIsa();
const char* CpuIsaName(CpuIsa isa);

}  // namespace vkd::opt

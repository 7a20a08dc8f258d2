// Fuzz target: vkd-bench's .npy reader (header parsing, shapes, sizes).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "bench/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // ReadNpy takes a path: one scratch file per fuzzing process.
  static const std::string path = "/tmp/vkd_fuzz_npy_" + std::to_string(::getpid()) + ".npy";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  (void)vkd::tools::ReadNpy(path);
  return 0;
}

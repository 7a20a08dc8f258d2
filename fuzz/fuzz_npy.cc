// Fuzz target: vkd-bench's .npy parser (header, dtype, shape, sizes).
#include <cstdint>
#include <vector>

#include "bench/npy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)vkd::tools::ParseNpy(std::vector<uint8_t>(data, data + size), "fuzz.npy");
  return 0;
}

#include "cpu_fallback/kernel_registry.h"

namespace vkd::cpu {

void RegisterElementwiseKernels(KernelTable& table) { (void)table; }

}  // namespace vkd::cpu

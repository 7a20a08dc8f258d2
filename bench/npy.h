// NumPy .npy files (format 1.0/2.0, little-endian, C order): vkd-bench's
// input and output format.
#pragma once

#include <string>

#include "bench/host_tensor.h"
#include "common/status.h"

namespace vkd::tools {

StatusOr<HostTensor> ReadNpy(const std::string& path);
Status WriteNpy(const std::string& path, const HostTensor& tensor);

}  // namespace vkd::tools

// NumPy .npy files (format 1.0/2.0, little-endian, C order): vkd-bench's
// input and output format.
#pragma once

#include <string>
#include <vector>

#include "bench/host_tensor.h"
#include "common/status.h"

namespace vkd::tools {

StatusOr<HostTensor> ReadNpy(const std::string& path);
// The same from the file's bytes; `name` names it in errors.
StatusOr<HostTensor> ParseNpy(const std::vector<uint8_t>& bytes, const std::string& name);
Status WriteNpy(const std::string& path, const HostTensor& tensor);

}  // namespace vkd::tools

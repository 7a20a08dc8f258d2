// Reading files whose contents nobody vouches for (caches a user or another
// process may have replaced): only a regular file of bounded size is read,
// and opening never blocks. A FIFO in a cache's place would otherwise hang
// start-up, and a link to /dev/zero would read until memory runs out.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"

namespace vkd {

// The file's bytes. NotFound when it does not exist (the ordinary cache
// miss); InvalidArgument when it is not a regular file or is larger than
// `max_bytes`; Internal on read errors. Opened O_NONBLOCK and checked with
// fstat on the open descriptor, so what is checked is what is read.
StatusOr<std::vector<char>> ReadBoundedRegularFile(const std::string& path, size_t max_bytes);

// True when `path` does not exist or is a regular file: what a cache may
// overwrite (never a FIFO, device or directory someone put in its place).
bool IsRegularFileOrMissing(const std::string& path);

// Where the GPU caches (SPIR-V, pipelines, kernel choices) live unless told
// otherwise: $XDG_CACHE_HOME/vkdelegate/gpu, else ~/.cache/vkdelegate/gpu;
// "" (no disk cache) when neither variable is set.
std::string DefaultGpuCacheDir();

}  // namespace vkd

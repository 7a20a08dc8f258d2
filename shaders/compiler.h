// GLSL compute source -> SPIR-V, with one process-wide shaderc compiler.
//
// Creating a shaderc compiler costs ~55 ms (glslang rebuilds its symbol
// tables), so there is exactly one per process, created on first use and
// guarded by a mutex. The result is checked with spirv-tools' validator and,
// when asked, optimized with spirv-opt's performance passes.
//
// Knows nothing of Vulkan objects: SPIR-V words in, SPIR-V words out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace vkd::shaders {

struct CompileOptions {
  // Run spirv-opt's performance passes after compiling.
  bool optimize = true;
  // Run spirv-val on the result (always on in tests).
  bool validate = true;
  // Target environment: Vulkan 1.1 SPIR-V 1.3 (enough for 16-bit storage and
  // subgroups, accepted by every Vulkan 1.2+ driver).
};

// Compiles `glsl` (a complete compute shader, #version included). `name`
// appears in error messages, which carry glslang's diagnostics with line
// numbers. InvalidArgument on a compile or validation error.
StatusOr<std::vector<uint32_t>> CompileComputeShader(const std::string& glsl,
                                                     const std::string& name,
                                                     const CompileOptions& options);

// spirv-val over a module; the message names the first problem.
Status ValidateSpirv(const std::vector<uint32_t>& spirv, const std::string& name);

// A stable 64-bit hash (FNV-1a) used for cache keys.
uint64_t Fnv1a64(const void* data, size_t bytes, uint64_t seed = 0xcbf29ce484222325ull);

}  // namespace vkd::shaders

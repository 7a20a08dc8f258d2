// KernelSpec -> GLSL compute source, specialization constants and dispatch
// size.
//
// The source depends only on the kernel's structure (template, precision,
// number of bindings, kinds of post-ops, parameter names); every size and
// scalar is a specialization constant. So the 17 depthwise layers of a
// MobileNetV2 share one SPIR-V module and one shaderc compile, while each
// pipeline still gets its constants folded by the driver's compiler.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "shaders/kernel_spec.h"

namespace vkd::shaders {

struct GeneratedShader {
  std::string source;
  // specialization[i] is constant_id i: 0..2 the local size, then the
  // generated constants (int bits or float bits).
  std::vector<uint32_t> specialization;
  uint32_t num_buffers = 0;
  // Binding i -> role: "out", "in0", ..., const buffer names, "opd0", ...
  std::vector<std::string> binding_roles;
  uint32_t groups[3] = {1, 1, 1};
};

// InvalidArgument for an unknown template or an inconsistent spec.
StatusOr<GeneratedShader> GenerateShader(const KernelSpec& spec);

// The names of the GLSL templates compiled into the library.
std::vector<std::string> TemplateNames();

}  // namespace vkd::shaders

// GLSL sources and SPIR-V helpers shared by the shaders/ tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vkd::shaders::testdata {

// out[i] = in[i] + <addend>; a distinct addend gives a distinct module.
inline std::string AddShader(const std::string& addend = "1.0") {
  return "#version 450\n"
         "layout(local_size_x = 64) in;\n"
         "layout(set = 0, binding = 0) readonly buffer In { float in_data[]; };\n"
         "layout(set = 0, binding = 1) writeonly buffer Out { float out_data[]; };\n"
         "layout(push_constant) uniform Params { uint n; } params;\n"
         "void main() {\n"
         "  uint i = gl_GlobalInvocationID.x;\n"
         "  if (i < params.n) out_data[i] = in_data[i] + " +
         addend +
         ";\n"
         "}\n";
}

constexpr uint32_t kSpirvMagic = 0x07230203;
constexpr uint32_t kOpCapability = 17;
constexpr uint32_t kOpDecorate = 71;
constexpr uint32_t kCapabilityFloat16 = 9;
constexpr uint32_t kCapabilityStorageBuffer16BitAccess = 4433;
constexpr uint32_t kDecorationSpecId = 1;

// The operands of every instruction with `opcode` in `spirv`.
inline std::vector<std::vector<uint32_t>> Operands(const std::vector<uint32_t>& spirv,
                                                   uint32_t opcode) {
  std::vector<std::vector<uint32_t>> found;
  for (size_t i = 5; i < spirv.size();) {
    const uint32_t count = spirv[i] >> 16;
    if (count == 0 || i + count > spirv.size()) break;  // malformed; stop rather than loop
    if ((spirv[i] & 0xffff) == opcode) {
      found.emplace_back(spirv.begin() + i + 1, spirv.begin() + i + count);
    }
    i += count;
  }
  return found;
}

// True when `spirv` declares OpCapability `capability`.
inline bool HasCapability(const std::vector<uint32_t>& spirv, uint32_t capability) {
  for (const auto& operands : Operands(spirv, kOpCapability)) {
    if (!operands.empty() && operands[0] == capability) return true;
  }
  return false;
}

}  // namespace vkd::shaders::testdata

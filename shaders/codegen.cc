#include "shaders/codegen.h"

#include <cstring>
#include <sstream>
#include <string>

#include "shaders/embedded_templates.h"

namespace vkd::shaders {

const char* UnaryOpName(UnaryOp op) {
  switch (op) {
#define VKD_UNARY(name, text, glsl) \
  case UnaryOp::name:               \
    return text;
#include "shaders/unary_ops.def"
#undef VKD_UNARY
  }
  return "?";
}

const char* BinaryOpName(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "add";
    case BinaryOp::kSub:
      return "sub";
    case BinaryOp::kMul:
      return "mul";
    case BinaryOp::kDiv:
      return "div";
    case BinaryOp::kMaximum:
      return "maximum";
    case BinaryOp::kMinimum:
      return "minimum";
    case BinaryOp::kSquaredDifference:
      return "squared_difference";
    case BinaryOp::kPrelu:
      return "prelu";
  }
  return "?";
}

namespace {

// Vulkan guarantees at least 65535 workgroups per dimension.
constexpr int64_t kMaxGroupsPerDim = 65535;

uint32_t FloatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

class SourceWriter {
 public:
  explicit SourceWriter(GeneratedShader& out) : out_(out) {}

  void IntConstant(const std::string& name, int32_t value) {
    src_ << "layout(constant_id = " << out_.specialization.size() << ") const int " << name
         << " = 1;\n";
    out_.specialization.push_back(static_cast<uint32_t>(value));
  }
  void FloatConstant(const std::string& name, float value) {
    src_ << "layout(constant_id = " << out_.specialization.size() << ") const float " << name
         << " = 0.0;\n";
    out_.specialization.push_back(FloatBits(value));
  }
  // B, H, W, C as constants and C4 derived, for tensor prefix P.
  void Dims(const std::string& p, const TensorDims& d) {
    IntConstant(p + "_B", d.b);
    IntConstant(p + "_H", d.h);
    IntConstant(p + "_W", d.w);
    IntConstant(p + "_C", d.c);
    src_ << "const int " << p << "_C4 = (" << p << "_C + 3) / 4;\n";
  }
  void Buffer(const std::string& role, const std::string& array, bool writeonly,
              const char* type = "VEC4") {
    src_ << "layout(std430, set = 0, binding = " << out_.num_buffers << ") "
         << (writeonly ? "writeonly" : "readonly") << " restrict buffer Buf" << out_.num_buffers
         << " { " << type << " " << array << "[]; };\n";
    out_.binding_roles.push_back(role);
    ++out_.num_buffers;
  }
  std::ostringstream& src() { return src_; }

 private:
  GeneratedShader& out_;
  std::ostringstream src_;
};

// Offset and broadcasting loads for an activation tensor `p` (prefix of its
// constants) stored in `array`: a dimension of 1 repeats along the output's.
void EmitTensorAccess(std::ostringstream& s, const std::string& fn, const std::string& p,
                      const std::string& array) {
  s << "int " << fn << "_offset(int b, int y, int x, int c4) {\n"
    << "  return ((b * " << p << "_H + y) * " << p << "_W + x) * " << p << "_C4 + c4;\n}\n";
  s << "VEC4 load_" << fn << "(int b, int y, int x, int c4) {\n"
    << "  int o = " << fn << "_offset(" << p << "_B == 1 ? 0 : b, " << p << "_H == 1 ? 0 : y, " << p
    << "_W == 1 ? 0 : x, " << p << "_C4 == 1 ? 0 : c4);\n"
    << "  if (" << p << "_C == 1) return VEC4(" << array << "[o].x);\n"
    << "  return " << array << "[o];\n}\n";
  // One channel (no broadcasting), for templates that gather lanes.
  s << "FLT load_" << fn << "_lane(int b, int y, int x, int c) {\n"
    << "  return " << array << "[" << fn << "_offset(b, y, x, c >> 2)][c & 3];\n}\n";
}

void EmitUnary(std::ostringstream& s, UnaryOp op, int index) {
  std::string glsl;
  switch (op) {
#define VKD_UNARY(name, text, expression) \
  case UnaryOp::name:                     \
    glsl = expression;                    \
    break;
#include "shaders/unary_ops.def"
#undef VKD_UNARY
  }
  // ALPHA: this post-op's own parameter, a specialization constant.
  for (size_t at = glsl.find("ALPHA"); at != std::string::npos; at = glsl.find("ALPHA", at)) {
    const std::string name = "POST" + std::to_string(index) + "_ALPHA";
    glsl.replace(at, 5, name);
    at += name.size();
  }
  s << "  v = " << glsl << ";\n";
}

void EmitBinary(std::ostringstream& s, const PostOp& p) {
  const std::string o = "o";
  const std::string a = p.value_is_rhs ? o : "v";
  const std::string b = p.value_is_rhs ? "v" : o;
  s << "  {\n    VEC4 o = load_opd" << p.operand << "(b, y, x, c4);\n";
  switch (p.op) {
    case BinaryOp::kAdd:
      s << "    v = v + o;\n";
      break;
    case BinaryOp::kMul:
      s << "    v = v * o;\n";
      break;
    case BinaryOp::kSub:
      s << "    v = " << a << " - " << b << ";\n";
      break;
    case BinaryOp::kDiv:
      s << "    v = " << a << " / " << b << ";\n";
      break;
    case BinaryOp::kMaximum:
      s << "    v = max(v, o);\n";
      break;
    case BinaryOp::kMinimum:
      s << "    v = min(v, o);\n";
      break;
    case BinaryOp::kSquaredDifference:
      s << "    v = (v - o) * (v - o);\n";
      break;
    case BinaryOp::kPrelu:
      // PRELU(x, alpha): the chain value is x.
      s << "    v = mix(o * v, v, greaterThanEqual(v, VEC4(0)));\n";
      break;
  }
  s << "  }\n";
}

Status CheckDims(const TensorDims& d, const std::string& what) {
  if (d.b < 1 || d.h < 1 || d.w < 1 || d.c < 1) {
    return InvalidArgumentError(what + ": dimensions must be >= 1");
  }
  return Status::Ok();
}

}  // namespace

std::vector<std::string> TemplateNames() {
  std::vector<std::string> names;
  for (const EmbeddedTemplate* t = kEmbeddedTemplates; t->name != nullptr; ++t) {
    names.push_back(t->name);
  }
  return names;
}

StatusOr<GeneratedShader> GenerateShader(const KernelSpec& spec) {
  const char* body = nullptr;
  for (const EmbeddedTemplate* t = kEmbeddedTemplates; t->name != nullptr; ++t) {
    if (spec.main == t->name) body = t->source;
  }
  if (body == nullptr) {
    return InvalidArgumentError(spec.name + ": no GLSL template '" + spec.main + "'");
  }
  VKD_RETURN_IF_ERROR(CheckDims(spec.out, spec.name + ": output"));
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    VKD_RETURN_IF_ERROR(CheckDims(spec.inputs[i], spec.name + ": input " + std::to_string(i)));
  }
  for (const PostOp& p : spec.post_ops) {
    if (p.binary && (p.operand < 0 || p.operand >= static_cast<int>(spec.operands.size()))) {
      return InvalidArgumentError(spec.name + ": post-op operand " + std::to_string(p.operand) +
                                  " missing");
    }
  }
  if (spec.invocations <= 0 || spec.local_size == 0) {
    return InvalidArgumentError(spec.name + ": empty dispatch");
  }

  GeneratedShader out;
  const int64_t groups = (spec.invocations + spec.local_size - 1) / spec.local_size;
  const int64_t gx = std::min(groups, kMaxGroupsPerDim);
  const int64_t gy = (groups + gx - 1) / gx;
  if (gy > kMaxGroupsPerDim) return InvalidArgumentError(spec.name + ": dispatch too large");
  out.groups[0] = static_cast<uint32_t>(gx);
  out.groups[1] = static_cast<uint32_t>(gy);
  out.specialization = {spec.local_size, 1, 1};

  SourceWriter w(out);
  auto& s = w.src();
  s << "#version 450\n";
  if (spec.precision == Precision::kFp16) {
    s << "#extension GL_EXT_shader_16bit_storage : require\n"
      << "#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require\n"
      << "#define FLT float16_t\n#define VEC4 f16vec4\n";
  } else {
    s << "#define FLT float\n#define VEC4 vec4\n";
  }
  s << "// kernel: " << spec.main << "\n";
  s << "layout(local_size_x_id = 0, local_size_y_id = 1, local_size_z_id = 2) in;\n";
  w.IntConstant("TOTAL", static_cast<int32_t>(spec.invocations));
  w.Dims("OUT", spec.out);
  for (size_t i = 0; i < spec.inputs.size(); ++i) w.Dims("IN" + std::to_string(i), spec.inputs[i]);
  for (size_t i = 0; i < spec.operands.size(); ++i) {
    w.Dims("OPD" + std::to_string(i), spec.operands[i]);
  }
  for (const auto& [name, value] : spec.int_params) w.IntConstant(name, value);
  for (const auto& [name, value] : spec.float_params) w.FloatConstant(name, value);
  for (size_t i = 0; i < spec.post_ops.size(); ++i) {
    if (!spec.post_ops[i].binary && spec.post_ops[i].unary == UnaryOp::kLeakyRelu) {
      w.FloatConstant("POST" + std::to_string(i) + "_ALPHA", spec.post_ops[i].alpha);
    }
  }

  w.Buffer("out", "out_data", /*writeonly=*/true, spec.dense_out ? "float" : "VEC4");
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    const std::string n = "in" + std::to_string(i);
    w.Buffer(n, n + "_data", false, i == 0 && spec.dense_in0 ? "float" : "VEC4");
  }
  for (const std::string& name : spec.const_buffers) w.Buffer(name, name + "_data", false);
  for (size_t i = 0; i < spec.operands.size(); ++i) {
    const std::string n = "opd" + std::to_string(i);
    w.Buffer(n, n + "_data", false);
  }

  // Large dispatches spill into y: flatten back to one id.
  s << "int flat_id() {\n"
    << "  return int(gl_GlobalInvocationID.y * (gl_NumWorkGroups.x * gl_WorkGroupSize.x) +\n"
    << "             gl_GlobalInvocationID.x);\n}\n";
  // The common work split: one output vec4 per invocation, channel blocks
  // fastest (neighbouring invocations touch neighbouring memory).
  s << "bool output_vec4(out int b, out int y, out int x, out int c4) {\n"
    << "  int gid = flat_id();\n"
    << "  b = y = x = c4 = 0;\n"
    << "  if (gid >= TOTAL) return false;\n"
    << "  c4 = gid % OUT_C4;\n"
    << "  int p = gid / OUT_C4;\n"
    << "  x = p % OUT_W;\n"
    << "  p /= OUT_W;\n"
    << "  y = p % OUT_H;\n"
    << "  b = p / OUT_H;\n"
    << "  return true;\n}\n";
  s << "int out_offset(int b, int y, int x, int c4) {\n"
    << "  return ((b * OUT_H + y) * OUT_W + x) * OUT_C4 + c4;\n}\n";
  for (size_t i = 0; i < spec.inputs.size(); ++i) {
    if (i == 0 && spec.dense_in0) continue;
    const std::string n = "in" + std::to_string(i);
    EmitTensorAccess(s, n, "IN" + std::to_string(i), n + "_data");
  }
  for (size_t i = 0; i < spec.operands.size(); ++i) {
    const std::string n = "opd" + std::to_string(i);
    EmitTensorAccess(s, n, "OPD" + std::to_string(i), n + "_data");
  }

  if (spec.main.rfind("depthwise_conv2d", 0) == 0) {
    // The input block depthwise output block c4 reads (both depthwise
    // templates): zero outside the row; with DEPTH_MULTIPLIER > 1, output
    // channel c reads input channel c / DEPTH_MULTIPLIER lane by lane.
    s << "VEC4 dw_load(int b, int iy, int ix, int c4) {\n"
      << "  if (ix < 0 || ix >= IN0_W) return VEC4(0);\n"
      << "  if (DEPTH_MULTIPLIER == 1) return in0_data[in0_offset(b, iy, ix, c4)];\n"
      << "  int c = c4 * 4;\n"
      << "  return VEC4(load_in0_lane(b, iy, ix, min(c / DEPTH_MULTIPLIER, IN0_C - 1)),\n"
      << "              load_in0_lane(b, iy, ix, min((c + 1) / DEPTH_MULTIPLIER, IN0_C - 1)),\n"
      << "              load_in0_lane(b, iy, ix, min((c + 2) / DEPTH_MULTIPLIER, IN0_C - 1)),\n"
      << "              load_in0_lane(b, iy, ix, min((c + 3) / DEPTH_MULTIPLIER, IN0_C - 1)));\n"
      << "}\n";
  }
  s << "VEC4 post_ops(VEC4 v, int b, int y, int x, int c4) {\n";
  for (size_t i = 0; i < spec.post_ops.size(); ++i) {
    const PostOp& p = spec.post_ops[i];
    if (p.binary) {
      EmitBinary(s, p);
    } else {
      EmitUnary(s, p.unary, static_cast<int>(i));
    }
  }
  s << "  return v;\n}\n";
  // Padding lanes of the last channel block are stored as zero (see
  // kernel_spec.h).
  if (!spec.dense_out) {
    s << "void store_out(int b, int y, int x, int c4, VEC4 v) {\n"
      << "  v = post_ops(v, b, y, x, c4);\n"
      << "  if ((OUT_C & 3) != 0 && c4 == OUT_C4 - 1) {\n"
      << "    v.w = FLT(0);\n"
      << "    if ((OUT_C & 3) < 3) v.z = FLT(0);\n"
      << "    if ((OUT_C & 3) < 2) v.y = FLT(0);\n"
      << "  }\n"
      << "  out_data[out_offset(b, y, x, c4)] = v;\n}\n";
  }
  if (!spec.extra_glsl.empty()) s << "// ---- generated by the lowering ----\n" << spec.extra_glsl;
  s << "// ---- template " << spec.main << " ----\n" << body;
  out.source = s.str();
  return out;
}

}  // namespace vkd::shaders

// y[i] = x[i] * kScale + b for i < n. The workgroup size (constant_id 0) and
// the scale (constant_id 1) are specialization constants, b and n push
// constants, so one module tests both mechanisms.
#version 450

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const float kScale = 1.0;

layout(push_constant) uniform Push {
  float b;
  uint n;
} pc;

layout(set = 0, binding = 0) readonly buffer X { float x[]; };
layout(set = 0, binding = 1) writeonly buffer Y { float y[]; };

void main() {
  const uint i = gl_GlobalInvocationID.x;
  if (i < pc.n) y[i] = x[i] * kScale + pc.b;
}

// XNNPACK (Debian's libxnnpack-dev, the library behind TFLite's own XNNPACK
// delegate) as the float backend of the CPU interpreter.
//
// The kernels in kernels/ stay the owners of their ops: they check the node,
// compute shapes and keep the reference kernels as the spec. When a float
// node has constant weights and XNNPACK takes its shape, Prepare creates an
// XNNPACK operator (which packs the weights once) and Eval runs it on the
// interpreter's threads; anything XNNPACK declines keeps vkdelegate's own
// kernels. XNNPACK dispatches on the CPU's ISA at run time (AVX-512F,
// AVX2+FMA3, AVX, SSE2 on x86), so a portable build gets the fast kernels.
//
// VKD_CPU_FLOAT_BACKEND=builtin in the environment turns the backend off
// (tests compare both; bench/compare_cpu.sh measures both routes).
#pragma once

#include <cstddef>

#include "common/status.h"
#include "cpu_fallback/reference/conv.h"
#include "cpu_fallback/thread_pool.h"

typedef struct xnn_operator* xnn_operator_t;

namespace vkd::cpu::xnn {

// True when this build has XNNPACK, it initialized on this CPU and the
// environment did not turn it off. Initializes on first call; thread-safe.
bool Available();

// Why Available() is false ("" when it is true), for logs and reports.
const char* UnavailableReason();

// An XNNPACK operator, deleted with its owner.
class Operator {
 public:
  Operator() = default;
  explicit Operator(xnn_operator_t op) : op_(op) {}
  ~Operator();
  Operator(Operator&& other) noexcept : op_(other.op_) { other.op_ = nullptr; }
  Operator& operator=(Operator&& other) noexcept;
  Operator(const Operator&) = delete;
  Operator& operator=(const Operator&) = delete;

  explicit operator bool() const { return op_ != nullptr; }
  xnn_operator_t get() const { return op_; }

  // True (and remembers the arguments) unless the operator was last set up
  // with exactly these pointers and sizes. Setting up again is not free
  // (parameters, work split, indirection buffers), and the interpreter's
  // arena keeps every pointer fixed from one invoke to the next.
  bool NeedsSetup(const void* input, const void* output, size_t d0, size_t d1, size_t d2);

 private:
  xnn_operator_t op_ = nullptr;
  const void* setup_input_ = nullptr;
  const void* setup_output_ = nullptr;
  size_t setup_dims_[3] = {0, 0, 0};
};

// CONV_2D (one group) or DEPTHWISE_CONV_2D over NHWC float. `filter` is in
// TFLite's layout ([out, kh, kw, in] for CONV_2D, [1, kh, kw, in * multiplier]
// for depthwise, both XNNPACK's too) and is packed at once; `bias` may be null.
// A null Operator means XNNPACK does not take this shape (the caller keeps its
// own kernel); it is not an error.
Operator CreateConv(const ref::ConvGeometry& g, bool depthwise, const float* filter,
                    const float* bias, float activation_min, float activation_max);
Status RunConv(Operator& op, const ref::ConvGeometry& g, const float* input, float* output,
               ThreadPool& pool);

// FULLY_CONNECTED: rows of `input_channels` in, `output_channels` out;
// `weights` is [output_channels, input_channels] as TFLite stores it.
Operator CreateFullyConnected(size_t input_channels, size_t output_channels, const float* weights,
                              const float* bias, float activation_min, float activation_max);
Status RunFullyConnected(Operator& op, size_t rows, const float* input, float* output,
                         ThreadPool& pool);

}  // namespace vkd::cpu::xnn

#include "cpu_fallback/xnnpack/xnn_backend.h"

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>

#ifdef VKD_HAVE_XNNPACK
#include <xnnpack.h>
// The interpreter pads its arena and folded constants by one 64-byte line
// for the over-reads XNNPACK allows itself.
static_assert(XNN_EXTRA_BYTES <= 64, "arena padding too small for XNNPACK");
#endif

namespace vkd::cpu::xnn {

namespace {

struct InitResult {
  bool ok = false;
  const char* reason = "";
};

const InitResult& Init() {
  static const InitResult result = [] {
    InitResult r;
#ifndef VKD_HAVE_XNNPACK
    r.reason = "built without XNNPACK (-DVKD_XNNPACK=OFF)";
#else
    const char* env = std::getenv("VKD_CPU_FLOAT_BACKEND");
    if (env != nullptr && std::strcmp(env, "builtin") == 0) {
      r.reason = "VKD_CPU_FLOAT_BACKEND=builtin";
      return r;
    }
    // xnn_initialize is reference-counted and never undone here: operators
    // may outlive any one interpreter, and the library's state is small.
    if (xnn_initialize(/*allocator=*/nullptr) != xnn_status_success) {
      r.reason = "xnn_initialize failed (CPU without SSE2?)";
      return r;
    }
    r.ok = true;
#endif
    return r;
  }();
  return result;
}

#ifdef VKD_HAVE_XNNPACK
Status Check(xnn_status s, const char* what) {
  if (s == xnn_status_success) return Status::Ok();
  return InternalError(std::string("XNNPACK ") + what + " failed (status " +
                       std::to_string(static_cast<int>(s)) + ")");
}

// XNNPACK wants explicit padding on all four sides; TFLite keeps only the
// leading side (the trailing one is whatever makes the output size come out).
// Returns false when no non-negative trailing padding gives TFLite's size.
bool TrailingPadding(int input, int filter, int stride, int dilation, int output, int leading,
                     int* trailing) {
  const int effective = (filter - 1) * dilation + 1;
  // The smallest trailing padding with (input + pads - effective) / stride + 1 == output.
  int t = (output - 1) * stride + effective - input - leading;
  if (t < 0) t = 0;
  if ((input + leading + t - effective) / stride + 1 != output) return false;
  *trailing = t;
  return true;
}
#endif

}  // namespace

bool Available() { return Init().ok; }
const char* UnavailableReason() { return Init().reason; }

Operator::~Operator() {
#ifdef VKD_HAVE_XNNPACK
  if (op_ != nullptr) xnn_delete_operator(op_);
#endif
}

Operator& Operator::operator=(Operator&& other) noexcept {
  if (this != &other) {
    Operator dying(op_);  // deletes the old operator
    op_ = other.op_;
    other.op_ = nullptr;
    setup_input_ = setup_output_ = nullptr;  // a moved-in operator is set up again
  }
  return *this;
}

bool Operator::NeedsSetup(const void* input, const void* output, size_t d0, size_t d1, size_t d2) {
  if (input == setup_input_ && output == setup_output_ && d0 == setup_dims_[0] &&
      d1 == setup_dims_[1] && d2 == setup_dims_[2]) {
    return false;
  }
  setup_input_ = input;
  setup_output_ = output;
  setup_dims_[0] = d0;
  setup_dims_[1] = d1;
  setup_dims_[2] = d2;
  return true;
}

Operator CreateConv(const ref::ConvGeometry& g, bool depthwise, const float* filter,
                    const float* bias, float activation_min, float activation_max) {
#ifdef VKD_HAVE_XNNPACK
  if (!Available() || g.batches <= 0) return Operator();
  if (!depthwise && g.groups() != 1) return Operator();
  int pad_bottom = 0, pad_right = 0;
  if (!TrailingPadding(g.input_height, g.filter_height, g.stride_height, g.dilation_height,
                       g.output_height, g.padding_top, &pad_bottom) ||
      !TrailingPadding(g.input_width, g.filter_width, g.stride_width, g.dilation_width,
                       g.output_width, g.padding_left, &pad_right)) {
    return Operator();
  }
  const uint32_t groups = depthwise ? g.input_depth : 1;
  const size_t group_in = depthwise ? 1 : g.input_depth;
  const size_t group_out = depthwise ? g.depth_multiplier() : g.output_depth;
  xnn_operator_t op = nullptr;
  const xnn_status s = xnn_create_convolution2d_nhwc_f32(
      g.padding_top, pad_right, pad_bottom, g.padding_left, g.filter_height, g.filter_width,
      g.stride_height, g.stride_width, g.dilation_height, g.dilation_width, groups, group_in,
      group_out, /*input_channel_stride=*/g.input_depth, /*output_channel_stride=*/g.output_depth,
      filter, bias, activation_min, activation_max, depthwise ? XNN_FLAG_DEPTHWISE_CONVOLUTION : 0,
      &op);
  return s == xnn_status_success ? Operator(op) : Operator();
#else
  (void)g, (void)depthwise, (void)filter, (void)bias, (void)activation_min, (void)activation_max;
  return Operator();
#endif
}

Status RunConv(Operator& op, const ref::ConvGeometry& g, const float* input, float* output,
               ThreadPool& pool) {
#ifdef VKD_HAVE_XNNPACK
  if (op.NeedsSetup(input, output, g.batches, g.input_height, g.input_width)) {
    const Status s =
        Check(xnn_setup_convolution2d_nhwc_f32(op.get(), g.batches, g.input_height, g.input_width,
                                               input, output, pool.pthreadpool()),
              "convolution setup");
    if (!s.ok()) op.NeedsSetup(nullptr, nullptr, 0, 0, 0);  // set up again next time
    VKD_RETURN_IF_ERROR(s);
  }
  return Check(xnn_run_operator(op.get(), pool.pthreadpool()), "convolution");
#else
  (void)op, (void)g, (void)input, (void)output, (void)pool;
  return InternalError("built without XNNPACK");
#endif
}

Operator CreateFullyConnected(size_t input_channels, size_t output_channels, const float* weights,
                              const float* bias, float activation_min, float activation_max) {
#ifdef VKD_HAVE_XNNPACK
  if (!Available() || input_channels == 0 || output_channels == 0) return Operator();
  xnn_operator_t op = nullptr;
  const xnn_status s = xnn_create_fully_connected_nc_f32(
      input_channels, output_channels, input_channels, output_channels, weights, bias,
      activation_min, activation_max, /*flags=*/0, &op);
  return s == xnn_status_success ? Operator(op) : Operator();
#else
  (void)input_channels, (void)output_channels, (void)weights, (void)bias;
  (void)activation_min, (void)activation_max;
  return Operator();
#endif
}

Status RunFullyConnected(Operator& op, size_t rows, const float* input, float* output,
                         ThreadPool& pool) {
#ifdef VKD_HAVE_XNNPACK
  if (op.NeedsSetup(input, output, rows, 0, 0)) {
    const Status s =
        Check(xnn_setup_fully_connected_nc_f32(op.get(), rows, input, output, pool.pthreadpool()),
              "fully-connected setup");
    if (!s.ok()) op.NeedsSetup(nullptr, nullptr, 0, 0, 0);
    VKD_RETURN_IF_ERROR(s);
  }
  return Check(xnn_run_operator(op.get(), pool.pthreadpool()), "fully-connected");
#else
  (void)op, (void)rows, (void)input, (void)output, (void)pool;
  return InternalError("built without XNNPACK");
#endif
}

}  // namespace vkd::cpu::xnn

// The seam between the CPU interpreter and its kernels.
//
// Each op family registers a KernelRegistration (cpu_fallback/kernel_registry.cc):
//   Prepare(ctx): checks input types and shapes, sets every output's shape
//                 (ctx.output(i).shape; ops with a shape rule call
//                 ctx.ApplyShapeRule(), the one definition of their shapes),
//                 and may build per-node state (packed weights, scratch) in
//                 ctx.state(). Constant inputs' data is
//                 readable here; activation data is not allocated yet.
//   Eval(ctx):    computes the outputs. Must not allocate or resize.
// Errors name what is wrong; the interpreter prefixes "node N OP: ".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "cpu_fallback/thread_pool.h"
#include "model/ir/graph.h"
#include "ops/shape_rules.h"

namespace vkd::cpu {

// Per-node data a kernel keeps from Prepare to Eval.
struct KernelState {
  virtual ~KernelState() = default;
  // Which library runs Eval, for profiles and placement reports: "xnnpack"
  // when the node was handed to XNNPACK; empty for vkdelegate's own kernels.
  const char* library = "";
};

class KernelContext {
 public:
  KernelContext(const ir::Node& node, std::vector<ir::Tensor>& tensors,
                const std::vector<uint8_t*>& data, ThreadPool& pool,
                std::unique_ptr<KernelState>& state, bool use_reference)
      : node_(node),
        tensors_(tensors),
        data_(data),
        pool_(pool),
        state_(state),
        use_reference_(use_reference) {}

  const ir::Node& node() const { return node_; }
  int num_inputs() const { return static_cast<int>(node_.inputs.size()); }
  int num_outputs() const { return static_cast<int>(node_.outputs.size()); }
  // False for an optional input the model left out (index -1) or past the end.
  bool has_input(int i) const { return i < num_inputs() && node_.inputs[i] != ir::kNoTensor; }

  // An input the model left out (or past the node's inputs) reads as an
  // absent tensor: STRING, no shape, no data, which every kernel's type
  // checks refuse — a hostile model cannot make a kernel index tensor -1
  // (found by fuzz_model: STRIDED_SLICE without its begin input).
  const ir::Tensor& input(int i) const {
    return has_input(i) ? tensors_[node_.inputs[i]] : ir::AbsentTensor();
  }
  // Intermediates carry only quantization parameters (no data).
  int num_intermediates() const { return static_cast<int>(node_.intermediates.size()); }
  const ir::Tensor& intermediate(int i) const { return tensors_[node_.intermediates[i]]; }
  ir::Tensor& output(int i) { return tensors_[node_.outputs[i]]; }
  const ir::Tensor& output(int i) const { return tensors_[node_.outputs[i]]; }

  template <typename T>
  const T* input_data(int i) const {
    return has_input(i) ? reinterpret_cast<const T*>(data_[node_.inputs[i]]) : nullptr;
  }
  template <typename T>
  T* output_data(int i) const {
    return reinterpret_cast<T*>(data_[node_.outputs[i]]);
  }

  ThreadPool& pool() const { return pool_; }
  std::unique_ptr<KernelState>& state() { return state_; }
  template <typename S>
  S* state_as() const {
    return static_cast<S*>(state_.get());
  }

  // True when the caller asked for the spec-readable reference kernels
  // (tests run both); otherwise kernels pick their optimized form.
  bool use_reference() const { return use_reference_; }

  // Scratch a kernel sizes from shapes at Prepare (im2col buffers, offset
  // tables) counts against the interpreter's memory budget like its arena:
  // ResourceExhausted naming `what` and both figures when `bytes` would not
  // fit. Call before allocating.
  Status CheckScratch(double bytes, const char* what) const;
  void set_memory_budget(size_t bytes) { memory_budget_ = bytes; }

  // Sets every output's shape by the op's shape rule (ops/shape_rules.h),
  // which also checks what the shapes depend on (ranks, constant shape
  // inputs, options). The same rule re-plans GPU partitions, so a kernel
  // computes no output shape of its own: it derives its parameters from the
  // input and output shapes after this call.
  Status ApplyShapeRule();

  // Options of the node's kind; the defaults when the model stored none.
  template <typename O>
  O options() const {
    return ir::OptionsAs<O>(node_);
  }

 private:
  const ir::Node& node_;
  std::vector<ir::Tensor>& tensors_;
  const std::vector<uint8_t*>& data_;
  ThreadPool& pool_;
  std::unique_ptr<KernelState>& state_;
  bool use_reference_;
  size_t memory_budget_ = SIZE_MAX;
};

struct KernelRegistration {
  Status (*prepare)(KernelContext& ctx);
  Status (*eval)(KernelContext& ctx);
};

// A kernel supplied by the interpreter's user for CUSTOM nodes of a given
// custom_name: the GPU delegate hands each of its partitions to the
// interpreter this way, so CPU nodes and GPU partitions run in one invoke
// (TFLite's ReplaceNodeSubsetsWithDelegateKernels, in miniature).
class CustomKernel {
 public:
  virtual ~CustomKernel() = default;
  virtual Status Prepare(KernelContext& ctx) = 0;
  virtual Status Eval(KernelContext& ctx) = 0;
};

// The kernel for `op`, or nullptr when the CPU interpreter has none.
const KernelRegistration* FindKernel(ir::OpType op);

// Helpers shared by kernels' Prepare.
inline std::string TypeMismatch(const char* what, ir::DataType got) {
  return ops::TypeUnsupported(what, got);
}

inline bool IsQuantizedType(ir::DataType t) {
  return t == ir::DataType::kInt8 || t == ir::DataType::kUInt8 || t == ir::DataType::kInt16;
}

// The error for a tensor type a kernel does not take: quantized types are
// named as such (their kernels are a separate family), others as unsupported.
inline Status UnsupportedType(const char* what, ir::DataType type) {
  if (IsQuantizedType(type)) {
    return UnimplementedError(std::string(what) + ": quantized " + ir::DataTypeName(type) +
                              " not implemented yet");
  }
  return UnimplementedError(TypeMismatch(what, type));
}

// The arity of every single-input kernel: one present input, one output.
inline Status CheckUnaryArity(const KernelContext& ctx) {
  VKD_CHECK_ARG(ctx.num_inputs() == 1 && ctx.has_input(0),
                "expected 1 input, got " + std::to_string(ctx.num_inputs()));
  VKD_CHECK_ARG(ctx.num_outputs() == 1,
                "expected 1 output, got " + std::to_string(ctx.num_outputs()));
  return Status::Ok();
}

// The common preamble of single-input float kernels: one present input, one
// output, FLOAT32 in and the same type out.
inline Status CheckFloatUnaryIo(KernelContext& ctx) {
  VKD_RETURN_IF_ERROR(CheckUnaryArity(ctx));
  const ir::Tensor& in = ctx.input(0);
  if (in.type != ir::DataType::kFloat32) return UnsupportedType("input 0", in.type);
  if (ctx.output(0).type != in.type) {
    return UnimplementedError(TypeMismatch("output 0", ctx.output(0).type));
  }
  return Status::Ok();
}

}  // namespace vkd::cpu

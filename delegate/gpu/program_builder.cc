// BuildProgram: lowering of a partition's nodes to kernels, and fusion.
//
// Nodes are visited in execution order. A node that starts a kernel is
// lowered (lower_*.cc); then, while the kernel's current result has exactly
// one reader, inside the partition, that is an elementwise op producing a
// tensor of the same shape, that reader becomes a post-op of the kernel
// (its other operand, if any, an extra binding). The kernel runs at the
// position of its last fused node, which is after every operand's producer:
// no intermediate of the chain has another reader, so nothing else can
// depend on the kernel before its end.
#include <algorithm>
#include <unordered_map>

#include "model/ir/dequantize.h"
#include "delegate/gpu/layout.h"
#include "delegate/gpu/lowering.h"
#include "delegate/gpu/op_family.h"
#include "delegate/gpu/program.h"

namespace vkd::gpu_delegate {

using shaders::TensorDims;

StatusOr<TensorDims> ToDims(const ir::Shape& shape) {
  const size_t r = shape.size();
  for (size_t i = 0; i + 4 < r; ++i) {
    if (shape[i] != 1) {
      return UnimplementedError("rank-" + std::to_string(r) + " shape " + ir::ShapeToString(shape) +
                                " does not fit BHWC");
    }
  }
  int32_t d[4] = {1, 1, 1, 1};
  for (size_t i = 0; i < std::min<size_t>(r, 4); ++i) d[3 - i] = shape[r - 1 - i];
  for (int32_t v : d) {
    if (v <= 0) return InvalidArgumentError("shape " + ir::ShapeToString(shape) + " has no data");
  }
  return TensorDims{d[0], d[1], d[2], d[3]};
}

namespace {

bool IsReshapeLike(ir::OpType op) {
  return op == ir::OpType::kReshape || op == ir::OpType::kSqueeze;
}

class ProgramBuilder : public LoweringContext {
 public:
  ProgramBuilder(const ir::Graph& graph, const std::vector<ir::Tensor>& tensors,
                 const partition::Partition& partition, const ProgramOptions& options)
      : graph_(graph), tensors_(tensors), partition_(partition), options_(options) {}

  StatusOr<Program> Build();

  // LoweringContext.
  const ir::Graph& graph() const override { return graph_; }
  const ir::Node& node() const override { return graph_.nodes[node_]; }
  int node_index() const override { return node_; }
  const ir::Tensor& tensor(int t) const override { return tensors_[t]; }
  shaders::Precision precision() const override { return options_.precision; }
  bool cpu_device() const override { return options_.cpu_device; }
  bool shared_memory_kernels() const override { return options_.shared_memory_kernels; }
  int Input(int i) const override {
    if (i >= static_cast<int>(node().inputs.size())) return ir::kNoTensor;
    if (i == 0 && pad_input_ != ir::kNoTensor) return pad_input_;
    return node().inputs[i];
  }
  int folded_pad_top() const override { return pad_top_; }
  int folded_pad_left() const override { return pad_left_; }
  int folded_pad_height() const override { return pad_height_; }
  int folded_pad_width() const override { return pad_width_; }
  StatusOr<TensorDims> Dims(int t) const override {
    auto d = ToDims(tensors_[t].shape);
    if (!d.ok()) return d.status().WithContext(ir::TensorLabel(graph_, t));
    return d;
  }
  StatusOr<int> Tensor(int t) override;
  const float* FloatConstant(int t) override;
  int AddConstant(const std::vector<float>& values, const std::string& name) override;
  int NewTemporary(const TensorDims& dims, const std::string& name) override;
  void EmitKernel(LoweredKernel k) override { emitted_.push_back(std::move(k)); }

 private:
  bool IsConstant(int t) const { return tensors_[t].is_constant() || host_floats_.count(t) != 0; }
  Status FoldDequantize(int n);
  Status MakeAlias(int n);
  bool TryFoldPad(int n);
  StatusOr<LoweredKernel> Lower(int n);
  Status Fuse(LoweredKernel& k, std::vector<int>& nodes);
  // Moves the kernels node n's lowering emitted (EmitKernel) into `kernels`,
  // ahead of node n's own kernel.
  void TakeEmitted(int n, std::vector<std::pair<int, ProgramKernel>>& kernels);
  int NewTensor(ProgramTensor t) {
    prog_.tensors.push_back(std::move(t));
    return static_cast<int>(prog_.tensors.size()) - 1;
  }

  const ir::Graph& graph_;
  const std::vector<ir::Tensor>& tensors_;
  const partition::Partition& partition_;
  const ProgramOptions options_;
  Program prog_;
  std::vector<int> to_prog_;                  // graph tensor -> program tensor
  std::vector<int> producer_;                 // graph tensor -> node
  std::vector<std::vector<int>> readers_;     // graph tensor -> partition nodes reading it
  std::vector<uint8_t> in_partition_, done_;  // per node
  std::vector<uint8_t> partition_output_;     // per tensor
  std::unordered_map<int, std::vector<float>> host_floats_;
  struct PadFold {
    int input = ir::kNoTensor, top = 0, left = 0, height = 0, width = 0;
  };
  std::unordered_map<int, PadFold> pad_folds_;  // conv node -> folded PAD
  std::vector<LoweredKernel> emitted_;          // see EmitKernel
  int node_ = 0;
  int pad_input_ = ir::kNoTensor, pad_top_ = 0, pad_left_ = 0, pad_height_ = 0, pad_width_ = 0;
};

StatusOr<int> ProgramBuilder::Tensor(int t) {
  if (to_prog_[t] >= 0) return to_prog_[t];
  ProgramTensor pt;
  pt.graph_tensor = t;
  pt.name = tensors_[t].name;
  VKD_ASSIGN_OR_RETURN(pt.dims, Dims(t));
  if (IsConstant(t)) {
    const float* values = FloatConstant(t);
    if (!values) {
      return UnimplementedError(ir::TensorLabel(graph_, t) + ": constant is not float");
    }
    std::vector<float> packed(static_cast<size_t>(pt.dims.vec4_count()) * 4);
    PackToGpu(values, pt.dims, shaders::Precision::kFp32, packed.data());
    prog_.constants.push_back(EncodeScalars(packed, options_.precision));
    pt.constant = true;
    pt.constant_index = static_cast<int>(prog_.constants.size()) - 1;
    pt.bytes = prog_.constants.back().size();
  } else {
    pt.bytes = GpuTensorBytes(pt.dims, options_.precision);
  }
  to_prog_[t] = NewTensor(std::move(pt));
  return to_prog_[t];
}

const float* ProgramBuilder::FloatConstant(int t) {
  if (auto it = host_floats_.find(t); it != host_floats_.end()) return it->second.data();
  const ir::Tensor& tensor = tensors_[t];
  if (!tensor.is_constant()) return nullptr;
  if (tensor.type == ir::DataType::kFloat32) return tensor.const_data<float>();
  const int64_t n = tensor.num_elements();
  std::vector<float> values(static_cast<size_t>(n));
  const bool hybrid_weights =
      (tensor.type == ir::DataType::kInt8 || tensor.type == ir::DataType::kUInt8) &&
      !tensor.quant.empty();
  if (tensor.type == ir::DataType::kFloat16 || hybrid_weights) {
    // fp16 constants and hybrid models' int8 weights: dequantized once,
    // here, by the one dequantizer (per channel where there are several scales).
    if (!ir::DequantizeInto(tensor.type, tensor.shape, tensor.quant, tensor.data,
                            tensor.data_bytes, values.data())
             .ok()) {
      return nullptr;
    }
  } else {
    return nullptr;
  }
  return host_floats_.emplace(t, std::move(values)).first->second.data();
}

int ProgramBuilder::AddConstant(const std::vector<float>& values, const std::string& name) {
  prog_.constants.push_back(EncodeScalars(values, options_.precision));
  ProgramTensor pt;
  pt.constant = true;
  pt.constant_index = static_cast<int>(prog_.constants.size()) - 1;
  pt.bytes = prog_.constants.back().size();
  pt.dims = TensorDims{1, 1, 1, static_cast<int32_t>(values.size())};
  pt.name = label() + " " + name;
  return NewTensor(std::move(pt));
}

int ProgramBuilder::NewTemporary(const TensorDims& dims, const std::string& name) {
  ProgramTensor pt;
  pt.dims = dims;
  pt.bytes = GpuTensorBytes(dims, options_.precision);
  pt.name = label() + " " + name;
  return NewTensor(std::move(pt));
}

void ProgramBuilder::TakeEmitted(int n, std::vector<std::pair<int, ProgramKernel>>& kernels) {
  for (LoweredKernel& e : emitted_) {
    ProgramKernel pk;
    pk.spec = std::move(e.spec);
    pk.spec.precision = options_.precision;
    pk.spec.name = pk.spec.main + "[" + ir::NodeLabel(graph_, n) + "]";
    pk.bindings = std::move(e.bindings);
    pk.nodes = {n};
    // Same sort key as node n's own kernel, pushed first: the stable sort
    // keeps it ahead.
    kernels.emplace_back(n, std::move(pk));
  }
  emitted_.clear();
}

// DEQUANTIZE of a constant: computed here, once; its output is a constant to
// every kernel after it.
Status ProgramBuilder::FoldDequantize(int n) {
  node_ = n;
  const ir::Node& nd = graph_.nodes[n];
  const float* values = FloatConstant(nd.inputs[0]);
  if (!values) return UnimplementedError(label() + ": input is not a float-convertible constant");
  if (partition_output_[nd.outputs[0]]) {
    return UnimplementedError(label() + ": folded constant is read outside the GPU partition");
  }
  const int64_t count = tensors_[nd.outputs[0]].num_elements();
  host_floats_[nd.outputs[0]] = std::vector<float>(values, values + count);
  prog_.folded_nodes.push_back(n);
  return Status::Ok();
}

// RESHAPE/SQUEEZE keeping the channel count: the GPU layout of the result is
// the input's bytes, so the output is a view.
Status ProgramBuilder::MakeAlias(int n) {
  node_ = n;
  const ir::Node& nd = graph_.nodes[n];
  VKD_ASSIGN_OR_RETURN(int in, Tensor(nd.inputs[0]));
  if (to_prog_[nd.outputs[0]] >= 0) {
    return InternalError(label() + ": output referenced before its RESHAPE");
  }
  ProgramTensor pt;
  pt.graph_tensor = nd.outputs[0];
  pt.name = tensors_[nd.outputs[0]].name;
  VKD_ASSIGN_OR_RETURN(pt.dims, Dims(nd.outputs[0]));
  int root = in;
  while (prog_.tensors[root].alias_of >= 0) root = prog_.tensors[root].alias_of;
  pt.alias_of = root;
  pt.constant = prog_.tensors[root].constant;
  pt.constant_index = prog_.tensors[root].constant_index;
  pt.bytes = prog_.tensors[root].bytes;
  to_prog_[nd.outputs[0]] = NewTensor(std::move(pt));
  prog_.alias_nodes.push_back(n);
  return Status::Ok();
}

// A PAD (zeros, spatial only) read only by a CONV_2D/DEPTHWISE_CONV_2D of
// this partition folds into that conv's padding.
bool ProgramBuilder::TryFoldPad(int n) {
  const ir::Node& nd = graph_.nodes[n];
  if (nd.op != ir::OpType::kPad && nd.op != ir::OpType::kPadv2) return false;
  const int out = nd.outputs[0];
  if (partition_output_[out] || readers_[out].size() != 1) return false;
  const int reader = readers_[out][0];
  const ir::Node& rd = graph_.nodes[reader];
  if ((rd.op != ir::OpType::kConv2d && rd.op != ir::OpType::kDepthwiseConv2d) ||
      rd.inputs[0] != out || graph_.nodes[reader].inputs[1] == out) {
    return false;
  }
  if (nd.op == ir::OpType::kPadv2 && nd.inputs.size() > 2 && nd.inputs[2] != ir::kNoTensor) {
    const ir::Tensor& v = tensors_[nd.inputs[2]];
    if (!v.is_constant() || v.type != ir::DataType::kFloat32 || v.const_data<float>()[0] != 0.0f) {
      return false;
    }
  }
  const ir::Tensor& pads = tensors_[nd.inputs[1]];
  if (!pads.is_constant() || tensors_[nd.inputs[0]].shape.size() != 4 || pads.num_elements() != 8) {
    return false;
  }
  auto pad = [&](int i) -> int64_t {
    return pads.type == ir::DataType::kInt64 ? pads.const_data<int64_t>()[i]
                                             : pads.const_data<int32_t>()[i];
  };
  // Batch and channels unpadded. Padding after the data needs nothing: the
  // conv reads zeros past the input's end anyway.
  if (pad(0) || pad(1) || pad(6) || pad(7)) return false;
  for (int i = 2; i < 6; ++i) {
    if (pad(i) < 0) return false;
  }
  pad_folds_[reader] =
      PadFold{nd.inputs[0], static_cast<int>(pad(2)), static_cast<int>(pad(4)),
              static_cast<int>(pad(2) + pad(3)), static_cast<int>(pad(4) + pad(5))};
  return true;
}

StatusOr<LoweredKernel> ProgramBuilder::Lower(int n) {
  node_ = n;
  pad_input_ = ir::kNoTensor;
  pad_top_ = pad_left_ = pad_height_ = pad_width_ = 0;
  if (auto it = pad_folds_.find(n); it != pad_folds_.end()) {
    pad_input_ = it->second.input;
    pad_top_ = it->second.top;
    pad_left_ = it->second.left;
    pad_height_ = it->second.height;
    pad_width_ = it->second.width;
  }
  // The op's family (op_family.h) lowers it; the support check asked the same family.
  if (const GpuOpFamily* family = FindGpuOpFamily(graph_.nodes[n].op)) return family->lower(*this);
  return UnimplementedError(label() + ": no GPU kernel");
}

// Absorbs the elementwise readers that follow kernel `k` (see the file comment).
Status ProgramBuilder::Fuse(LoweredKernel& k, std::vector<int>& nodes) {
  // The standalone elementwise kernel's own op is post-op 0 with operand
  // input 1 (when binary); bind it now.
  if (k.spec.main == "elementwise" && !k.spec.post_ops.empty() && k.spec.post_ops[0].binary) {
    const ir::Node& nd = graph_.nodes[nodes[0]];
    const int operand = nd.inputs[0] == nd.inputs[1] ? nd.inputs[0] : nd.inputs[1];
    VKD_ASSIGN_OR_RETURN(TensorDims d, Dims(operand));
    VKD_ASSIGN_OR_RETURN(int pt, Tensor(operand));
    k.spec.operands.push_back(d);
    k.bindings.push_back(pt);
  }
  int value = k.output_tensor;
  for (;;) {
    if (partition_output_[value] || readers_[value].size() != 1) break;
    const int c = readers_[value][0];
    if (done_[c]) break;
    const ir::Node& cn = graph_.nodes[c];
    shaders::PostOp op;
    int operand;
    if (!ElementwiseAsPostOp(cn, value, &op, &operand)) break;
    auto out_dims = Dims(cn.outputs[0]);
    if (!out_dims.ok() || !(*out_dims == k.spec.out)) break;
    if (operand != ir::kNoTensor) {
      auto od = Dims(operand);
      if (!od.ok()) break;
      const TensorDims& o = *od;
      const TensorDims& r = k.spec.out;
      if ((o.b != 1 && o.b != r.b) || (o.h != 1 && o.h != r.h) || (o.w != 1 && o.w != r.w) ||
          (o.c != 1 && o.c != r.c)) {
        break;
      }
      // A not-yet-visited RESHAPE would have to become a view of a tensor
      // this kernel has already referenced: keep it simple, do not fuse.
      const int p = producer_[operand];
      if (p >= 0 && in_partition_[p] && !done_[p] && IsReshapeLike(graph_.nodes[p].op)) break;
      VKD_ASSIGN_OR_RETURN(int pt, Tensor(operand));
      op.operand = static_cast<int>(k.spec.operands.size());
      k.spec.operands.push_back(o);
      k.bindings.push_back(pt);
    }
    k.spec.post_ops.push_back(op);
    if (const auto* eo = std::get_if<ir::ElementwiseOptions>(&cn.options)) {
      VKD_RETURN_IF_ERROR(AppendActivation(eo->activation, k.spec.post_ops));
    }
    done_[c] = 1;
    nodes.push_back(c);
    value = cn.outputs[0];
  }
  k.output_tensor = value;
  return Status::Ok();
}

StatusOr<Program> ProgramBuilder::Build() {
  const size_t num_tensors = tensors_.size();
  to_prog_.assign(num_tensors, -1);
  producer_.assign(num_tensors, -1);
  readers_.assign(num_tensors, {});
  partition_output_.assign(num_tensors, 0);
  in_partition_.assign(graph_.nodes.size(), 0);
  done_.assign(graph_.nodes.size(), 0);
  for (int n : partition_.nodes) in_partition_[n] = 1;
  for (int n : partition_.nodes) {
    for (int t : graph_.nodes[n].outputs) producer_[t] = n;
    for (int t : graph_.nodes[n].inputs) {
      if (t != ir::kNoTensor && (readers_[t].empty() || readers_[t].back() != n)) {
        readers_[t].push_back(n);
      }
    }
  }
  for (int t : partition_.outputs) partition_output_[t] = 1;
  for (int t : partition_.inputs) {
    VKD_ASSIGN_OR_RETURN(int pt, Tensor(t));
    prog_.inputs.push_back(pt);
  }

  // Constant DEQUANTIZEs first: a kernel may fuse an op reading one that
  // comes later in execution order (conv, DEQUANTIZE, ADD(conv, dequantized)),
  // and the operand must already be known as a constant then, not become an
  // arena tensor nothing writes.
  for (int n : partition_.nodes) {
    const ir::Node& nd = graph_.nodes[n];
    if (nd.op == ir::OpType::kDequantize && IsConstant(nd.inputs[0])) {
      VKD_RETURN_IF_ERROR(FoldDequantize(n));
      done_[n] = 1;
    }
  }
  std::vector<std::pair<int, ProgramKernel>> kernels;  // (last node, kernel)
  for (int n : partition_.nodes) {
    if (done_[n]) continue;
    done_[n] = 1;
    const ir::Node& nd = graph_.nodes[n];
    if (IsReshapeLike(nd.op) && !IsConstant(nd.inputs[0])) {
      const ir::Shape& a = tensors_[nd.inputs[0]].shape;
      const ir::Shape& b = tensors_[nd.outputs[0]].shape;
      if (!a.empty() && !b.empty() && a.back() == b.back()) {
        VKD_RETURN_IF_ERROR(MakeAlias(n));
        continue;
      }
    }
    if (TryFoldPad(n)) continue;
    VKD_ASSIGN_OR_RETURN(LoweredKernel k, Lower(n));
    TakeEmitted(n, kernels);
    std::vector<int> nodes = {n};
    if (auto it = pad_folds_.find(n); it != pad_folds_.end()) {
      nodes.push_back(producer_[graph_.nodes[n].inputs[0]]);
    }
    VKD_RETURN_IF_ERROR(Fuse(k, nodes));
    // The kernel's output: a tensor of its own (or the one an earlier fused
    // kernel already referenced as an operand).
    VKD_ASSIGN_OR_RETURN(int out, Tensor(k.output_tensor));
    if (prog_.tensors[out].constant || prog_.tensors[out].alias_of >= 0) {
      return InternalError(ir::NodeLabel(graph_, n) + ": output tensor is not writable");
    }
    k.bindings[0] = out;
    ProgramKernel pk;
    pk.spec = std::move(k.spec);
    pk.spec.precision = options_.precision;
    pk.spec.name = pk.spec.main + "[" + ir::NodeLabel(graph_, n) + "]";
    pk.variants = std::move(k.variants);
    pk.variant = k.variant;
    pk.bindings = std::move(k.bindings);
    pk.nodes = std::move(nodes);
    const int last = *std::max_element(pk.nodes.begin(), pk.nodes.end());
    kernels.emplace_back(last, std::move(pk));
  }
  std::stable_sort(kernels.begin(), kernels.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [last, k] : kernels) prog_.kernels.push_back(std::move(k));
  for (int t : partition_.outputs) {
    if (to_prog_[t] < 0 || prog_.tensors[to_prog_[t]].constant) {
      return UnimplementedError(ir::TensorLabel(graph_, t) +
                                ": partition output is not computed on the GPU");
    }
    prog_.outputs.push_back(to_prog_[t]);
  }
  return std::move(prog_);
}

}  // namespace

shaders::KernelSpec WithVariant(const shaders::KernelSpec& spec, const KernelVariant& v) {
  shaders::KernelSpec out = spec;
  out.main = v.main;
  out.invocations = v.invocations;
  out.local_size = v.local_size;
  for (const auto& param : v.int_params) {
    auto it = std::find_if(out.int_params.begin(), out.int_params.end(),
                           [&](const auto& p) { return p.first == param.first; });
    if (it != out.int_params.end()) {
      it->second = param.second;
    } else {
      out.int_params.push_back(param);
    }
  }
  const size_t bracket = out.name.find('[');
  out.name = v.main + (bracket == std::string::npos ? "" : out.name.substr(bracket));
  return out;
}

StatusOr<Program> BuildProgram(const ir::Graph& graph, const std::vector<ir::Tensor>& tensors,
                               const partition::Partition& partition,
                               const ProgramOptions& options) {
  ProgramBuilder builder(graph, tensors, partition, options);
  return builder.Build();
}

}  // namespace vkd::gpu_delegate

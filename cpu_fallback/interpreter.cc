#include "cpu_fallback/interpreter.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "common/memory_planner.h"
#include "ops/shape_rules.h"

namespace vkd::cpu {

namespace {

// Three quarters of physical memory: room for the weights (mapped from the
// model file), the host application and the OS.
size_t DefaultMemoryBudget() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return size_t{16} << 30;
  return static_cast<size_t>(pages) / 4 * 3 * static_cast<size_t>(page);
}

std::string MiB(size_t bytes) {
  char s[32];
  std::snprintf(s, sizeof(s), "%.1f MiB", bytes / 1048576.0);
  return s;
}

}  // namespace

Status KernelContext::CheckScratch(double bytes, const char* what) const {
  if (bytes <= static_cast<double>(memory_budget_)) return Status::Ok();
  return ResourceExhaustedError(std::string(what) + " needs " +
                                MiB(static_cast<size_t>(std::min(bytes, 1e18))) +
                                ", over the memory budget of " + MiB(memory_budget_));
}

Status KernelContext::ApplyShapeRule() {
  std::vector<ir::Shape> shapes;
  VKD_RETURN_IF_ERROR(ops::InferOutputShapes(node_, tensors_, &shapes));
  for (int i = 0; i < num_outputs(); ++i) output(i).shape = std::move(shapes[i]);
  return Status::Ok();
}

namespace {
constexpr size_t kArenaAlignment = 64;  // one cache line; AVX-512 friendly
constexpr size_t kHugePage = size_t{2} << 20;
}  // namespace

Interpreter::Interpreter(ir::Graph graph, const InterpreterOptions& options)
    : graph_(std::move(graph)), options_(options), pool_(options.num_threads) {}

Interpreter::~Interpreter() = default;

namespace {

// Every tensor gets its shape, and its place in the arena, from one writer:
// the caller (graph inputs), the model (constants) or one node. A hostile
// model that has a node write a graph input, a constant or another node's
// output would have a later Prepare reshape a tensor an earlier kernel
// already planned for, and that kernel read past it (found by fuzz_model:
// a RESHAPE writing back into the ADD's input).
Status CheckDataflow(const ir::Graph& g) {
  std::vector<int> writer(g.tensors.size(), -1);
  for (int32_t t : g.inputs) {
    if (t >= 0 && static_cast<size_t>(t) < writer.size()) writer[t] = -2;
  }
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    for (int32_t t : g.nodes[n].outputs) {
      if (t < 0 || static_cast<size_t>(t) >= g.tensors.size()) continue;  // the reader's check
      const std::string who = ir::NodeLabel(g, static_cast<int>(n)) + ": output tensor " +
                              std::to_string(t) + " '" + g.tensors[t].name + "'";
      if (g.tensors[t].is_constant()) return InvalidArgumentError(who + " is a constant");
      if (writer[t] == -2) return InvalidArgumentError(who + " is a graph input");
      if (writer[t] >= 0) {
        return InvalidArgumentError(who + " is also written by " + ir::NodeLabel(g, writer[t]));
      }
      writer[t] = static_cast<int>(n);
    }
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<Interpreter>> Interpreter::Create(ir::Graph graph,
                                                           const InterpreterOptions& options) {
  if (options.num_threads < 1 || options.num_threads > 256) {
    return InvalidArgumentError("num_threads " + std::to_string(options.num_threads) +
                                " out of range [1, 256]");
  }
  VKD_RETURN_IF_ERROR(CheckDataflow(graph));
  std::unique_ptr<Interpreter> interp(new Interpreter(std::move(graph), options));
  const ir::Graph& g = interp->graph_;
  interp->kernels_.resize(g.nodes.size());
  interp->states_.resize(g.nodes.size());
  interp->custom_.resize(g.nodes.size());
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    if (g.nodes[n].op == ir::OpType::kCustom) {
      auto it = options.custom_kernels.find(g.nodes[n].custom_name);
      if (it != options.custom_kernels.end() && it->second) {
        interp->custom_[n] = it->second;
        continue;
      }
    }
    const KernelRegistration* reg = FindKernel(g.nodes[n].op);
    if (!reg) {
      return UnimplementedError(ir::NodeLabel(g, static_cast<int>(n)) +
                                ": no CPU kernel for this op");
    }
    interp->kernels_[n] = reg;
  }
  interp->tensors_ = g.tensors;
  interp->folded_.assign(g.nodes.size(), 0);
  interp->data_.assign(g.tensors.size(), nullptr);
  interp->profile_.resize(g.nodes.size());
  for (size_t n = 0; n < g.nodes.size(); ++n) interp->profile_[n].node_index = static_cast<int>(n);
  return interp;
}

Status Interpreter::ResizeInput(int input_index, const ir::Shape& shape) {
  if (input_index < 0 || input_index >= num_inputs()) {
    return InvalidArgumentError("input " + std::to_string(input_index) + " out of range (" +
                                std::to_string(num_inputs()) + " inputs)");
  }
  ir::Tensor& t = tensors_[graph_.inputs[input_index]];
  if (shape.size() != t.shape.size()) {
    return InvalidArgumentError("input " + std::to_string(input_index) + " '" + t.name +
                                "': rank " + std::to_string(shape.size()) + " != model rank " +
                                std::to_string(t.shape.size()));
  }
  for (size_t d = 0; d < shape.size(); ++d) {
    const bool dynamic = !t.shape_signature.empty() && t.shape_signature[d] == -1;
    if (shape[d] <= 0 ||
        (!dynamic && shape[d] != graph_.tensors[graph_.inputs[input_index]].shape[d])) {
      return InvalidArgumentError("input " + std::to_string(input_index) + " '" + t.name +
                                  "': cannot resize " + ir::ShapeToString(t.shape) + " to " +
                                  ir::ShapeToString(shape) + " (signature " +
                                  ir::ShapeToString(t.shape_signature) + ")");
    }
  }
  t.shape = shape;
  allocated_ = false;
  return Status::Ok();
}

Status Interpreter::AllocateTensors() {
  const ir::Graph& g = graph_;
  // Constants are read in place from the model.
  for (size_t t = 0; t < tensors_.size(); ++t) {
    if (tensors_[t].is_constant()) data_[t] = const_cast<uint8_t*>(tensors_[t].data);
  }
  const size_t budget =
      options_.memory_budget_bytes ? options_.memory_budget_bytes : DefaultMemoryBudget();
  // Prepare: shape propagation, weight packing; constant folding.
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    if (folded_[n]) continue;  // folded by an earlier AllocateTensors; inputs are constant
    // A tensor larger than the whole budget can never be placed, and kernels
    // size their scratch from their inputs: stop before they allocate it.
    for (int32_t t : g.nodes[n].inputs) {
      if (t == ir::kNoTensor || tensors_[t].is_constant()) continue;
      if (tensors_[t].bytes() > budget) {
        return ResourceExhaustedError(ir::NodeLabel(g, static_cast<int>(n)) + ": input " +
                                      ir::TensorLabel(g, t) + " needs " + MiB(tensors_[t].bytes()) +
                                      ", over the memory budget of " + MiB(budget));
      }
    }
    KernelContext ctx(g.nodes[n], tensors_, data_, pool_, states_[n],
                      options_.use_reference_kernels);
    ctx.set_memory_budget(budget);
    Status s = PrepareNode(static_cast<int>(n), ctx);
    if (!s.ok()) return s.WithContext(ir::NodeLabel(g, static_cast<int>(n)));
    for (int32_t t : g.nodes[n].outputs) {
      int64_t elements = 0;
      if (!ir::CheckedNumElements(tensors_[t].shape, &elements) &&
          std::find(tensors_[t].shape.begin(), tensors_[t].shape.end(), -1) ==
              tensors_[t].shape.end()) {
        return OutOfRangeError(ir::NodeLabel(g, static_cast<int>(n)) + ": output " +
                               ir::TensorLabel(g, t) + " would have more than 2^40 elements");
      }
      for (int32_t d : tensors_[t].shape) {
        if (d < 0)
          return InternalError(ir::NodeLabel(g, static_cast<int>(n)) +
                               ": kernel left output shape unset");
      }
    }
    bool empty = !g.nodes[n].outputs.empty();
    for (int32_t t : g.nodes[n].outputs) empty = empty && tensors_[t].num_elements() == 0;
    if (!empty) VKD_RETURN_IF_ERROR(FoldIfConstant(static_cast<int>(n)));
  }
  // Nodes whose outputs all hold no element have nothing to compute, but a
  // kernel may still loop over their (possibly huge) other dimensions, as
  // CONCATENATION of [2^20, 2^20, 0] slabs did (fuzz_model: a hang).
  empty_outputs_.assign(g.nodes.size(), 0);
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    bool empty = !g.nodes[n].outputs.empty();
    for (int32_t t : g.nodes[n].outputs) empty = empty && tensors_[t].num_elements() == 0;
    empty_outputs_[n] = empty ? 1 : 0;
  }
  // Lifetimes of every non-constant tensor, in steps (node indices).
  const int kEnd = INT_MAX / 2;
  std::vector<int> first(tensors_.size(), kEnd), last(tensors_.size(), -1);
  for (int32_t t : g.inputs) first[t] = -1;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    for (int32_t t : g.nodes[n].outputs) first[t] = std::min(first[t], static_cast<int>(n));
    for (int32_t t : g.nodes[n].inputs) {
      if (t != ir::kNoTensor) last[t] = std::max(last[t], static_cast<int>(n));
    }
  }
  for (int32_t t : g.inputs) last[t] = kEnd;  // callers may read inputs back
  for (int32_t t : g.outputs) last[t] = kEnd;
  std::vector<TensorLifetime> lifetimes;
  std::vector<int> planned;
  for (size_t t = 0; t < tensors_.size(); ++t) {
    if (tensors_[t].is_constant()) continue;
    if (tensors_[t].is_variable) {
      // Variables (RNN state) persist across invokes; a kernel reads and
      // writes them through an input, so no node produces them.
      first[t] = -1;
      last[t] = kEnd;
    }
    if (first[t] == kEnd) continue;  // never used
    if (tensors_[t].type == ir::DataType::kString) {
      return UnimplementedError(ir::TensorLabel(g, static_cast<int>(t)) +
                                ": STRING tensors unsupported");
    }
    lifetimes.push_back({tensors_[t].bytes(), first[t], std::max(last[t], first[t])});
    planned.push_back(static_cast<int>(t));
  }
  MemoryPlan plan = PlanMemory(lifetimes, kArenaAlignment);
  if (plan.arena_bytes > budget) {
    return ResourceExhaustedError("the tensor arena needs " + MiB(plan.arena_bytes) +
                                  ", over the memory budget of " + MiB(budget) +
                                  " (the CPU memory budget option sets it)");
  }
  if (plan.arena_bytes != arena_bytes_ || !arena_) {
    // One spare cache line at the end: XNNPACK's kernels may read up to
    // XNN_EXTRA_BYTES (16) past an input (the values are unused), and tensors
    // inside the arena already end at least that far from the next one.
    size_t bytes = plan.arena_bytes + kArenaAlignment;
    // Arenas of megabytes go on transparent huge pages where the kernel
    // allows it (madvise mode): the kernels stream whole feature maps, and
    // 4 KiB pages cost a TLB miss every 1024 floats.
    const bool huge = bytes >= kHugePage;
    if (huge) bytes = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* p = std::aligned_alloc(huge ? kHugePage : kArenaAlignment, bytes);
    if (!p)
      return ResourceExhaustedError("cannot allocate a " + std::to_string(bytes) +
                                    "-byte tensor arena");
#ifdef MADV_HUGEPAGE
    if (huge) madvise(p, bytes, MADV_HUGEPAGE);  // a hint; failure is harmless
#endif
    std::memset(p, 0, bytes);  // variables start at zero, as in TFLite
    arena_ = std::unique_ptr<uint8_t[], void (*)(void*)>(static_cast<uint8_t*>(p), std::free);
    arena_bytes_ = plan.arena_bytes;
  }
  for (size_t i = 0; i < planned.size(); ++i) data_[planned[i]] = arena_.get() + plan.offsets[i];
  // TFLite resets variables on every AllocateTensors, also when the arena is
  // reused (ResetVariableTensor): to zero, except INT8 ones, which it fills
  // with their zero point's byte (the integer LSTM's hidden state).
  for (int t : planned) {
    if (!tensors_[t].is_variable) continue;
    int fill = 0;
    if (tensors_[t].type == ir::DataType::kInt8 && !tensors_[t].quant.zero_point.empty())
      fill = static_cast<int>(tensors_[t].quant.zero_point[0]);
    std::memset(data_[t], fill, tensors_[t].bytes());
  }
  allocated_ = true;
  return Status::Ok();
}

Status Interpreter::PrepareNode(int n, KernelContext& ctx) {
  return custom_[n] ? custom_[n]->Prepare(ctx) : kernels_[n]->prepare(ctx);
}

Status Interpreter::EvalNode(int n, KernelContext& ctx) {
  return custom_[n] ? custom_[n]->Eval(ctx) : kernels_[n]->eval(ctx);
}

const char* Interpreter::node_implementation(int node_index) const {
  const KernelState* state = states_[node_index].get();
  if (state != nullptr && state->library[0] != '\0') return state->library;
  return options_.use_reference_kernels ? "reference" : "vkdelegate";
}

int Interpreter::num_folded_nodes() const {
  int count = 0;
  for (uint8_t f : folded_) count += f;
  return count;
}

// A node whose inputs are all constants computes the same output on every
// invoke: run it now into storage of its own and publish the output as a
// constant, so later kernels see constant weights (and pack them) and the
// planner leaves the tensor out of the arena. TFLite does the same for
// DEQUANTIZE of constant weights.
Status Interpreter::FoldIfConstant(int n) {
  const ir::Node& node = graph_.nodes[n];
  if (node.outputs.empty()) return Status::Ok();
  for (int32_t t : node.inputs) {
    if (t != ir::kNoTensor && !tensors_[t].is_constant()) return Status::Ok();
  }
  for (int32_t t : node.outputs) {
    if (tensors_[t].is_variable || tensors_[t].type == ir::DataType::kString) return Status::Ok();
  }
  std::vector<std::unique_ptr<uint8_t[]>> storage;
  for (int32_t t : node.outputs) {
    // Padded like the arena (XNNPACK may read 16 bytes past an input).
    storage.emplace_back(new (std::nothrow) uint8_t[tensors_[t].bytes() + kArenaAlignment]);
    if (!storage.back()) return ResourceExhaustedError("cannot allocate a folded constant");
    data_[t] = storage.back().get();
  }
  KernelContext ctx(node, tensors_, data_, pool_, states_[n], options_.use_reference_kernels);
  Status s = EvalNode(n, ctx);
  if (!s.ok()) return s.WithContext(ir::NodeLabel(graph_, n) + " (constant folding)");
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    ir::Tensor& out = tensors_[node.outputs[i]];
    out.data = storage[i].get();
    out.data_bytes = out.bytes();
    folded_storage_.push_back(std::move(storage[i]));
  }
  states_[n].reset();  // what the kernel prepared is no longer needed
  folded_[n] = 1;
  return Status::Ok();
}

Status Interpreter::Invoke() {
  if (!allocated_) return InvalidArgumentError("Invoke before AllocateTensors (or after a resize)");
  const ir::Graph& g = graph_;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    if (folded_[n] || empty_outputs_[n]) continue;
    KernelContext ctx(g.nodes[n], tensors_, data_, pool_, states_[n],
                      options_.use_reference_kernels);
    std::chrono::steady_clock::time_point start;
    if (options_.enable_profiling) start = std::chrono::steady_clock::now();
    Status s = EvalNode(static_cast<int>(n), ctx);
    if (!s.ok()) return s.WithContext(ir::NodeLabel(g, static_cast<int>(n)));
    if (options_.enable_profiling) {
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (profile_[n].invokes == 0) profile_[n].first_ms = ms;
      profile_[n].total_ms += ms;
      ++profile_[n].invokes;
    }
  }
  return Status::Ok();
}

void Interpreter::ResetProfile() {
  for (auto& p : profile_) {
    p.total_ms = 0;
    p.first_ms = 0;
    p.invokes = 0;
  }
}

}  // namespace vkd::cpu

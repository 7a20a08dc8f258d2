// The table from OpType to CPU kernel. Each op family file registers its ops
// in its Register*Kernels function; kernel_registry.cc calls them all once.
#pragma once

#include "cpu_fallback/kernel.h"

namespace vkd::cpu {

class KernelTable {
 public:
  void Add(ir::OpType op, KernelRegistration reg);
  const KernelRegistration* Find(ir::OpType op) const;

 private:
  static constexpr int kMaxOpCode = 256;
  KernelRegistration regs_[kMaxOpCode] = {};
  bool present_[kMaxOpCode] = {};
};

// One per op family (cpu_fallback/kernels/<family>.cc).
void RegisterConvKernels(KernelTable& table);            // CONV_2D, DEPTHWISE_CONV_2D
void RegisterFullyConnectedKernels(KernelTable& table);  // FULLY_CONNECTED
void RegisterElementwiseKernels(KernelTable& table);     // ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM
void RegisterActivationKernels(KernelTable& table);  // LOGISTIC, TANH, RELU, RELU6, HARD_SWISH, ...
void RegisterPoolKernels(KernelTable& table);        // AVERAGE_POOL_2D, MAX_POOL_2D
void RegisterReduceKernels(KernelTable& table);      // MEAN
void RegisterSoftmaxKernels(KernelTable& table);     // SOFTMAX
void RegisterShapeKernels(KernelTable& table);       // RESHAPE, PAD, CONCATENATION, ...
void RegisterQuantizeKernels(KernelTable& table);    // DEQUANTIZE
void RegisterResizeKernels(KernelTable& table);      // RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR
void RegisterSliceKernels(KernelTable& table);       // STRIDED_SLICE, SLICE
void RegisterTransposeConvKernels(KernelTable& table);  // TRANSPOSE_CONV
void RegisterArgMaxKernels(KernelTable& table);         // ARG_MAX, ARG_MIN
void RegisterGatherKernels(KernelTable& table);         // GATHER, GATHER_ND
void RegisterPackKernels(KernelTable& table);           // PACK, UNPACK
void RegisterSplitKernels(KernelTable& table);          // SPLIT, SPLIT_V
void RegisterTileKernels(KernelTable& table);           // TILE, TRANSPOSE
void RegisterLstmKernels(KernelTable& table);           // UNIDIRECTIONAL_SEQUENCE_LSTM
void RegisterSvdfKernels(KernelTable& table);           // SVDF

}  // namespace vkd::cpu

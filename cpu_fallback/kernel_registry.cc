#include "cpu_fallback/kernel_registry.h"

namespace vkd::cpu {

void KernelTable::Add(ir::OpType op, KernelRegistration reg) {
  int code = static_cast<int>(op);
  if (code < 0 || code >= kMaxOpCode) return;
  regs_[code] = reg;
  present_[code] = true;
}

const KernelRegistration* KernelTable::Find(ir::OpType op) const {
  int code = static_cast<int>(op);
  if (code < 0 || code >= kMaxOpCode || !present_[code]) return nullptr;
  return &regs_[code];
}

namespace {
KernelTable BuildTable() {
  KernelTable table;
  RegisterConvKernels(table);
  RegisterFullyConnectedKernels(table);
  RegisterElementwiseKernels(table);
  RegisterActivationKernels(table);
  RegisterPoolKernels(table);
  RegisterReduceKernels(table);
  RegisterSoftmaxKernels(table);
  RegisterShapeKernels(table);
  RegisterQuantizeKernels(table);
  RegisterResizeKernels(table);
  RegisterSliceKernels(table);
  RegisterTransposeConvKernels(table);
  RegisterArgMaxKernels(table);
  RegisterGatherKernels(table);
  RegisterPackKernels(table);
  RegisterSplitKernels(table);
  RegisterTileKernels(table);
  RegisterLstmKernels(table);
  RegisterSvdfKernels(table);
  return table;
}
}  // namespace

const KernelRegistration* FindKernel(ir::OpType op) {
  static const KernelTable table = BuildTable();
  return table.Find(op);
}

}  // namespace vkd::cpu

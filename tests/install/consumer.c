/* A C program built against an installed vkdelegate, found through
 * find_package(vkdelegate) or pkg-config: it must compile with only the
 * public headers, link libvkdelegate.so and run. Given a model, it runs it
 * through the standalone API with profiling on and reads back every report
 * vkd-bench prints (placement, stats, dispatches, profile, graph). */
#include <stdio.h>
#include <string.h>

#include "vkdelegate/runner.h"
#include "vkdelegate/vkdelegate.h"

static int Check(VkdStatus s, const char* what) {
  if (s != kVkdOk) fprintf(stderr, "%s: %s\n", what, VkdLastError());
  return s != kVkdOk;
}

static int RunModel(const char* path) {
  VkdRunnerOptions o = VkdRunnerOptionsDefault();
  o.enable_profiling = 1;
  o.cache_dir = "";
  VkdRunner* r = NULL;
  if (Check(VkdRunnerCreateFromFile(path, &o, &r), "create")) return 1;
  int failed = Check(VkdRunnerAllocateTensors(r), "allocate");
  VkdTensorInfo in, out;
  failed = failed || Check(VkdRunnerInputInfo(r, 0, &in), "input info") ||
           Check(VkdRunnerOutputInfo(r, 0, &out), "output info");
  static unsigned char input[1 << 22], output[1 << 16];
  failed = failed || in.bytes > sizeof input || out.bytes > sizeof output;
  for (int i = 0; !failed && i < 2; ++i) {
    failed = Check(VkdRunnerSetInput(r, 0, input, in.bytes), "set input") ||
             Check(VkdRunnerInvoke(r), "invoke") ||
             Check(VkdRunnerGetOutput(r, 0, output, out.bytes), "get output");
  }
  VkdRunnerStats st;
  failed = failed || Check(VkdRunnerGetStats(r, &st), "stats");
  int dispatch_nodes = 0;
  for (int i = 0; !failed && i < VkdRunnerDispatchCount(r); ++i) {
    VkdDispatchInfo d;
    failed = Check(VkdRunnerDispatchInfo(r, i, &d), "dispatch");
    if (!failed) dispatch_nodes += d.num_nodes;
  }
  int graph_edges = 0;
  for (int n = 0; !failed && n < VkdRunnerNodeCount(r); ++n) {
    VkdNodeInfo node;
    failed = Check(VkdRunnerNodeInfo(r, n, &node), "node");
    if (!failed) graph_edges += node.num_inputs + node.num_outputs;
  }
  if (!failed) {
    printf(
        "model %s: %d nodes (%d on GPU, device '%s'), %d dispatches over %d nodes, "
        "%d profile entries, %d edges, read %.2f ms, %d tensors\n",
        path, st.nodes, st.nodes_on_gpu, st.device_name, VkdRunnerDispatchCount(r), dispatch_nodes,
        VkdRunnerProfileCount(r), graph_edges, st.read_ms, VkdRunnerTensorCount(r));
    /* Profiling was asked for: the invoke's steps were timed. */
    failed = VkdRunnerProfileCount(r) == 0 || st.nodes != VkdRunnerNodeCount(r);
  }
  VkdRunnerDelete(r);
  return failed;
}

int main(int argc, char** argv) {
  const char* version = VkdVersion();
  VkdDelegateOptions options = VkdDelegateOptionsDefault();
  if (version == NULL || strlen(version) == 0) return 1;
  printf("vkdelegate %s, fp16 by default: %d\n", version, (int)options.enable_fp16);
  return argc > 1 ? RunModel(argv[1]) : 0;
}

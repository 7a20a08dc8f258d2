#include "cpu_fallback/thread_pool.h"

#include <pthreadpool.h>

#include <algorithm>

namespace vkd::cpu {

namespace {

struct ChunkJob {
  const std::function<void(int64_t, int64_t)>* fn;
  int64_t n;
  int chunks;
};

// Chunk `c` of `chunks` equal-ish chunks of [0, n): the same split for any
// pool, so results never depend on which thread ran which chunk.
void RunChunk(void* context, size_t c) {
  const auto* job = static_cast<const ChunkJob*>(context);
  const int64_t begin = job->n * static_cast<int64_t>(c) / job->chunks;
  const int64_t end = job->n * (static_cast<int64_t>(c) + 1) / job->chunks;
  (*job->fn)(begin, end);
}

}  // namespace

ThreadPool::ThreadPool(int num_threads) : num_threads_(std::max(1, num_threads)) {
  if (num_threads_ > 1) {
    pool_ = pthreadpool_create(static_cast<size_t>(num_threads_));
    // Out of threads: run everything on the calling thread rather than fail.
    if (pool_ == nullptr) num_threads_ = 1;
  }
}

ThreadPool::~ThreadPool() {
  if (pool_ != nullptr) pthreadpool_destroy(pool_);
}

void ThreadPool::ParallelFor(int64_t n, int64_t min_chunk,
                             const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  int64_t max_chunks = std::max<int64_t>(1, n / std::max<int64_t>(1, min_chunk));
  int chunks = static_cast<int>(std::min<int64_t>(num_threads_, max_chunks));
  if (chunks <= 1 || pool_ == nullptr) {
    fn(0, n);
    return;
  }
  ChunkJob job{&fn, n, chunks};
  pthreadpool_parallelize_1d(pool_, RunChunk, &job, static_cast<size_t>(chunks), 0);
}

}  // namespace vkd::cpu

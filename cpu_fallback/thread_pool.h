// The interpreter's worker pool: pthreadpool (the pool XNNPACK and TFLite's
// XNNPACK delegate use) behind a small data-parallel API.
//
// Kernels split work with ParallelFor; the calling thread takes a share, so a
// pool of N threads runs N-1 workers. The same threads serve the XNNPACK
// float kernels (pthreadpool()), so the interpreter never holds two sets of
// workers competing for the cores. One pool serves one interpreter; it is
// not re-entrant (a ParallelFor body must not call ParallelFor).
#pragma once

#include <cstdint>
#include <functional>

// pthreadpool's C header, without pulling it into every kernel.
typedef struct pthreadpool* pthreadpool_t;

namespace vkd::cpu {

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int num_threads() const { return num_threads_; }

  // Calls fn(begin, end) on disjoint chunks covering [0, n). Chunks hold at
  // least `min_chunk` items, so tiny loops stay on the calling thread (waking
  // a worker costs microseconds). Returns when every chunk is done.
  void ParallelFor(int64_t n, int64_t min_chunk, const std::function<void(int64_t, int64_t)>& fn);

  // The underlying pthreadpool for libraries that take one (XNNPACK); null
  // for a single-threaded pool, which pthreadpool's users treat as "run on
  // the calling thread".
  pthreadpool_t pthreadpool() const { return pool_; }

 private:
  int num_threads_;
  pthreadpool_t pool_ = nullptr;
};

}  // namespace vkd::cpu

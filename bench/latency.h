// Latency statistics shared by the benchmark tools, so that every tool's
// "median" means the same thing.
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace vkd::tools {

struct LatencyStats {
  double min = 0, median = 0, mean = 0, max = 0;
  double std_dev = 0;       // population standard deviation, as benchmark_model's "std"
  double p90 = 0, p99 = 0;  // nearest-rank percentiles (p50 is the median)
  size_t count = 0;
};

// The nearest-rank percentile of sorted values: the smallest value with at
// least `p` percent of the values at or below it.
inline double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

inline LatencyStats Stats(std::vector<double> v) {
  LatencyStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.count = v.size();
  s.min = v.front();
  s.max = v.back();
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  double sq = 0;
  for (double x : v) sq += (x - s.mean) * (x - s.mean);
  s.std_dev = std::sqrt(sq / v.size());
  s.p90 = Percentile(v, 90);
  s.p99 = Percentile(v, 99);
  return s;
}

}  // namespace vkd::tools

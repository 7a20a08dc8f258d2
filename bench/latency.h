// Latency statistics shared by the benchmark tools, so that every tool's
// "median" means the same thing.
#pragma once

#include <algorithm>
#include <numeric>
#include <vector>

namespace vkd::tools {

struct LatencyStats {
  double min = 0, median = 0, mean = 0, max = 0;
};

inline LatencyStats Stats(std::vector<double> v) {
  LatencyStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.min = v.front();
  s.max = v.back();
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / v.size();
  s.median = v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
  return s;
}

}  // namespace vkd::tools

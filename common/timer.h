// A monotonic stopwatch in milliseconds, for the start-up and invoke figures
// the front doors report.
#pragma once

#include <chrono>

namespace vkd {

class Timer {
 public:
  Timer() : start_(Clock::now()) {}
  double ElapsedMs() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point start_;
};

}  // namespace vkd

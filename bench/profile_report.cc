#include "bench/profile_report.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <map>

namespace vkd::tools {

namespace {

using Kind = ProfileRow::Kind;

// The wall time of an invoke: CPU nodes plus GPU partitions.
double WallTotal(const std::vector<ProfileRow>& rows) {
  double total = 0;
  for (const ProfileRow& r : rows) {
    if (r.kind != Kind::kGpuDispatch) total += r.avg_ms;
  }
  return total;
}

double Percent(double ms, double total) { return total > 0 ? 100.0 * ms / total : 0.0; }

// The Top table's rows: the leaf work (CPU nodes, GPU dispatches) and, per
// partition, what its wall time holds beyond its dispatches.
std::vector<ProfileRow> LeafRows(const std::vector<ProfileRow>& rows) {
  std::vector<ProfileRow> leaves;
  std::map<int, double> dispatch_ms;
  for (const ProfileRow& r : rows) {
    if (r.kind == Kind::kGpuDispatch) dispatch_ms[r.partition] += r.avg_ms;
  }
  for (const ProfileRow& r : rows) {
    if (r.kind != Kind::kGpuPartition) {
      leaves.push_back(r);
      continue;
    }
    ProfileRow rest = r;
    rest.node_type = "GPU_HOST";
    rest.name = "partition " + std::to_string(r.partition) +
                ": wall - dispatches (submit, wait, staging copies)";
    rest.avg_ms = std::max(0.0, r.avg_ms - dispatch_ms[r.partition]);
    rest.first_ms = 0;
    leaves.push_back(rest);
  }
  std::stable_sort(leaves.begin(), leaves.end(),
                   [](const ProfileRow& a, const ProfileRow& b) { return a.avg_ms > b.avg_ms; });
  return leaves;
}

struct TypeSummary {
  std::string type;
  int count = 0;
  double ms = 0;
  int64_t called = 0;
};

std::vector<TypeSummary> ByType(const std::vector<ProfileRow>& leaves) {
  std::map<std::string, TypeSummary> m;
  for (const ProfileRow& r : leaves) {
    const std::string key =
        (r.kind == Kind::kCpuNode ? "" : "GPU:") + (r.node_type.empty() ? "?" : r.node_type);
    TypeSummary& t = m[key];
    t.type = key;
    ++t.count;
    t.ms += r.avg_ms;
    t.called += r.times_called;
  }
  std::vector<TypeSummary> out;
  for (auto& [k, v] : m) out.push_back(v);
  std::stable_sort(out.begin(), out.end(),
                   [](const TypeSummary& a, const TypeSummary& b) { return a.ms > b.ms; });
  return out;
}

std::string Line(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string Line(const char* fmt, ...) {
  char buf[1024];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

const char* kRowHeader = "\t%24s\t%12s\t%12s\t%10s\t%10s\t%10s\t%14s\t%s\n";

std::string RowLine(const ProfileRow& r, double total, double cdf, bool indent) {
  return Line("\t%24s\t%12.3f\t%12.3f\t%9.3f%%\t%9.3f%%\t%10.3f\t%14lld\t[%s%s]\n",
              r.node_type.c_str(), r.first_ms, r.avg_ms, Percent(r.avg_ms, total), cdf, 0.0,
              static_cast<long long>(r.times_called), indent ? "  " : "", r.name.c_str());
}

std::string Csv(const std::string& s) {
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::string ProfileTables(const std::vector<ProfileRow>& rows, int top) {
  const double total = WallTotal(rows);
  std::string s;
  s += "============================== Run Order ==============================\n";
  s += Line(kRowHeader, "[node type]", "[first]", "[avg ms]", "[%]", "[cdf%]", "[mem KB]",
            "[times called]", "[Name]");
  double cdf = 0;
  for (const ProfileRow& r : rows) {
    const bool dispatch = r.kind == Kind::kGpuDispatch;
    if (!dispatch) cdf += Percent(r.avg_ms, total);
    s += RowLine(r, total, cdf, dispatch);
  }
  s += "\n============================== Top by Computation Time ==============================\n";
  s += Line(kRowHeader, "[node type]", "[first]", "[avg ms]", "[%]", "[cdf%]", "[mem KB]",
            "[times called]", "[Name]");
  cdf = 0;
  int shown = 0;
  for (const ProfileRow& r : LeafRows(rows)) {
    if (shown++ >= top) break;
    cdf += Percent(r.avg_ms, total);
    s += RowLine(r, total, cdf, false);
  }
  s += "\n============================== Summary by node type ==============================\n";
  s += Line("\t%24s\t%10s\t%12s\t%10s\t%10s\t%10s\t%14s\n", "[Node type]", "[count]", "[avg ms]",
            "[avg %]", "[cdf %]", "[mem KB]", "[times called]");
  cdf = 0;
  for (const TypeSummary& t : ByType(LeafRows(rows))) {
    cdf += Percent(t.ms, total);
    s += Line("\t%24s\t%10d\t%12.3f\t%9.3f%%\t%9.3f%%\t%10.3f\t%14lld\n", t.type.c_str(), t.count,
              t.ms, Percent(t.ms, total), cdf, 0.0, static_cast<long long>(t.called));
  }
  s += Line("\nTimings (microseconds): count=1 curr=%.0f\n", total * 1000);
  s += "GPU rows are dispatch timestamps; GPU_PARTITION rows are the partitions' wall time.\n";
  return s;
}

std::string ProfileCsv(const std::vector<ProfileRow>& rows) {
  const double total = WallTotal(rows);
  std::string s = "Run Order\nnode type,first,avg_ms,%,cdf%,mem KB,times called,name,placement\n";
  auto row = [&](const ProfileRow& r, double cdf) {
    const char* where = r.kind == Kind::kCpuNode       ? "cpu"
                        : r.kind == Kind::kGpuDispatch ? "gpu"
                                                       : "gpu-wall";
    s += Csv(r.node_type) +
         Line(",%.6f,%.6f,%.4f,%.4f,0,%lld,", r.first_ms, r.avg_ms, Percent(r.avg_ms, total), cdf,
              static_cast<long long>(r.times_called)) +
         Csv(r.name) + "," + where + "\n";
  };
  double cdf = 0;
  for (const ProfileRow& r : rows) {
    if (r.kind != Kind::kGpuDispatch) cdf += Percent(r.avg_ms, total);
    row(r, cdf);
  }
  s += "\nTop by Computation Time\nnode type,first,avg_ms,%,cdf%,mem KB,times called,name,"
       "placement\n";
  cdf = 0;
  for (const ProfileRow& r : LeafRows(rows)) {
    cdf += Percent(r.avg_ms, total);
    row(r, cdf);
  }
  s += "\nSummary by node type\nnode type,count,avg_ms,avg %,cdf %,mem KB,times called\n";
  cdf = 0;
  for (const TypeSummary& t : ByType(LeafRows(rows))) {
    cdf += Percent(t.ms, total);
    s += Csv(t.type) + Line(",%d,%.6f,%.4f,%.4f,0,%lld\n", t.count, t.ms, Percent(t.ms, total), cdf,
                            static_cast<long long>(t.called));
  }
  return s;
}

}  // namespace vkd::tools

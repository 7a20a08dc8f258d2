#include "bench/svg_report.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>
#include <set>

#include "bench/svg_text.h"

namespace vkd::tools {
namespace {

using svg::Chars;
using svg::Diamond;
using svg::Fit;
using svg::Fmt;
using svg::Header;
using svg::Hue;
using svg::Rect;
using svg::Sanitize;
using svg::Text;
using svg::Xml;

// --- the partition picture -------------------------------------------------------

// Boxes sit in slots on a grid of rows (one graph layer, or a part of a wide
// one) and columns (a deep graph wraps). Edges between adjacent rows are
// straight; others run orthogonally through the gaps between rows and the
// gutters between columns, so no edge ever crosses a box.
constexpr int kBoxW = 150, kBoxH = 30, kGapX = 12, kGapY = 18, kGutter = 40, kMaxPerRow = 6;
constexpr int kSlotW = kBoxW + kGapX, kPitch = kBoxH + kGapY, kMinRowsPerColumn = 16;
constexpr const char *kCross = "#d62728", *kFused = "#6a3d9a";

struct Item {  // a box: a node, or a graph input or output
  Item(int n, int t, bool out) : node(n), tensor(t), output(out), depth(n >= 0 || out) {}
  int node, tensor;  // node index, or -1 and the graph input's or output's tensor
  bool output;
  int depth, row = 0, x = 0, y = 0;
  double rel = 0;          // place in its row, in slots from the row's centre
  std::vector<int> preds;  // items whose tensors it reads, one per edge
};

struct Edge {
  int from, to, tensor;
  bool cross;
};

struct PartitionPicture {
  PartitionPicture(const PlacementView& view, const ir::Graph& graph) : v(view), g(graph) {}
  const PlacementView& v;
  const ir::Graph& g;
  std::vector<Item> items;
  std::vector<Edge> edges;
  std::vector<int> col_x, col_slots, group_of;  // group_of: per node, its fused group or -1
  int per_col = 1, graph_w = 0, graph_h = 0;

  int Part(int n) const {
    return n >= 0 && n < static_cast<int>(v.node_partition.size())
               ? std::max(v.node_partition[n], -1)
               : -1;
  }
  std::string Reason(int n) const {
    return n < static_cast<int>(v.cpu_reason.size()) ? v.cpu_reason[n] : "";
  }
  std::string Group(int k) const {
    std::string s = Fmt("fused group %d: nodes", k);
    for (size_t i = 0; i < v.fused_groups[k].size(); ++i) {
      s += (i ? "," : " ") + std::to_string(v.fused_groups[k][i]);
    }
    return s;
  }

  // Items and edges; depth is the longest path from the graph inputs (the IR's
  // node order is topological, so one pass suffices).
  void Build() {
    const int nt = static_cast<int>(g.tensors.size()), nn = static_cast<int>(g.nodes.size());
    std::vector<int> producer(nt, -1);
    auto add_edge = [&](int t, int to, size_t first) {  // edges into `to` start at `first`
      if (t < 0 || t >= nt || producer[t] < 0) return;
      for (size_t e = first; e < edges.size(); ++e) {
        if (edges[e].tensor == t) return;  // ADD(x, x): one edge
      }
      const int from = producer[t], a = items[from].node, b = items[to].node;
      edges.push_back({from, to, t, a >= 0 && b >= 0 && Part(a) != Part(b)});
      items[to].preds.push_back(from);
      items[to].depth = std::max(items[to].depth, items[from].depth + 1);
    };
    for (int t : g.inputs) {
      if (t < 0 || t >= nt) continue;
      producer[t] = static_cast<int>(items.size());
      items.emplace_back(-1, t, false);
    }
    for (int n = 0; n < nn; ++n) {
      const int id = static_cast<int>(items.size());
      items.emplace_back(n, -1, false);
      const size_t first = edges.size();
      for (int t : g.nodes[n].inputs) add_edge(t, id, first);
      for (int t : g.nodes[n].outputs) {
        if (t >= 0 && t < nt) producer[t] = id;
      }
    }
    for (int t : g.outputs) {
      if (t < 0 || t >= nt) continue;
      items.emplace_back(-1, t, true);
      add_edge(t, static_cast<int>(items.size()) - 1, edges.size());
    }
    group_of.assign(nn, -1);
    for (size_t k = 0; k < v.fused_groups.size(); ++k) {
      for (int n : v.fused_groups[k]) {
        if (v.fused_groups[k].size() > 1 && n >= 0 && n < nn && group_of[n] < 0) group_of[n] = k;
      }
    }
  }

  void Layout() {
    int max_depth = 0;
    for (const Item& it : items) max_depth = std::max(max_depth, it.depth);
    std::vector<std::vector<int>> layers(max_depth + 1), rows;
    for (int i = 0; i < static_cast<int>(items.size()); ++i) layers[items[i].depth].push_back(i);
    for (const std::vector<int>& layer : layers) {
      // Barycentre order: each box under the mean place of its producers, which
      // keeps chains straight and branches side by side.
      std::vector<double> key(layer.size(), 0.0);
      for (size_t k = 0; k < layer.size(); ++k) {
        const std::vector<int>& p = items[layer[k]].preds;
        for (int q : p) key[k] += items[q].rel / p.size();
      }
      std::vector<int> order(layer.size());
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return key[a] < key[b]; });
      const int size = static_cast<int>(layer.size()), nrows = (size + kMaxPerRow - 1) / kMaxPerRow;
      for (int r = 0; r < nrows; ++r) {
        const int b = size * r / nrows, e = size * (r + 1) / nrows;
        rows.emplace_back();
        for (int k = b; k < e; ++k) {
          Item& it = items[layer[order[k]]];
          it.row = static_cast<int>(rows.size()) - 1;
          it.rel = (k - b) - (e - b - 1) / 2.0;
          rows.back().push_back(layer[order[k]]);
        }
      }
    }
    // Wrap into the number of columns whose bounding box is smallest at 16:10.
    const int nr = static_cast<int>(rows.size());
    auto columns = [&](int per) {
      col_slots.assign((nr + per - 1) / per, 0);
      for (int r = 0; r < nr; ++r) {
        col_slots[r / per] = std::max(col_slots[r / per], static_cast<int>(rows[r].size()));
      }
      return kGutter + std::accumulate(col_slots.begin(), col_slots.end(), 0) * kSlotW +
             static_cast<int>(col_slots.size()) * kGutter;
    };
    for (int ncols = 1, best = std::numeric_limits<int>::max();
         ncols <= std::max(1, nr / kMinRowsPerColumn); ++ncols) {
      const int per = std::max(1, (nr + ncols - 1) / ncols);
      const int score = std::max(columns(per), per * kPitch * 16 / 10);
      if (score < best) best = score, per_col = per;
    }
    graph_w = columns(per_col);
    graph_h = std::min(nr, per_col) * kPitch;
    for (size_t c = 0, x = kGutter; c < col_slots.size(); x += col_slots[c++] * kSlotW + kGutter) {
      col_x.push_back(static_cast<int>(x));
    }
    for (int r = 0; r < nr; ++r) {
      const int c = r / per_col, m = static_cast<int>(rows[r].size());
      for (int k = 0; k < m; ++k) {
        Item& it = items[rows[r][k]];
        it.x = col_x[c] + (col_slots[c] - m) * kSlotW / 2 + k * kSlotW + kGapX / 2;
        it.y = (r % per_col) * kPitch + kGapY / 2;
      }
    }
  }

  std::string EdgeSvg(const Edge& e, int entry, int entries, std::vector<int>* lanes) const {
    const Item &a = items[e.from], &b = items[e.to];
    const int ax = a.x + kBoxW / 2, ay = a.y + kBoxH, by = b.y;
    const int bx = b.x + kBoxW * (entry + 1) / (entries + 1);
    const int ca = a.row / per_col, cb = b.row / per_col;
    std::string points = Fmt("%d,%d %d,%d", ax, ay, bx, by);
    if (ca != cb || b.row != a.row + 1) {
      // Out into the gap below `a`, along a gutter lane (left of a's column
      // for skips within it, else right of it), in along the gap above `b`.
      // Lanes alternate so that parallel edges stay apart.
      const int lane = ca == cb ? col_x[ca] - 6 - 4 * ((*lanes)[2 * ca]++ % 4)
                                : col_x[ca + 1] - kGutter + 6 + 4 * ((*lanes)[2 * ca + 1]++ % 4);
      const int y1 = ay + kGapY / 2, y2 = by - kGapY / 2;
      points = Fmt("%d,%d %d,%d %d,%d %d,%d %d,%d %d,%d", ax, ay, ax, y1, lane, y1, lane, y2, bx,
                   y2, bx, by);
    }
    auto side = [&](int n) { return Part(n) < 0 ? std::string("CPU") : Fmt("GPU p%d", Part(n)); };
    std::string tip = ir::TensorLabel(g, e.tensor);
    if (e.cross) tip += ": " + side(a.node) + " -> " + side(b.node);
    const char* color = e.cross ? kCross : "#8c8c8c";
    return Fmt("<g class=\"%s\"><title>%s</title>\n", e.cross ? "cross" : "edge",
               Xml(tip).c_str()) +
           Fmt("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n",
               points.c_str(), color, e.cross ? "1.6" : "1",
               e.cross ? " stroke-dasharray=\"5,3\"" : "") +
           Fmt("<path d=\"M%d,%d L%d,%d L%d,%d Z\" fill=\"%s\"/>\n", bx - 3, by - 6, bx + 3, by - 6,
               bx, by, color) +
           (e.cross ? Diamond(ax, ay + 1, kCross) : "") + "</g>\n";
  }

  std::string BoxSvg(const Item& it) const {
    std::string tip, line1, line2, style = "rx=\"12\" fill=\"#ffffff\" stroke=\"#404040\"";
    if (it.node < 0) {
      const ir::Tensor& t = g.tensors[it.tensor];
      tip = (it.output ? "graph output " : "graph input ") + ir::TensorLabel(g, it.tensor);
      line1 = (it.output ? "output '" : "input '") + t.name + "'";
      line2 = std::string(ir::DataTypeName(t.type)) + " " + ir::ShapeToString(t.shape);
    } else {
      const ir::Node& node = g.nodes[it.node];
      const int p = Part(it.node);
      const std::string reason = Reason(it.node);
      tip = ir::NodeLabel(g, it.node) +
            (p >= 0 ? Fmt("\nGPU partition %d", p)
                    : "\nCPU: " + (reason.empty() ? std::string("no reason given") : reason));
      line1 = "#" + std::to_string(it.node) + " " +
              (node.op == ir::OpType::kCustom ? node.custom_name : ir::OpTypeName(node.op));
      line2 = p >= 0 ? Fmt("gpu p%d", p) : reason.empty() ? "cpu" : "cpu: " + reason;
      style = p >= 0 ? Fmt("fill=\"%s\" stroke=\"%s\"", Hue(p, 0.82).c_str(), Hue(p, 0.35).c_str())
                     : "fill=\"#d9d9d9\" stroke=\"#7f7f7f\"";
      style = "rx=\"3\" " + style + " class=\"node\"";
      if (group_of[it.node] >= 0) tip += "\n" + Group(group_of[it.node]);
      for (int t : node.inputs) tip += t >= 0 ? "\nin: " + ir::TensorLabel(g, t) : "";
      for (int t : node.outputs) tip += t >= 0 ? "\nout: " + ir::TensorLabel(g, t) : "";
      const int out = node.outputs.empty() ? -1 : node.outputs[0];
      if (p >= 0 && out >= 0 && out < static_cast<int>(g.tensors.size())) {
        line2 += " " + ir::ShapeToString(g.tensors[out].shape);
      }
    }
    if (it.node < 0) style += " class=\"io\"";
    // Monospace at 0.6 em: 10 px text fits 22 characters in the box, 9 px 25.
    return Fmt("<g><title>%s</title>\n", Xml(tip).c_str()) + Rect(it.x, it.y, kBoxW, kBoxH, style) +
           Text(it.x + 6, it.y + 13, 10, Fit(line1, 22), " font-weight=\"bold\"") +
           Text(it.x + 6, it.y + 25, 9, Fit(line2, 25)) + "</g>\n";
  }

  // One outline per column a group spans; where that box would take in other
  // boxes (a branch beside the group), each member is outlined instead.
  std::string FusedSvg() const {
    std::string s;
    for (int k = 0; k < static_cast<int>(v.fused_groups.size()); ++k) {
      auto member = [&](const Item& it) { return it.node >= 0 && group_of[it.node] == k; };
      std::vector<std::vector<int>> box(col_x.size());  // per column: x0, y0, x1, y1
      for (const Item& it : items) {
        if (!member(it)) continue;
        std::vector<int>& b = box[it.row / per_col];
        if (b.empty()) b = {it.x, it.y, it.x, it.y};
        b = {std::min(b[0], it.x), std::min(b[1], it.y), std::max(b[2], it.x + kBoxW),
             std::max(b[3], it.y + kBoxH)};
      }
      const std::string attrs =
          Fmt("rx=\"6\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" class=\"fused\"", kFused);
      for (size_t c = 0; c < box.size(); ++c) {
        const std::vector<int>& b = box[c];
        if (b.empty()) continue;
        bool alone = true;
        for (const Item& it : items) {
          alone = alone && (member(it) || it.x >= b[2] || it.x + kBoxW <= b[0] || it.y >= b[3] ||
                            it.y + kBoxH <= b[1]);
        }
        s += Fmt("<g><title>%s</title>\n", Xml(Group(k)).c_str());
        if (alone) s += Rect(b[0] - 4, b[1] - 4, b[2] - b[0] + 8, b[3] - b[1] + 8, attrs);
        for (const Item& it : items) {
          if (!alone && member(it) && it.row / per_col == static_cast<int>(c)) {
            s += Rect(it.x - 4, it.y - 4, kBoxW + 8, kBoxH + 8, attrs);
          }
        }
        s += "</g>\n";
      }
    }
    return s;
  }
};

}  // namespace

std::string PartitionSvg(const PlacementView& view, const std::string& title) {
  static const ir::Graph kEmpty;
  PartitionPicture pic(view, view.graph ? *view.graph : kEmpty);
  pic.Build();
  pic.Layout();
  const int num_nodes = static_cast<int>(pic.g.nodes.size());
  std::set<int> parts, cross_tensors;
  int on_gpu = 0, num_groups = 0;
  for (int n = 0; n < num_nodes; ++n) {
    if (pic.Part(n) >= 0) parts.insert(pic.Part(n)), ++on_gpu;
  }
  for (const Edge& e : pic.edges) {
    if (e.cross) cross_tensors.insert(e.tensor);
  }
  for (const auto& group : view.fused_groups) num_groups += group.size() > 1;
  const std::string summary =
      Fmt("%d nodes: %d on GPU in %zu partition(s), %d on CPU; %d fused group(s); %zu tensor(s) "
          "cross CPU/GPU or partitions",
          num_nodes, on_gpu, parts.size(), num_nodes - on_gpu, num_groups, cross_tensors.size());

  // The legend flows left to right, wrapping at the graph's width.
  std::string legend;
  const int wrap = std::max(pic.graph_w, 720);
  int lx = 12, ly = 70, legend_w = 0;
  auto item = [&](const std::string& text, const std::string& swatch) {
    const int w = 48 + Chars(text) * 7;
    if (lx + w > wrap && lx > 12) lx = 12, ly += 20;
    legend += !swatch.empty() ? Rect(lx, ly - 10, 22, 12, swatch)
                              : Fmt("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                                    "stroke-width=\"1.6\" stroke-dasharray=\"5,3\"/>\n",
                                    lx, ly - 4, lx + 22, ly - 4, kCross) +
                                    Diamond(lx + 3, ly - 8, kCross);
    legend += Text(lx + 28, ly, 11, Xml(text));
    lx += w;
    legend_w = std::max(legend_w, lx);
  };
  for (int p : parts) {
    item(Fmt("GPU partition %d", p),
         Fmt("fill=\"%s\" stroke=\"%s\"", Hue(p, 0.82).c_str(), Hue(p, 0.35).c_str()));
  }
  item("CPU (box: reason)", "fill=\"#d9d9d9\" stroke=\"#7f7f7f\"");
  item("graph input/output", "rx=\"5\" fill=\"#ffffff\" stroke=\"#404040\"");
  item("fused group (one dispatch)",
       Fmt("rx=\"3\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"", kFused));
  item("tensor crosses CPU/GPU or partitions", "");

  const int top = ly + 16;
  for (Item& it : pic.items) it.y += top;
  const int width = std::max(
      {pic.graph_w, legend_w + 12, Chars(Sanitize(title)) * 11 + 24, Chars(summary) * 7 + 24});
  std::string s = Header(width, top + pic.graph_h + 8) +
                  Text(12, 28, 18, Xml(title), " font-weight=\"bold\"") +
                  Text(12, 50, 11, Xml(summary)) + legend + pic.FusedSvg();
  // Edges enter spread along each box's top; crossing ones are drawn last, on top.
  std::vector<int> entries(pic.items.size()), entry(pic.edges.size()), lanes(2 * pic.col_x.size());
  for (size_t e = 0; e < pic.edges.size(); ++e) entry[e] = entries[pic.edges[e].to]++;
  for (bool cross : {false, true}) {
    for (size_t e = 0; e < pic.edges.size(); ++e) {
      const Edge& edge = pic.edges[e];
      if (edge.cross == cross) s += pic.EdgeSvg(edge, entry[e], entries[edge.to], &lanes);
    }
  }
  for (const Item& it : pic.items) s += pic.BoxSvg(it);
  return s + "</svg>\n";
}

std::string ProfileSvg(const std::vector<ProfileBar>& bars, const std::string& title) {
  // A label column, the bars, then "ms  %" after each bar.
  constexpr int kLeft = 12, kLabelW = 300, kBarW = 600, kWidth = kLeft * 2 + kLabelW + kBarW + 160;
  constexpr int kLabelled = 30, kMaxThin = 400;
  constexpr const char *kGpu = "#4e79a7", *kCpu = "#f28e2b";
  const size_t n = bars.size();
  std::vector<double> ms(n);
  double total = 0, gpu = 0, max_ms = 0;
  int num_gpu = 0;
  auto is_gpu = [&](size_t i) { return bars[i].placement == "gpu" || bars[i].placement == "GPU"; };
  for (size_t i = 0; i < n; ++i) {
    ms[i] = std::isfinite(bars[i].ms) && bars[i].ms > 0 ? bars[i].ms : 0;  // NaN would poison sums
    total += ms[i];
    max_ms = std::max(max_ms, ms[i]);
    if (is_gpu(i)) gpu += ms[i], ++num_gpu;
  }
  auto color = [&](size_t i) {
    return is_gpu(i)                                                  ? kGpu
           : bars[i].placement == "cpu" || bars[i].placement == "CPU" ? kCpu
                                                                      : "#9a9a9a";
  };
  auto pct = [&](double v) { return total > 0 ? 100.0 * v / total : 0.0; };
  auto tip = [&](size_t i) {
    return Xml(Fmt("%s (%s): %.3f ms, %.1f%%", bars[i].label.c_str(), bars[i].placement.c_str(),
                   ms[i], pct(ms[i])));
  };
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ms[a] > ms[b]; });

  std::string body;
  int y = 50;
  body += Text(kLeft, y, 11,
               Xml(Fmt("%.3f ms per invoke: GPU %.3f ms (%.1f%%) in %d dispatch(es), CPU %.3f ms "
                       "(%.1f%%) in %zu node(s)",
                       total, gpu, pct(gpu), num_gpu, total - gpu, pct(total - gpu), n - num_gpu)));
  body += Rect(kWidth - 230, 57, 14, 10, Fmt("fill=\"%s\"", kGpu)) +
          Text(kWidth - 212, 66, 11, "GPU dispatch") +
          Rect(kWidth - 110, 57, 14, 10, Fmt("fill=\"%s\"", kCpu)) +
          Text(kWidth - 92, 66, 11, "CPU node");
  body += Text(kLeft, 66, 11, "one invoke in execution order (width = time):");
  if (total <= 0) {
    body += Text(kLeft, 96, 14, "no timing data");
    return Header(kWidth, 110) + Text(kLeft, 28, 18, Xml(title), " font-weight=\"bold\"") + body +
           "</svg>\n";
  }
  // The strip: every bar in run order, so long serial stretches stand out.
  constexpr int strip_w = kWidth - 2 * kLeft;
  double cx = kLeft;
  for (size_t i = 0; i < n; ++i) {
    const double w = strip_w * ms[i] / total;
    body +=
        Fmt("<g><title>%s</title><rect x=\"%.2f\" y=\"72\" width=\"%.2f\" height=\"20\" "
            "fill=\"%s\"/></g>\n",
            tip(i).c_str(), cx, w, color(i));
    cx += w;
  }
  body += Rect(kLeft, 72, strip_w, 20, "fill=\"none\" stroke=\"#404040\" stroke-width=\"0.5\"") +
          Text(kLeft, 106, 10, "0 ms") +
          Text(kLeft + strip_w, 106, 10, Fmt("%.3f ms", total), " text-anchor=\"end\"");

  // The chart: ticks at 1, 2 or 5 times a power of ten.
  y = 134;
  body += Text(kLeft, y, 11, "ms per dispatch (GPU) and per node (CPU), slowest first:");
  const double raw = max_ms / 5, mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
  const size_t labelled = std::min<size_t>(n, kLabelled),
               thin = std::min(n - labelled, size_t{kMaxThin});
  const int chart_top = y + 24, chart_h = static_cast<int>(labelled * 20 + thin * 4);
  for (int k = 0; k * step <= max_ms * 1.0001; ++k) {
    const double tx = kLeft + kLabelW + kBarW * k * step / max_ms;
    body += Fmt("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>\n", tx,
                chart_top - 4, tx, chart_top + chart_h);
    body += Text(tx, chart_top - 8, 10, Fmt("%g", k * step), " text-anchor=\"middle\"");
  }
  y = chart_top;
  for (size_t r = 0; r < labelled + thin; ++r) {
    const size_t i = order[r];
    const double w = kBarW * ms[i] / max_ms;
    const int h = r < labelled ? 14 : 3;
    body +=
        Fmt("<g><title>%s</title><rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.2f\" "
            "height=\"%d\" fill=\"%s\"/>\n",
            tip(i).c_str(), kLeft + kLabelW, y, w, h, color(i));
    if (r == labelled) {  // the unlabelled tail, summed up in the label column
      double rest = 0;
      for (size_t k = labelled; k < n; ++k) rest += ms[order[k]];
      body +=
          Text(kLeft + kLabelW - 6, y + 10, 11,
               Fmt("%zu more%s: %.3f ms (%.1f%%)", n - labelled,
                   n - labelled > thin ? Fmt(" (%zu drawn)", thin).c_str() : "", rest, pct(rest)),
               " text-anchor=\"end\"");
    }
    if (r < labelled) {
      body += Text(kLeft + kLabelW - 6, y + 11, 11, Fit(bars[i].label, 41), " text-anchor=\"end\"");
      body += Text(kLeft + kLabelW + w + 6, y + 11, 11, Fmt("%.3f ms  %.1f%%", ms[i], pct(ms[i])));
    }
    body += "</g>\n";
    y += r < labelled ? 20 : 4;
  }
  return Header(kWidth, y + 12) + Text(kLeft, 28, 18, Xml(title), " font-weight=\"bold\"") + body +
         "</svg>\n";
}

Status WriteSvgFile(const std::string& path, const std::string& svg) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return NotFoundError("cannot write '" + path + "': " + std::strerror(errno));
  const bool written = std::fwrite(svg.data(), 1, svg.size(), f) == svg.size();
  if (std::fclose(f) != 0 || !written) {
    return InternalError("cannot write '" + path + "': " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace vkd::tools

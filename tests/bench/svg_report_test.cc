// vkd-bench's SVG pictures: placement marks, escaping, layout at real-model
// sizes, profile ordering, and (where rsvg-convert exists) that they render.
#include "bench/svg_report.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <regex>

#include "model/writer/graph_builder.h"

namespace vkd::tools {
namespace {

using ir::DataType;
using ir::OpType;

struct Rect {
  int x, y, w, h;
};

// The node boxes PartitionSvg emits (class "node"; inputs/outputs are "io").
std::vector<Rect> NodeRects(const std::string& svg) {
  static const std::regex kRect(
      "<rect x=\"(-?\\d+)\" y=\"(-?\\d+)\" width=\"(\\d+)\" height=\"(\\d+)\" [^>]*class=\"node\"");
  std::vector<Rect> rects;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kRect); it != std::sregex_iterator();
       ++it) {
    rects.push_back(
        {std::stoi((*it)[1]), std::stoi((*it)[2]), std::stoi((*it)[3]), std::stoi((*it)[4])});
  }
  return rects;
}

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

// The declared width and height of the <svg> element.
std::pair<int, int> SvgSize(const std::string& svg) {
  std::smatch m;
  static const std::regex kSize("<svg [^>]*width=\"(\\d+)\" height=\"(\\d+)\"");
  if (!std::regex_search(svg, m, kSize)) return {-1, -1};
  return {std::stoi(m[1]), std::stoi(m[2])};
}

// Every '&' starts an entity, and no raw '>' hides in text (a raw '<' would
// break the XML, which RsvgConvertRendersBoth catches).
void ExpectEscaped(const std::string& svg) {
  static const std::regex kBadAmp("&(?!amp;|lt;|gt;|quot;)");
  EXPECT_FALSE(std::regex_search(svg, kBadAmp));
  static const std::regex kBadText(">[^<]*>[^<]*<");
  EXPECT_FALSE(std::regex_search(svg, kBadText));
}

// in -> RELU -> RELU (GPU partition 0, fused) -> CUSTOM (CPU) -> ADD(custom, relu0) (GPU
// partition 1) -> out.
struct Mixed {
  std::unique_ptr<ir::Graph> graph;  // on the heap: view.graph stays valid as Mixed moves
  PlacementView view;
};
Mixed MixedGraph() {
  writer::GraphBuilder b;
  int in = b.AddInput(DataType::kFloat32, {1, 8}, "in");
  int r0 = b.AddTensor(DataType::kFloat32, {1, 8}, "relu0");
  b.AddNode(OpType::kRelu, {in}, {r0});
  int r1 = b.AddTensor(DataType::kFloat32, {1, 8}, "relu1");
  b.AddNode(OpType::kRelu, {r0}, {r1});
  int c = b.AddTensor(DataType::kFloat32, {1, 8}, "my<&>\"op");
  b.AddNode(OpType::kCustom, {r1}, {c});
  int out = b.AddTensor(DataType::kFloat32, {1, 8}, "out");
  b.AddNode(OpType::kAdd, {c, r0}, {out}, ir::ElementwiseOptions{});
  b.MarkOutput(out);
  Mixed m{std::make_unique<ir::Graph>(b.Build()), {}};
  m.graph->nodes[2].custom_name = "Weird<Op>";
  m.view = {m.graph.get(), {0, 0, -1, 1}, {"", "", "int16 <&>\"", ""}, {{0, 1}, {3}}};
  return m;
}

// Like deeplabv3 or movenet: a chain of residual blocks with occasional
// two-way branches, `n` nodes; some CPU stretches split the GPU partitions.
Mixed ChainWithBranches(int n) {
  writer::GraphBuilder b;
  int x = b.AddInput(DataType::kFloat32, {1, 16, 16, 8}, "image");
  int nodes = 0;
  auto op = [&](OpType type, std::vector<int32_t> inputs) {
    int t = b.AddTensor(DataType::kFloat32, {1, 16, 16, 8}, "t" + std::to_string(nodes));
    b.AddNode(type, inputs, {t},
              type == OpType::kAdd ? ir::OpOptions{ir::ElementwiseOptions{}} : ir::OpOptions{});
    ++nodes;
    return t;
  };
  for (int block = 0; nodes < n; ++block) {
    if (block % 4 == 3 && nodes + 3 <= n) {
      int a = op(OpType::kRelu, {x}), c = op(OpType::kLogistic, {x});
      x = op(OpType::kAdd, {a, c});
    } else if (nodes + 3 <= n) {
      int a = op(OpType::kRelu, {x});
      x = op(OpType::kAdd, {x, op(OpType::kRelu, {a})});
    } else {
      x = op(OpType::kRelu, {x});
    }
  }
  b.MarkOutput(x);
  Mixed m{std::make_unique<ir::Graph>(b.Build()), {}};
  m.view.graph = m.graph.get();
  for (int i = 0, part = 0; i < n; ++i) {
    const bool cpu = i % 50 == 20 || i % 50 == 21;
    if (cpu && i % 50 == 21) ++part;
    m.view.node_partition.push_back(cpu ? -1 : part);
    m.view.cpu_reason.push_back(cpu ? "op is not supported by the GPU compiler at this version"
                                    : "");
    if (i % 10 == 0 && i + 1 < n) m.view.fused_groups.push_back({i, i + 1});
  }
  return m;
}

TEST(SvgPartition, MarksPlacementCrossingsAndGroups) {
  Mixed m = MixedGraph();
  const std::string svg = PartitionSvg(m.view, "mixed <model> & \"friends\"");
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_EQ(NodeRects(svg).size(), 4u);
  EXPECT_EQ(Count(svg, "class=\"io\""), 2) << "one input, one output";
  EXPECT_EQ(Count(svg, "class=\"fused\""), 1) << "{3} alone is not a fused group";
  // relu1 -> CUSTOM (GPU -> CPU), CUSTOM -> ADD (CPU -> GPU), relu0 -> ADD (partition 0 -> 1).
  EXPECT_EQ(Count(svg, "<g class=\"cross\">"), 3);
  EXPECT_EQ(Count(svg, "class=\"cross-marker\""), 3 + 1)
      << "one per crossing edge, one in the legend";
  EXPECT_EQ(Count(svg, "<g class=\"edge\">"), 3) << "in->relu0, relu0->relu1, add->out";
  EXPECT_NE(svg.find("cpu: int16 &lt;&amp;&gt;&quot;"), std::string::npos) << "reason in the box";
  EXPECT_NE(svg.find("CPU: int16 &lt;&amp;&gt;&quot;"), std::string::npos) << "and in <title>";
  EXPECT_NE(svg.find("#2 Weird&lt;Op&gt;"), std::string::npos);
  EXPECT_NE(svg.find("my&lt;&amp;&gt;&quot;op"), std::string::npos);
  EXPECT_NE(svg.find("mixed &lt;model&gt; &amp; &quot;friends&quot;"), std::string::npos);
  EXPECT_NE(svg.find("gpu p1"), std::string::npos);
  EXPECT_NE(svg.find("fused group 0: nodes 0,1"), std::string::npos);
  ExpectEscaped(svg);
  EXPECT_EQ(svg, PartitionSvg(m.view, "mixed <model> & \"friends\"")) << "deterministic";
}

TEST(SvgPartition, SurvivesBadInput) {
  Mixed m = MixedGraph();
  m.graph->tensors[1].name = std::string("bad\xff\x01utf8\xed\xa0\x80", 12);
  m.view.node_partition = {0};  // shorter than the graph: the rest count as CPU
  m.view.cpu_reason.clear();
  const std::string svg = PartitionSvg(m.view, "t");
  EXPECT_NE(svg.find("bad? utf8???"), std::string::npos);
  EXPECT_EQ(NodeRects(svg).size(), 4u);
  EXPECT_NE(PartitionSvg(PlacementView{}, "no graph").find("</svg>"), std::string::npos);
}

TEST(SvgPartition, LargeGraphStaysReadable) {
  Mixed m = ChainWithBranches(300);
  ASSERT_EQ(m.graph->nodes.size(), 300u);
  const std::string svg = PartitionSvg(m.view, "300 nodes");
  const auto [width, height] = SvgSize(svg);
  EXPECT_GT(width, 0);
  EXPECT_LE(width, 6000);
  EXPECT_LE(height, 6000);
  const std::vector<Rect> rects = NodeRects(svg);
  ASSERT_EQ(rects.size(), 300u);
  for (size_t i = 0; i < rects.size(); ++i) {
    const Rect& a = rects[i];
    EXPECT_TRUE(a.x >= 0 && a.y >= 0 && a.x + a.w <= width && a.y + a.h <= height) << i;
    for (size_t j = i + 1; j < rects.size(); ++j) {
      const Rect& b = rects[j];
      const bool apart =
          a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      ASSERT_TRUE(apart) << "boxes " << i << " and " << j << " overlap";
    }
  }
  EXPECT_NE(svg.find("\xE2\x80\xA6"), std::string::npos) << "long reasons end in an ellipsis";
  EXPECT_NE(svg.find("op is not supported by the GPU compiler at this version"), std::string::npos)
      << "the full reason stays in the tooltip";
  ExpectEscaped(svg);
}

TEST(SvgProfile, SortsAndLabels) {
  const std::vector<ProfileBar> bars = {
      {"node 0 CONV_2D", "gpu", 1.0}, {"node 1 <custom>", "cpu", 3.0}, {"dispatch #2", "gpu", 2.0}};
  const std::string svg = ProfileSvg(bars, "profile");
  static const std::regex kBar(
      "<title>([^<]*) \\((cpu|gpu)\\)[^<]*</title><rect [^>]*class=\"bar\"");
  std::vector<std::string> order;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), kBar); it != std::sregex_iterator();
       ++it) {
    order.push_back((*it)[1]);
  }
  EXPECT_EQ(order,
            (std::vector<std::string>{"node 1 &lt;custom&gt;", "dispatch #2", "node 0 CONV_2D"}));
  EXPECT_NE(svg.find("3.000 ms  50.0%"), std::string::npos);
  EXPECT_NE(svg.find("1.000 ms  16.7%"), std::string::npos);
  EXPECT_NE(svg.find("6.000 ms per invoke: GPU 3.000 ms (50.0%)"), std::string::npos);
  ExpectEscaped(svg);

  // Many bars: the top ones labelled, every one drawn.
  std::vector<ProfileBar> many;
  for (int i = 0; i < 100; ++i) many.push_back({"n" + std::to_string(i), "gpu", 0.01 * (i + 1)});
  const std::string big = ProfileSvg(many, "many");
  EXPECT_EQ(Count(big, "class=\"bar\""), 100);
  EXPECT_NE(big.find(">n99</text>"), std::string::npos);
  EXPECT_EQ(big.find(">n0</text>"), std::string::npos) << "the fastest bars carry no label";
  EXPECT_NE(ProfileSvg({}, "empty").find("no timing data"), std::string::npos);
}

TEST(SvgFile, ErrorNamesThePath) {
  Status s = WriteSvgFile("/nonexistent-dir/x.svg", "<svg/>");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/x.svg"), std::string::npos) << s.message();
}

TEST(SvgRender, RsvgConvertRendersBoth) {
  if (std::system("command -v rsvg-convert >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "rsvg-convert not installed (Debian: librsvg2-bin)";
  }
  const std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / ("svg_report_test_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  Mixed small = MixedGraph(), large = ChainWithBranches(300);
  std::vector<ProfileBar> bars;
  for (int i = 0; i < 60; ++i) {
    bars.push_back({"op <" + std::to_string(i) + ">", i % 7 ? "gpu" : "cpu", 0.1 + (i % 9) * 0.05});
  }
  const std::pair<const char*, std::string> pictures[] = {
      {"mixed", PartitionSvg(small.view, "mixed & <odd>")},
      {"large", PartitionSvg(large.view, "300 nodes")},
      {"profile", ProfileSvg(bars, "profile")}};
  for (const auto& [name, svg] : pictures) {
    const std::string in = (dir / (std::string(name) + ".svg")).string();
    const std::string out = (dir / (std::string(name) + ".png")).string();
    ASSERT_TRUE(WriteSvgFile(in, svg).ok());
    EXPECT_EQ(std::system(("rsvg-convert -o '" + out + "' '" + in + "'").c_str()), 0) << name;
    EXPECT_TRUE(std::filesystem::exists(out) && std::filesystem::file_size(out) > 0) << name;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vkd::tools

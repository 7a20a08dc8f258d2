#!/usr/bin/env python3
"""PyTorch peer for bench/gpu_bench.sh: MobileNetV2 1.0 (224x224, 1000 classes), batch 1, random
weights, eval mode. Times eager fp32, CUDA-graph replay fp32, eager fp16 and graph replay fp16: the
median over --runs of the wall time of one forward (time.perf_counter around the call, with
torch.cuda.synchronize before and after), as vkd-bench times one invoke. TF32 is off, so fp32 is
fp32. Uses torchvision.models.mobilenet_v2() when torchvision imports, else the same network
defined here. Prints key=value lines (torch_*).

    python3 bench/torch_peer.py [--runs=200] [--warmup=20] [--device=cuda]   (--device=cpu: smoke test)
"""
import argparse
import statistics
import sys
import time

import torch
from torch import nn


def _conv_bn(cin, cout, k, stride, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.use_res = stride == 1 and cin == cout
        layers = [] if expand == 1 else [_conv_bn(cin, hidden, 1, 1)]
        layers += [_conv_bn(hidden, hidden, 3, stride, groups=hidden),
                   _conv_bn(hidden, cout, 1, 1, act=False)]
        self.conv = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res else self.conv(x)


class MobileNetV2(nn.Module):
    """MobileNetV2 1.0 as in torchvision (no width rounding needed at 1.0)."""
    CONFIG = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
              (6, 160, 3, 2), (6, 320, 1, 1)]  # t, c, n, s

    def __init__(self, num_classes=1000, last_channels=1280):
        super().__init__()
        cin = 32
        layers = [_conv_bn(3, cin, 3, 2)]
        for t, c, n, s in self.CONFIG:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(_conv_bn(cin, last_channels, 1, 1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(last_channels, num_classes))

    def forward(self, x):
        x = self.features(x)
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


def make_model():
    try:
        import torchvision
        return torchvision.models.mobilenet_v2(), "torchvision-" + torchvision.__version__
    except Exception:  # no torchvision, or one that does not match torch
        return MobileNetV2(), "inline"


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_calls(fn, device, runs, warmup):
    for _ in range(warmup):
        fn()
    sync(device)
    times = []
    for _ in range(runs):
        sync(device)
        t = time.perf_counter()
        fn()
        sync(device)
        times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def graph_replay(model, x, device, runs, warmup):
    static_x = x.clone()
    side = torch.cuda.Stream(device)
    side.wait_stream(torch.cuda.current_stream(device))
    with torch.cuda.stream(side):  # warm-up on a side stream before capture, as PyTorch advises
        for _ in range(3):
            model(static_x)
    torch.cuda.current_stream(device).wait_stream(side)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        static_y = model(static_x)
    median = time_calls(graph.replay, device, runs, warmup)
    # The replayed graph computes what eager does.
    diff = (static_y.float() - model(static_x).float()).abs().max().item()
    return median, diff


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--device", default="cuda")
    a = ap.parse_args()
    device = torch.device(a.device)
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.manual_seed(1)
    model, source = make_model()
    model = model.to(device).eval()
    x = torch.rand(1, 3, 224, 224, device=device)
    print(f"torch_version={torch.__version__}")
    print(f"torch_model=mobilenet_v2-{source}")
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"torch_device={name.replace(' ', '_')}")
    print(f"torch_params={sum(p.numel() for p in model.parameters())}")
    with torch.no_grad():
        y = model(x)
        assert tuple(y.shape) == (1, 1000), y.shape
        for prec, dtype in (("fp32", torch.float32), ("fp16", torch.float16)):
            m = model if dtype == torch.float32 else model.half()
            xi = x.to(dtype)
            try:
                ms = time_calls(lambda: m(xi), device, a.runs, a.warmup)
                print(f"torch_eager_{prec}_ms={ms:.4f}")
            except Exception as e:  # e.g. fp16 convolutions on a CPU build
                print(f"torch_eager_{prec}_ms=n/a")
                print(f"torch_eager_{prec}_error={type(e).__name__}: {e}".splitlines()[0])
                continue
            if device.type != "cuda":
                print(f"torch_graph_{prec}_ms=n/a")
                continue
            try:
                ms, diff = graph_replay(m, xi, device, a.runs, a.warmup)
                print(f"torch_graph_{prec}_ms={ms:.4f}")
                print(f"torch_graph_{prec}_max_diff_vs_eager={diff:.3g}")
            except Exception as e:
                print(f"torch_graph_{prec}_ms=n/a")
                print(f"torch_graph_{prec}_error={type(e).__name__}: {e}".splitlines()[0])
    sys.stdout.flush()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Two dealrisk binaries side by side on the same command: alternated whole-process runs.

    python3 benches/ab.py BEFORE AFTER [--runs 30] -- assess examples/shopsense-ifa.toml

Runs each binary once to warm the cache, then BEFORE, AFTER, BEFORE, AFTER... and prints each
side's median cpu time (user + system, from the kernel's accounting of the child) and median
wall time, the median of the per-pair cpu ratios, the peak memory of each side, and the load
average: this machine is shared and noisy, so only alternated pairs compare fairly. Both
binaries' outputs are compared too: a speed change must not change a byte.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time


def once(binary, args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu * 1000, wall * 1000, out.stdout


def main():
    if "--" not in sys.argv:
        sys.exit("give the dealrisk arguments after --\n" + __doc__)
    split = sys.argv.index("--")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--runs", type=int, default=30)
    a = parser.parse_args(sys.argv[1:split])
    args = sys.argv[split + 1:]
    if not args:
        sys.exit("give the dealrisk arguments after --")
    sides = {"before": a.before, "after": a.after}
    outputs = {name: once(binary, args)[2] for name, binary in sides.items()}
    cpu = {name: [] for name in sides}
    wall = {name: [] for name in sides}
    for _ in range(a.runs):
        for name, binary in sides.items():
            c, w, _ = once(binary, args)
            cpu[name].append(c)
            wall[name].append(w)
    ratios = [b / x for b, x in zip(cpu["before"], cpu["after"]) if x > 0]
    # ru_maxrss of the children is the largest any child reached, in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"dealrisk {' '.join(args)}: {a.runs} alternated pairs after one warm-up each; "
          f"load average {os.getloadavg()[0]:.2f}")
    for name, binary in sides.items():
        print(f"  {name:6} {binary}: cpu median {statistics.median(cpu[name]):.1f} ms, "
              f"wall median {statistics.median(wall[name]):.1f} ms")
    print(f"  median pair ratio (before / after cpu): {statistics.median(ratios):.2f}x; "
          f"peak memory of any run {peak:.0f} MiB")
    same = outputs["before"] == outputs["after"]
    print(f"  same output: {'yes' if same else 'NO'}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()

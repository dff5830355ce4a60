#!/usr/bin/env python3
"""The evidence scan against its peers, side by side on the same file.

Generates the loyalty-card transactions of benches/gen_tx.py (cached in DATA_DIR),
then alternates whole-process runs of `dealrisk scan` and a peer (Polars or DuckDB, both
tasks in one pass, all cores) and prints each side's median wall time and peak memory, the
median of the pair ratios, and whether dealrisk's answers equal the peer's two lines (t1, t2).
Both sides match the same keyword list (benches/keywords.txt). The generator, the keywords
and the peers (benches/peers/) are the project's shared benchmark material, copied here.

    python3 benches/scan.py [--rows 10000000] [--runs 5] [--peer pol|duck] [--data DIR]

Needs `pip install polars duckdb` and a release build (`cargo build --release`).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benches"
DEALRISK = ROOT / "target" / "release" / "dealrisk"


def timed(cmd):
    """Runs cmd under GNU time: (wall seconds, peak RSS in MiB, stdout)."""
    with tempfile.NamedTemporaryFile("r") as t:
        out = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", t.name, *cmd],
                             capture_output=True, text=True, check=True)
        wall, kb = t.read().split()[-2:]
    return float(wall), int(kb) / 1024, out.stdout


def dealrisk_lines(stdout):
    d = json.loads(stdout)
    r = d["reidentification"]
    return [
        f"t1 rows={d['rows']} sensitive_rows={d['sensitive_rows']} cards={d['subjects']} "
        f"sensitive_cards={d['sensitive_subjects']}",
        f"t2 records={r['records']} classes={r['classes']} k1={r['unique']} "
        f"klt5={r['under_k']} min_k={r['min_k']}",
    ]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rows", type=int, default=10_000_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--peer", choices=["pol", "duck"], default="pol")
    p.add_argument("--data", default=str(ROOT / "target" / "bench-data"))
    a = p.parse_args()

    data = Path(a.data)
    data.mkdir(parents=True, exist_ok=True)
    csv = data / f"tx{a.rows}.csv"
    if not csv.exists():
        print(f"writing {csv} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(BENCH / "gen_tx.py"), "--rows", str(a.rows), "--out", str(csv)],
                       check=True, stdout=subprocess.DEVNULL)
    ours = [str(DEALRISK), "scan", str(csv), "--keywords", str(BENCH / "keywords.txt"),
            "--subject", "card_id", "--text", "product_description",
            "--qi", "zip5", "--qi", "birth_year", "--qi", "gender", "--format", "json"]
    theirs = [sys.executable, str(BENCH / "peers" / f"{a.peer}.py"), str(csv), "all"]

    # One untimed run of each first: the file in the page cache and both programs loaded, so
    # that the first timed pair is not the only one that reads from disk.
    timed(ours)
    timed(theirs)
    mine, peer, ratios = [], [], []
    answers = None
    for _ in range(a.runs):
        w1, m1, out1 = timed(ours)
        w2, m2, out2 = timed(theirs)
        mine.append((w1, m1))
        peer.append((w2, m2))
        ratios.append(w2 / w1)
        answers = (dealrisk_lines(out1), out2.strip().splitlines())

    size = os.path.getsize(csv) / 1e6
    print(f"{a.rows:,} rows ({size:,.0f} MB), {os.cpu_count()} cores, {a.runs} alternating runs each "
          f"after one warm-up; load average {os.getloadavg()[0]:.2f}")
    for name, runs in (("dealrisk scan", mine), (f"peer {a.peer}", peer)):
        print(f"  {name:14} median {statistics.median(w for w, _ in runs):.2f} s, "
              f"peak {max(m for _, m in runs):.0f} MiB")
    print(f"  median ratio (peer / dealrisk): {statistics.median(ratios):.2f}x")
    same = answers[0] == answers[1]
    print(f"  same answers as the peer: {'yes' if same else 'NO'}")
    for line in answers[0]:
        print(f"    {line}")
    if not same:
        print("  peer said:\n    " + "\n    ".join(answers[1]))
        sys.exit(1)


if __name__ == "__main__":
    main()

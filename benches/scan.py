#!/usr/bin/env python3
"""The evidence scan against its peers and its floor, side by side on the same file.

Generates the loyalty-card transactions of benches/gen_tx.py (cached in DATA_DIR),
then alternates whole-process runs of `dealrisk scan`, a peer (Polars or DuckDB, both
tasks in one pass, all cores) and the parse-only floor (benches/parse_floor.rs: the csv crate
reading every record on every core, nothing else), and prints each side's median wall time,
cpu time (user + system) and peak memory, the medians of the per-round ratios (peer wall /
dealrisk wall; dealrisk cpu / floor cpu), and whether dealrisk's answers equal the peer's two
lines (t1, t2).
Both sides match the same keyword list (benches/keywords.txt). The generator, the keywords
and the peers (benches/peers/) are the project's shared benchmark material, copied here.

    python3 benches/scan.py [--rows 10000000] [--runs 5] [--peer pol|duck] [--data DIR]

Needs `pip install polars duckdb` and a release build (`cargo build --release`); builds the
floor with `cargo bench --no-run`.
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
    """Runs cmd under GNU time: (wall seconds, cpu seconds, peak RSS in MiB, stdout)."""
    with tempfile.NamedTemporaryFile("r") as t:
        out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name, *cmd],
                             capture_output=True, text=True, check=True)
        wall, user, system, kb = t.read().split()[-4:]
    return float(wall), float(user) + float(system), int(kb) / 1024, out.stdout


def floor_binary():
    """Builds benches/parse_floor.rs (release settings) and returns its executable."""
    out = subprocess.run(["cargo", "bench", "--bench", "parse_floor", "--no-run", "--message-format=json"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == "parse_floor" \
                and msg.get("executable"):
            return msg["executable"]
    sys.exit("cargo built no parse_floor executable")


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

    floor = [floor_binary(), str(csv)]

    # One untimed run of each first: the file in the page cache and all programs loaded, so
    # that the first timed round is not the only one that reads from disk.
    for cmd in (ours, theirs, floor):
        timed(cmd)
    runs = {"dealrisk scan": [], f"peer {a.peer}": [], "parse-only floor": []}
    vs_peer, vs_floor = [], []
    answers = None
    for _ in range(a.runs):
        w1, c1, m1, out1 = timed(ours)
        w2, c2, m2, out2 = timed(theirs)
        w3, c3, m3, _ = timed(floor)
        for name, run in zip(runs, ((w1, c1, m1), (w2, c2, m2), (w3, c3, m3))):
            runs[name].append(run)
        vs_peer.append(w2 / w1)
        vs_floor.append(c1 / c3)
        answers = (dealrisk_lines(out1), out2.strip().splitlines())

    size = os.path.getsize(csv) / 1e6
    print(f"{a.rows:,} rows ({size:,.0f} MB), {os.cpu_count()} cores, {a.runs} alternating rounds "
          f"after one warm-up; load average {os.getloadavg()[0]:.2f}")
    for name, rs in runs.items():
        print(f"  {name:17} median {statistics.median(w for w, _, _ in rs):.2f} s wall, "
              f"{statistics.median(c for _, c, _ in rs):.2f} s cpu, peak {max(m for _, _, m in rs):.0f} MiB")
    print(f"  median ratio, peer wall / dealrisk wall: {statistics.median(vs_peer):.2f}x")
    print(f"  median ratio, dealrisk cpu / floor cpu:  {statistics.median(vs_floor):.2f}x")
    same = answers[0] == answers[1]
    print(f"  same answers as the peer: {'yes' if same else 'NO'}")
    for line in answers[0]:
        print(f"    {line}")
    if not same:
        print("  peer said:\n    " + "\n    ".join(answers[1]))
        sys.exit(1)


if __name__ == "__main__":
    main()

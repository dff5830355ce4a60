#!/usr/bin/env bash
# Whole-process time of `dealrisk assess` on each example with the embedded pack: builds the
# release binary, runs each example RUNS times (default 200), prints the mean per process.
# Usage: benches/assess.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
cargo build --release --quiet
bin=target/release/dealrisk
printf '%-45s %10s\n' "example" "ms/process"
for deal in examples/*.toml; do
  "$bin" assess "$deal" > /dev/null   # warm the cache
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$bin" assess "$deal" > /dev/null; done
  end=$(date +%s%N)
  awk -v d="$deal" -v ns=$((end - start)) -v n="$runs" 'BEGIN { printf "%-45s %10.2f\n", d, ns / n / 1e6 }'
done

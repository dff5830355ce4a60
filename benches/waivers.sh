#!/usr/bin/env bash
# Reading a large waiver file: N waivers (default 20,000), each located by line and column.
# Every waiver's place is found from one index of the file's line starts, so the time grows
# with the file, not with its square. Prints the wall time of the release binary.
# Usage: benches/waivers.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-20000}
cargo build --release --quiet
file=$(mktemp --suffix=.toml)
trap 'rm -f "$file"' EXIT
for ((i = 0; i < n; i++)); do
  printf '[[waiver]]\nrule = "SD-ALCOHOL"\ndeal = "deal-%d"\nreason = "accepted"\nowner = "DPO"\nexpires = 2027-06-30\n\n' "$i"
done > "$file"
start=$(date +%s.%N)
./target/release/dealrisk assess examples/research-aggregated.toml --waivers "$file" -q > /dev/null 2>&1 || true
end=$(date +%s.%N)
printf '%d waivers: %.2f s\n' "$n" "$(echo "$end - $start" | bc)"

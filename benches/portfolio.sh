#!/usr/bin/env bash
# A portfolio in CI: N varied deal files (default 10,000, written by portfolio.py with a
# fixed seed) assessed in one run, in each CI format. Prints wall time, cpu time (user and
# system) and peak memory (GNU time's maximum resident set size) per format.
#
#   benches/portfolio.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release --quiet
python3 benches/portfolio.py "$n" "$work/deals"
echo "$n deal files, $(du -sh "$work/deals" | cut -f1) on disk; $(nproc) core(s); load average $(cut -d' ' -f1 /proc/loadavg)"
printf '%-26s %10s %10s %12s %12s\n' "run" "wall (s)" "cpu (s)" "peak (MB)" "output (MB)"
# `--format json` as a user runs it (what-if on) last: it re-assesses every deal over a hundred
# times and takes the longest.
for args in "--quiet" "--format sarif" "--format junit" "--format csv" "--format github" "--format json --no-what-if" "--format json"; do
  # shellcheck disable=SC2086
  # The deals name the examples' samples by absolute path, outside their folder: allowed
  # deliberately, as a user would (without it, 4 in 10 deals would be refused, not scanned).
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" ./target/release/dealrisk assess "$work/deals" $args \
    --allow-path examples/samples --fail-on critical --output "$work/out" 2>"$work/err" || true
  if grep -q 'could not be assessed' "$work/err"; then
    echo "error: some deals were not assessed:" >&2
    tail -n 3 "$work/err" >&2
    exit 1
  fi
  read -r wall user sys kb < <(tail -n 1 "$work/time")
  cpu="$(python3 -c "print(f'{$user + $sys:.1f}')")"
  printf '%-26s %10s %10s %12d %12d\n' "$args" "$wall" "$cpu" "$((kb / 1024))" "$(($(stat -c %s "$work/out") / 1048576))"
done

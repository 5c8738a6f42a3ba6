#!/usr/bin/env bash
# Runs the figures of docs/PERFORMANCE.md: latency at 64B, 1KB, 1MB, 8MB and 44MB (untouched and
# touched, spin and block), throughput at the same sizes (untouched and touched), and idle CPU.
# Each run prints one JSON object (./sluice bench ... --json); they are appended to $OUT and
# summarised as Markdown tables at the end (needs jq).
#
#   sluice-bench/src/main/scripts/performance-matrix.sh [out.jsonl]
#
# Environment:
#   BENCH     the bench command (default: ./sluice bench, run from the repository root)
#   WARMUP    warm-up per run (default 2s)    DURATION  measured time per run (default 5s)
#   SIZES     sizes to run (default "64B 1KB 1MB 8MB 44MB")
#   ONLY      latency, throughput, idle or table (table: only summarise an existing $OUT)
set -euo pipefail

OUT=${1:-performance-$(date +%Y%m%d-%H%M%S).jsonl}
BENCH=${BENCH:-./sluice bench}
WARMUP=${WARMUP:-2s}
DURATION=${DURATION:-5s}
SIZES=${SIZES:-64B 1KB 1MB 8MB 44MB}
ONLY=${ONLY:-}

run() {
    echo "+ $BENCH $* --json" >&2
    # shellcheck disable=SC2086
    $BENCH "$@" --json | tee -a "$OUT" | jq -c '{benchmark, size: .settings.size, touch: .settings.touch,
        wait: .settings.wait, p50_ns, p99_ns, max_ns, msgs_per_s, gbytes_per_s, lost,
        other_cpu_percent}' >&2
}

if [[ -z $ONLY || $ONLY == latency ]]; then
    for wait in spin block; do
        for size in $SIZES; do
            run latency --size "$size" --wait "$wait" --warmup "$WARMUP" --duration "$DURATION"
            run latency --size "$size" --wait "$wait" --warmup "$WARMUP" --duration "$DURATION" --touch
        done
    done
fi
if [[ -z $ONLY || $ONLY == throughput ]]; then
    for size in $SIZES; do
        run throughput --size "$size" --warmup "$WARMUP" --duration "$DURATION"
        run throughput --size "$size" --warmup "$WARMUP" --duration "$DURATION" --touch
    done
fi
if [[ -z $ONLY || $ONLY == idle ]]; then
    run idle --warmup 2s --duration 10s
fi

echo
echo "| wait | size | touch | p50 ns | p90 ns | p99 ns | p99.9 ns | max ns | round trips/s | cpu pub/sub % | others % |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|"
jq -r 'select(.benchmark == "latency") | "| \(.settings.wait) | \(.settings.size) | \(if .settings.touch then "yes" else "no" end) | \(.p50_ns) | \(.p90_ns) | \(.p99_ns) | \(.p999_ns) | \(.max_ns) | \(.msgs_per_s | floor) | \([.processes[].cpu_percent | floor] | map(tostring) | join("/")) | \(.other_cpu_percent | floor) |"' "$OUT"
echo
echo "| size | touch | slots | msgs/s | GB/s | lost | cpu pub/sub % | others % |"
echo "|---|---|---:|---:|---:|---:|---|---:|"
jq -r 'select(.benchmark == "throughput") | "| \(.settings.size) | \(if .settings.touch then "yes" else "no" end) | \(.settings.slots) | \(.msgs_per_s | floor) | \(.gbytes_per_s * 1000 | floor / 1000) | \(.lost) | \([.processes[].cpu_percent | floor] | map(tostring) | join("/")) | \(.other_cpu_percent | floor) |"' "$OUT"
echo
jq -r 'select(.benchmark == "idle") | "idle: subscriber cpu \(.idle_cpu_percent)% of a core over \(.processes[1].window_ns / 1e9) s (wait \(.settings.wait)), publisher \(.processes[0].cpu_percent)%, others \(.other_cpu_percent | floor)%"' "$OUT"

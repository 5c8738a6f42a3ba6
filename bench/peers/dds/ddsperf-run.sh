#!/usr/bin/env bash
# ddsperf-run.sh latency|throughput udp|shm SIZE WARMUP DURATION
#
# Drives Cyclone DDS 0.10.2 `ddsperf` (two processes, receiver first) and prints exactly one line
#   RESULT {json}                    exit 0
#   ERROR unsupported: <reason>      exit 3 (size/mode ddsperf cannot do)
#   ERROR <reason>                   exit 1
# on stdout.  Diagnostics go to stderr.  See NOTES.md next to this file.
#
# Environment (optional):
#   DDSPERF           ddsperf binary (default: ddsperf on PATH)
#   DDSPERF_DOMAIN    DDS domain id (default: 100 + PID % 100); use a distinct one per concurrent run
#   DDSPERF_KEEP      directory to keep the raw ddsperf outputs in (default: a temp dir, removed)
#   DDSPERF_SHM_DEPTH KEEP_LAST depth for shm throughput (default 16, must be <= SharedMemory/SubHistoryRequest)
#
# shm mode needs a running iox-roudi in the same IPC/mount namespace (the coordinator starts it).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
DDSPERF=${DDSPERF:-ddsperf}

die() { echo "ERROR $*"; exit 1; }
unsupported() { echo "ERROR unsupported: $*"; exit 3; }

[ $# -eq 5 ] || die "usage: ddsperf-run.sh latency|throughput udp|shm SIZE WARMUP DURATION"
WORKLOAD=$1 MODE=$2 SIZE=$3 WARMUP=$4 DURATION=$5
case $WORKLOAD in latency|throughput) ;; *) die "bad workload '$WORKLOAD'";; esac
case $MODE in udp|shm) ;; *) die "bad mode '$MODE'";; esac
[[ $SIZE =~ ^[0-9]+$ ]] || die "bad size '$SIZE'"
[[ $WARMUP =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "bad warmup '$WARMUP'"
[[ $DURATION =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "bad duration '$DURATION'"
command -v "$DDSPERF" >/dev/null 2>&1 || die "ddsperf not found"

# ddsperf reports per 1 s interval: warm-up is rounded up, duration rounded (>= 1) to whole seconds.
W=$(awk -v x="$WARMUP" 'BEGIN{w=int(x); if (w<x) w++; print w}')
N=$(awk -v x="$DURATION" 'BEGIN{n=int(x+0.5); if (n<1) n=1; print n}')
DOMAIN=${DDSPERF_DOMAIN:-$((100 + $$ % 100))}

TOPIC_OPTS=()
SIZE_OPTS=()
if [ "$MODE" = udp ]; then
  export CYCLONEDDS_URI="file://$HERE/cyclonedds-lo.xml"
  # KS topic = seq + key + sequence<octet>: "size S" is the whole payload, >= 12
  [ "$SIZE" -ge 12 ] || unsupported "ddsperf KS topic payload is at least 12 bytes"
  [ "$SIZE" -le 2147483647 ] || unsupported "size too large"
  SIZE_OPTS=(size "$SIZE")
else
  export CYCLONEDDS_URI="file://$HERE/cyclonedds-shm.xml"
  if [ "$WORKLOAD" = latency ]; then
    unsupported "ddsperf 0.10.2 ping-pong cannot run over iceoryx: its pong reader is KEEP_ALL, so replies always go over UDP, and the -L needed for iceoryx makes the ping process answer its own pings"
  fi
  # Cyclone 0.10 only puts fixed-size types in shared memory; ddsperf's fixed-size topics and the
  # payload size ddsperf reports for them:
  case $SIZE in
    4)     TOPIC_OPTS=(-T OU) ;;
    32)    TOPIC_OPTS=(-T K32) ;;
    256)   TOPIC_OPTS=(-T K256) ;;
    528)   TOPIC_OPTS=(-T S256) ;;
    8464)  TOPIC_OPTS=(-T S4k) ;;
    67728) TOPIC_OPTS=(-T S32k) ;;
    *) unsupported "Cyclone 0.10 shared memory needs a fixed-size type; ddsperf's fixed-size topics carry only 4, 32, 256, 528, 8464 or 67728 bytes (KS with a sequence never uses iceoryx)";;
  esac
  # iceoryx needs KEEP_LAST (not the reliable KEEP_ALL of the udp run) and ignorelocal NONE (-L)
  TOPIC_OPTS+=(-L -k "${DDSPERF_SHM_DEPTH:-16}")
fi

if [ -n "${DDSPERF_KEEP:-}" ]; then TMP=$DDSPERF_KEEP; mkdir -p "$TMP" || die "cannot create $TMP"; KEEP=1
else TMP=$(mktemp -d /tmp/ddsperf-run.XXXXXX) || die "mktemp failed"; KEEP=0; fi

RX_PID= TX_PID=
cleanup() {
  for p in $TX_PID $RX_PID; do
    kill -TERM "$p" 2>/dev/null
  done
  sleep 0.2
  for p in $TX_PID $RX_PID; do
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  [ "$KEEP" = 1 ] || rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "ERROR interrupted"; exit 1' INT TERM HUP

# Sender runs: ~1-2 s discovery + the partial first interval + W + N + 1 spare second.
TX_DUR=$((W + N + 4))
RX_DUR=$((TX_DUR + 2))
HARD=$((W + N + 20))   # hard limit for the sender; everything ends well within W+D+30

COMMON=(-i "$DOMAIN" "${TOPIC_OPTS[@]}")
if [ "$WORKLOAD" = latency ]; then
  RX_ARGS=("${COMMON[@]}" -D "$RX_DUR" pong waitset)
  TX_ARGS=("${COMMON[@]}" -D "$TX_DUR" ping "${SIZE_OPTS[@]}" waitset)
  OUT=$TMP/tx.out
else
  RX_ARGS=("${COMMON[@]}" -1 -D "$RX_DUR" sub waitset)
  TX_ARGS=("${COMMON[@]}" -D "$TX_DUR" pub "${SIZE_OPTS[@]}")
  OUT=$TMP/rx.out
fi

echo "ddsperf-run: domain $DOMAIN CYCLONEDDS_URI=$CYCLONEDDS_URI" >&2
echo "ddsperf-run: rx: $DDSPERF ${RX_ARGS[*]}" >&2
echo "ddsperf-run: tx: $DDSPERF ${TX_ARGS[*]}" >&2

timeout -k 2 $((HARD + 4)) "$DDSPERF" "${RX_ARGS[@]}" > "$TMP/rx.out" 2>&1 &
RX_PID=$!
sleep 0.5
kill -0 "$RX_PID" 2>/dev/null || die "receiver exited at once: $(head -c 300 "$TMP/rx.out" | tr '\n' ' ')"
timeout -k 2 "$HARD" "$DDSPERF" "${TX_ARGS[@]}" > "$TMP/tx.out" 2>&1 &
TX_PID=$!
wait "$TX_PID"; TX_RC=$?
TX_PID=
# latency: the ping lines are complete once ping exits; throughput: let the sub print its last interval
if [ "$WORKLOAD" = throughput ]; then sleep 1.2; fi
kill -TERM "$RX_PID" 2>/dev/null; wait "$RX_PID" 2>/dev/null
RX_PID=
echo "ddsperf-run: sender exit status $TX_RC (143 is normal with iceoryx)" >&2

ERRRE='^\[[0-9]+\] error|failed|invalid|write error|unrecognised|undefined'
if grep -qE "$ERRRE" "$TMP/tx.out" "$TMP/rx.out"; then
  die "ddsperf: $(grep -hE "$ERRRE" "$TMP/tx.out" "$TMP/rx.out" | head -1)"
fi

if [ "$WORKLOAD" = latency ]; then
  # [PING_PID] T  HOST:PONG_PID size S mean Xus min Xus 50% Xus 90% Xus 99% Xus max Xus cnt N
  # (one line per second per answering peer; values are one-way = round trip / 2)
  awk -v W="$W" -v N="$N" -v n=0 -v peer="$(awk '/participant .*: new$/{sub(/:$/, "", $3); print $3; exit}' "$TMP/tx.out")" '
    $3 == peer && $4 == "size" && $6 == "mean" {
      t[n] = $2 + 0; mean[n] = $7; p50[n] = $11; p90[n] = $13; p99[n] = $15; mx[n] = $17; cnt[n] = $19; n++ }
    END {
      if (n == 0) { print "ERROR no latency lines from ddsperf (no match with the pong process?)"; exit 1 }
      # line 0 covers the first, partial second; the window starts W whole seconds after it
      k = -1
      for (i = 1; i < n; i++) if (t[i] - 1 >= t[0] + W - 0.05) { k = i; break }
      if (k < 0 || k + N > n) { printf "ERROR only %d latency intervals, need warm-up %d + %d\n", n, W, N; exit 1 }
      c = 0; s = 0; a50 = 0; a90 = 0; a99 = 0; m = 0
      for (i = k; i < k + N; i++) {
        gsub(/us/, "", mean[i]); gsub(/us/, "", p50[i]); gsub(/us/, "", p90[i]); gsub(/us/, "", p99[i]); gsub(/us/, "", mx[i])
        c += cnt[i]; s += mean[i] * cnt[i]; a50 += p50[i] * cnt[i]; a90 += p90[i] * cnt[i]; a99 += p99[i] * cnt[i]
        if (mx[i] + 0 > m) m = mx[i] + 0
      }
      secs = t[k + N - 1] - t[k - 1]
      if (c == 0 || secs <= 0) { print "ERROR no round trips in the measured window"; exit 1 }
      printf "RESULT {\"count\": %.0f, \"p50_ns\": %.0f, \"p90_ns\": %.0f, \"p99_ns\": %.0f, \"max_ns\": %.0f, \"mean_ns\": %.0f, \"roundtrips_per_s\": %.1f}\n",
        c, a50 / c * 1000, a90 / c * 1000, a99 / c * 1000, m * 1000, s / c * 1000, c / secs
    }' "$TMP/tx.out" || exit 1
else
  # [SUB_PID] T  size S total T lost L delta D lost L rate X kS/s Y Mb/s (X kS/s Y Mb/s)   (-1: every second)
  awk -v W="$W" -v N="$N" -v n=0 '
    $3 == "size" && $5 == "total" && $9 == "delta" {
      t[n] = $2 + 0; sz[n] = $4; d[n] = $10; l[n] = $12; n++ }
    END {
      f = -1
      for (i = 0; i < n; i++) if (d[i] > 0) { f = i; break }
      if (f < 0) { print "ERROR the subscriber received nothing"; exit 1 }
      k = -1
      for (i = f + 1; i < n; i++) if (t[i] - 1 >= t[f] + W - 0.05) { k = i; break }
      if (k < 0 || k + N > n) { printf "ERROR only %d subscriber intervals after the first data, need warm-up %d + %d\n", n - f, W, N; exit 1 }
      r = 0; lo = 0; b = 0
      for (i = k; i < k + N; i++) { r += d[i]; lo += l[i]; b += d[i] * sz[i] }
      secs = t[k + N - 1] - t[k - 1]
      printf "RESULT {\"received\": %.0f, \"lost\": %.0f, \"bytes\": %.0f, \"seconds\": %.3f}\n", r, lo, b, secs
    }' "$OUT" || exit 1
fi
exit 0

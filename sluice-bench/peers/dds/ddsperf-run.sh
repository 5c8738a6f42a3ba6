#!/usr/bin/env bash
# ddsperf-run.sh latency|throughput udp|shm SIZE WARMUP DURATION
# ddsperf-run.sh fanout udp SIZE WARMUP DURATION RATE SUBS
#
# Drives Cyclone DDS 0.10.2 `ddsperf` (receiver(s) first, then the sender) and prints exactly one line
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

USAGE="usage: ddsperf-run.sh latency|throughput udp|shm SIZE WARMUP DURATION | fanout udp SIZE WARMUP DURATION RATE SUBS"
[ $# -ge 1 ] || die "$USAGE"
case $1 in
  latency|throughput) [ $# -eq 5 ] || die "$USAGE" ;;
  fanout) [ $# -eq 7 ] || die "$USAGE" ;;
  *) die "bad workload '$1'" ;;
esac
WORKLOAD=$1 MODE=$2 SIZE=$3 WARMUP=$4 DURATION=$5 RATE=${6:-} SUBS=${7:-}
case $MODE in udp|shm) ;; *) die "bad mode '$MODE'";; esac
[[ $SIZE =~ ^[0-9]+$ ]] || die "bad size '$SIZE'"
[[ $WARMUP =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "bad warmup '$WARMUP'"
[[ $DURATION =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "bad duration '$DURATION'"
if [ "$WORKLOAD" = fanout ]; then
  [[ $RATE =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v r="$RATE" 'BEGIN{exit !(r > 0)}' || die "bad rate '$RATE'"
  # ParticipantIndex auto with MaxAutoParticipantIndex 50 (cyclonedds-lo.xml): at most 50 processes per domain
  [[ $SUBS =~ ^[0-9]+$ ]] && [ "$SUBS" -ge 1 ] && [ "$SUBS" -le 48 ] || die "bad subscriber count '$SUBS' (1..48)"
fi
SHM_KS_REASON="Cyclone 0.10 shared memory needs a fixed-size type; ddsperf's fixed-size topics carry only 4, 32, 256, 528, 8464 or 67728 bytes (KS with a sequence never uses iceoryx)"
if [ "$WORKLOAD" = fanout ] && [ "$MODE" = shm ]; then unsupported "$SHM_KS_REASON"; fi
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
    *) unsupported "$SHM_KS_REASON";;
  esac
  # iceoryx needs KEEP_LAST (not the reliable KEEP_ALL of the udp run) and ignorelocal NONE (-L)
  TOPIC_OPTS+=(-L -k "${DDSPERF_SHM_DEPTH:-16}")
fi

if [ -n "${DDSPERF_KEEP:-}" ]; then TMP=$DDSPERF_KEEP; mkdir -p "$TMP" || die "cannot create $TMP"; KEEP=1
else TMP=$(mktemp -d /tmp/ddsperf-run.XXXXXX) || die "mktemp failed"; KEEP=0; fi

if [ "$WORKLOAD" = fanout ]; then
  # ---- fan-out: SUBS x `sub` (waitset, -l = one-way latency), then one rate-limited `pub` ----
  # All processes run with `-R 0`: their output timestamps are then wall-clock epoch seconds (CLOCK_REALTIME,
  # the same clock as $EPOCHREALTIME), so publisher, subscribers and this script share one time axis.
  # Window [A, B]: A = W s after the last subscriber's first line with data, B = A + N.  Sub CPU is sampled by
  # this script from /proc/<pid>/stat at A and B.  See NOTES.md "Fan-out".
  DISC_MAX=15                      # s allowed from pub start until every sub has data
  POST_MAX=4                       # s allowed after B for the lines that close the window
  PUB_D=$((DISC_MAX + W + N + POST_MAX + 4)) # backstops only: we stop pub and subs ourselves after B
  SUB_D=$((PUB_D + 6))
  TCK=$(getconf CLK_TCK)
  SUB_T=() SUB_P=() PUB_T= PUB_P=
  fo_cleanup() {
    local p alive
    for p in $PUB_P $PUB_T "${SUB_P[@]}" "${SUB_T[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      alive=0
      for p in $PUB_T "${SUB_T[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break; sleep 0.2
    done
    for p in $PUB_P $PUB_T "${SUB_P[@]}" "${SUB_T[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for p in $PUB_T "${SUB_T[@]}"; do wait "$p" 2>/dev/null; done
    [ "$KEEP" = 1 ] || rm -rf "$TMP"
  }
  trap fo_cleanup EXIT
  trap 'echo "ERROR interrupted"; exit 1' INT TERM HUP
  sleep_until() { sleep "$(awk -v t="$1" -v n="$EPOCHREALTIME" 'BEGIN{d=t-n; printf "%.3f", (d>0?d:0)}')"; }
  past() { awk -v t="$1" -v n="$EPOCHREALTIME" 'BEGIN{exit !(n > t)}'; }
  child_of() {   # ddsperf's pid under `timeout`
    local c= i
    for i in $(seq 100); do
      c=$(cat "/proc/$1/task/$1/children" 2>/dev/null); c=${c%% *}
      [ -n "$c" ] && break; sleep 0.02
    done
    echo "$c"
  }
  cpu_ticks() {  # utime+stime (fields 14, 15; comm may contain blanks: cut after the last ')') per pid
    local p l
    for p in "$@"; do
      l=$(cat "/proc/$p/stat" 2>/dev/null) || { echo x; continue; }
      l=${l##*) }; set -- $l; echo $(( ${12} + ${13} ))
    done
  }

  SUB_ARGS=(-i "$DOMAIN" -R 0 -1 -l -D "$SUB_D" sub waitset)
  PUB_ARGS=(-i "$DOMAIN" -R 0 -D "$PUB_D" pub "${RATE}Hz" "${SIZE_OPTS[@]}")
  echo "ddsperf-run: domain $DOMAIN CYCLONEDDS_URI=$CYCLONEDDS_URI" >&2
  echo "ddsperf-run: $SUBS x rx: $DDSPERF ${SUB_ARGS[*]}" >&2
  echo "ddsperf-run: tx: $DDSPERF ${PUB_ARGS[*]}" >&2
  SUBFILES=()
  for i in $(seq 1 "$SUBS"); do
    timeout -k 2 $((SUB_D + 4)) "$DDSPERF" "${SUB_ARGS[@]}" > "$TMP/sub$i.out" 2>&1 &
    SUB_T[$i]=$!
    SUB_P[$i]=$(child_of "${SUB_T[$i]}")
    [ -n "${SUB_P[$i]}" ] || die "cannot find the pid of subscriber $i: $(head -c 300 "$TMP/sub$i.out" | tr '\n' ' ')"
    SUBFILES+=("$TMP/sub$i.out")
  done
  for _ in $(seq 50); do   # (<= 5 s) until every sub has its participant
    [ "$(grep -l ': new (self)$' "${SUBFILES[@]}" 2>/dev/null | wc -l)" -ge "$SUBS" ] && break; sleep 0.1
  done
  for i in $(seq 1 "$SUBS"); do
    kill -0 "${SUB_P[$i]}" 2>/dev/null || die "subscriber $i exited at once: $(head -c 300 "$TMP/sub$i.out" | tr '\n' ' ')"
  done
  PUB_T0=$EPOCHREALTIME
  timeout -k 2 $((PUB_D + 4)) "$DDSPERF" "${PUB_ARGS[@]}" > "$TMP/pub.out" 2>&1 &
  PUB_T=$!
  PUB_P=$(child_of "$PUB_T")
  [ -n "$PUB_P" ] || die "cannot find the pid of the publisher: $(head -c 300 "$TMP/pub.out" | tr '\n' ' ')"

  # A = W s after the last subscriber's first line with data
  DEADLINE=$(awk -v t="$PUB_T0" -v d="$DISC_MAX" 'BEGIN{printf "%.6f", t+d}')
  while :; do
    A=$(awk -v W="$W" -v S="$SUBS" '
      FNR == 1 { fi++ }
      !(fi in f) && $3 == "size" && $9 == "delta" && $10 > 0 { f[fi] = $2; nf++ }
      END { if (nf < S) exit; m = 0; for (i in f) if (f[i] > m) m = f[i]; printf "%.6f\n", m + W }' "${SUBFILES[@]}")
    [ -n "$A" ] && break
    for i in $(seq 1 "$SUBS"); do
      kill -0 "${SUB_P[$i]}" 2>/dev/null || die "subscriber $i exited early: $(grep -v '^\[[0-9]*\] [0-9.]* ' "$TMP/sub$i.out" | head -c 300 | tr '\n' ' ')"
    done
    kill -0 "$PUB_P" 2>/dev/null || die "publisher exited early: $(head -c 300 "$TMP/pub.out" | tr '\n' ' ')"
    past "$DEADLINE" && die "not every subscriber received data within ${DISC_MAX} s of the publisher start ($(grep -lE 'delta [1-9]' "${SUBFILES[@]}" | wc -l)/$SUBS did)"
    sleep 0.1
  done
  sleep_until "$A"
  C0=($(cpu_ticks "${SUB_P[@]}")); TA=$EPOCHREALTIME
  sleep_until "$(awk -v a="$TA" -v n="$N" 'BEGIN{printf "%.6f", a+n}')"
  C1=($(cpu_ticks "${SUB_P[@]}")); TB=$EPOCHREALTIME

  # pub:  [PID] T   30/s   3m |histogram| 100%  24m      (samples written per s in (T_prev, T], 3 digits, k/M)
  # sub:  [PID] T  size S total T lost L delta D lost L rate ...
  #       [PID] T  sublat HOST:PID size S mean Xus min Xus 50% Xus 90% Xus 99% Xus max Xus cnt N
  # (T = epoch seconds because of -R 0).  final=0: exit 0 once every file has the lines that close the window.
  FO_AWK='
    function us(x) { sub(/us$/, "", x); return x + 0 }
    # cumulative count of file f at time t, linear between the per-second points; -1 = no line after t yet
    function cum(f, t,   j) {
      if (t <= pt[f, 0]) return 0
      for (j = 1; j < np[f]; j++) if (pt[f, j] >= t)
        return pc[f, j-1] + (pc[f, j] - pc[f, j-1]) * (t - pt[f, j-1]) / (pt[f, j] - pt[f, j-1])
      return -1
    }
    function point(f, t, c) { if (np[f] == 0) { pt[f, 0] = t - 1; pc[f, 0] = 0; np[f] = 1 }
                              pt[f, np[f]] = t; pc[f, np[f]] = c; np[f]++ }
    BEGIN { split(c0, k0, " "); split(c1, k1, " ") }
    FNR == 1 { fi++ }
    fi == 1 && $2 ~ /^[0-9]+\.[0-9]+$/ && $3 ~ /^[0-9.]+[kM]?\/s$/ {
      r = $3; sub(/\/s$/, "", r); m = 1
      if (r ~ /k$/) { m = 1e3; sub(/k$/, "", r) } else if (r ~ /M$/) { m = 1e6; sub(/M$/, "", r) }
      t = $2 + 0; dt = (np[1] == 0) ? 1 : t - pt[1, np[1] - 1]
      point(1, t, (np[1] == 0 ? 0 : pc[1, np[1] - 1]) + int(r * m * dt + 0.5)) }
    fi > 1 && $3 == "size" && $5 == "total" && $9 == "delta" { point(fi, $2 + 0, $6 + 0); lo[fi] = $8 + 0 }
    fi > 1 && $3 == "sublat" && $5 == "size" && $19 == "cnt" {
      t = $2 + 0
      ov = (t < B ? t : B) - (t - 1 > A ? t - 1 : A)    # the line covers (t-1, t]: used if >= half in [A, B]
      if (ov >= 0.5 && $20 > 0) {
        c[fi] += $20; s50[fi] += us($12) * $20; s99[fi] += us($16) * $20
        if (us($18) > mx) mx = us($18)
      } }
    END {
      if (!final) {
        for (f = 1; f <= S + 1; f++) if (cum(f, B) < 0) exit 1
        exit 0
      }
      if (cum(1, B) < 0) { print "ERROR the publisher printed no rate line after the window"; exit 1 }
      sent = cum(1, B) - cum(1, A)
      rec = 0; ns = 0; cpu = 0; lost = 0
      for (f = 2; f <= S + 1; f++) {
        if (cum(f, B) < 0) { printf "ERROR subscriber %d printed no line after the window\n", f - 1; exit 1 }
        rec += cum(f, B) - cum(f, A); lost += lo[f]
        if (c[f] > 0) { ns++; p50[ns] = s50[f] / c[f]; q = s99[f] / c[f]; if (q > p99) p99 = q }
        cpu += (k1[f-1] - k0[f-1]) / tck / (B - A) * 100
      }
      if (ns == 0) { print "ERROR no latency samples in the measured window (nothing delivered)"; exit 1 }
      if (ns < S) printf "ddsperf-run: only %d of %d subscribers received data in the window\n", ns, S > "/dev/stderr"
      for (i = 1; i <= ns; i++) for (j = i + 1; j <= ns; j++) if (p50[j] < p50[i]) { x = p50[i]; p50[i] = p50[j]; p50[j] = x }
      med = (ns % 2) ? p50[(ns + 1) / 2] : (p50[ns / 2] + p50[ns / 2 + 1]) / 2
      sent = int(sent + 0.5); rec = int(rec + 0.5)
      printf "ddsperf-run: window %.3f s, subscribers lost (sequence gaps, whole run) %d\n", B - A, lost > "/dev/stderr"
      printf "RESULT {\"sent\": %d, \"received\": %d, \"delivered_pct\": %.1f, \"p50_ns\": %.0f, \"p99_ns\": %.0f, \"max_ns\": %.0f, \"cpu_pct_per_sub\": %.1f, \"fps\": %.2f}\n",
        sent, rec, (sent > 0 ? 100 * rec / (sent * S) : 0), med * 1000, p99 * 1000, mx * 1000, cpu / S, rec / S / (B - A)
    }'
  # wait (<= POST_MAX s) until pub and every sub printed a line after B
  POST_END=$(awk -v b="$TB" -v d="$POST_MAX" 'BEGIN{printf "%.6f", b+d}')
  until awk -v final=0 -v A="$TA" -v B="$TB" -v S="$SUBS" "$FO_AWK" "$TMP/pub.out" "${SUBFILES[@]}"; do
    past "$POST_END" && break
    sleep 0.2
  done
  kill -TERM "$PUB_P" 2>/dev/null; sleep 0.3
  for i in $(seq 1 "$SUBS"); do kill -TERM "${SUB_P[$i]}" 2>/dev/null; done
  for p in $PUB_T "${SUB_T[@]}"; do wait "$p" 2>/dev/null; done
  PUB_T= PUB_P= SUB_T=() SUB_P=()
  for i in $(seq 1 "$SUBS"); do
    [ "${C0[$((i-1))]}" != x ] && [ "${C1[$((i-1))]}" != x ] || die "subscriber $i was gone during the measured window"
  done
  ERRRE='^\[[0-9]+\] error|failed|invalid|write error|unrecognised|undefined'
  if grep -qE "$ERRRE" "$TMP/pub.out" "${SUBFILES[@]}"; then
    die "ddsperf: $(grep -hE "$ERRRE" "$TMP/pub.out" "${SUBFILES[@]}" | head -1)"
  fi
  awk -v final=1 -v A="$TA" -v B="$TB" -v S="$SUBS" -v c0="${C0[*]}" -v c1="${C1[*]}" -v tck="$TCK" \
    "$FO_AWK" "$TMP/pub.out" "${SUBFILES[@]}" || exit 1
  exit 0
fi

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

/*
 * probe.c - the machine's physical limits for `sluice bench peers`, independent of any transport.
 *
 *     probe memcpy size=<bytes> duration=<s>   ->  RESULT {"bytes": .., "gb_per_s": .., "ns_per_copy": ..}
 *     probe handoff duration=<s>               ->  RESULT {"p50_ns": .., "p99_ns": .., "count": ..}
 *
 * memcpy: copies one buffer of `size` bytes into another (both written beforehand, so no page faults are timed)
 * over and over for `duration` seconds; GB = 1e9 bytes. The lower bound for any transport that copies a message.
 *
 * handoff: two threads pinned to CPU 0 and CPU 1 ping-pong a counter on one 64-byte-aligned cache line (C11
 * acquire/release atomics, busy spinning). Each sample is half of one round trip, timed with
 * clock_gettime(CLOCK_MONOTONIC) around it - the same clock and the same way the peer harnesses time their
 * ping-pong, so one clock read (~20 ns) is inside every round trip here as it is there. The lower bound for
 * telling another core "a message is ready".
 *
 * Output lines follow sluice-bench/peers/PROTOCOL.md: one `RESULT {json}` line, or `ERROR <what>` and a non-zero exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "peers_common.h"


static _Noreturn void fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_error(fmt, ap);
    va_end(ap);
    exit(status);
}

static const char *arg(int argc, char **argv, const char *key)
{
    return arg_value(argc, argv, 2, key);
}

static double need_num(int argc, char **argv, const char *key)
{
    const char *v = arg(argc, argv, key);
    if (!v) fail(2, "missing %s=", key);
    char *e;
    errno = 0;
    double d = strtod(v, &e);
    if (errno || *e || d <= 0) fail(2, "bad %s=%s", key, v);
    return d;
}

/* ---------------------------------------------------------------------------------------------------- memcpy */

static void probe_memcpy(size_t size, double duration)
{
    unsigned char *src = aligned_alloc(64, (size + 63) / 64 * 64);
    unsigned char *dst = aligned_alloc(64, (size + 63) / 64 * 64);
    if (!src || !dst) fail(1, "cannot allocate 2 x %zu bytes", size);
    memset(src, 0x5a, size);
    memset(dst, 0xa5, size);

    /* Copy in batches that last about 1 ms so reading the clock costs nothing worth mentioning. */
    uint64_t batch = 1, copies = 0;
    uint64_t start = now_ns(), end = start + (uint64_t)(duration * 1e9), t = start;
    while (t < end) {
        uint64_t t0 = t;
        for (uint64_t i = 0; i < batch; i++) {
            memcpy(dst, src, size);
            __asm__ volatile("" ::: "memory"); /* every copy counts: the compiler may not merge or drop them */
        }
        copies += batch;
        t = now_ns();
        if (t - t0 < 1000000 && batch < (1ull << 40)) batch *= 2;
    }
    double secs = (t - start) / 1e9;
    if (dst[size - 1] != 0x5a) fail(1, "memcpy did not copy");
    printf("RESULT {\"bytes\": %zu, \"gb_per_s\": %.3f, \"ns_per_copy\": %.2f}\n", size,
           (double)size * copies / secs / 1e9, secs * 1e9 / copies);
    fflush(stdout);
    free(src);
    free(dst);
}

/* ---------------------------------------------------------------------------------------------------- handoff */

/* The one shared cache line: odd values are pings (written by CPU 0), even values pongs (written by CPU 1). */
static struct {
    alignas(64) _Atomic uint64_t counter;
    char pad[64 - sizeof(uint64_t)];
} line;

static _Atomic int stop;

/* Half round trips are counted in a 1-ns histogram up to 1 ms; anything slower goes into the last bucket. */
#define BUCKETS 1000000u
static uint32_t *hist;

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (rc) fail(1, "cannot pin a thread to CPU %d: %s", cpu, strerror(rc));
}

static void *pong_thread(void *unused)
{
    (void)unused;
    pin(1);
    uint64_t expect = 1;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        if (atomic_load_explicit(&line.counter, memory_order_acquire) == expect) {
            atomic_store_explicit(&line.counter, expect + 1, memory_order_release);
            expect += 2;
        }
    }
    return NULL;
}

static void probe_handoff(double duration)
{
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) fail(1, "handoff needs two CPUs");
    hist = calloc(BUCKETS, sizeof *hist);
    if (!hist) fail(1, "out of memory");
    pthread_t th;
    if (pthread_create(&th, NULL, pong_thread, NULL)) fail(1, "cannot start a thread");
    pin(0);

    uint64_t count = 0, ping = 1;
    uint64_t warm_end = now_ns() + 200000000ull; /* 0.2 s to settle (caches, frequency) before counting */
    uint64_t end = warm_end + (uint64_t)(duration * 1e9);
    for (;;) {
        uint64_t t0 = now_ns();
        atomic_store_explicit(&line.counter, ping, memory_order_release);
        while (atomic_load_explicit(&line.counter, memory_order_acquire) != ping + 1) { }
        uint64_t t1 = now_ns();
        ping += 2;
        if (t0 < warm_end) continue;
        if (t1 >= end) break;
        uint64_t half = (t1 - t0) / 2;
        hist[half < BUCKETS ? half : BUCKETS - 1]++;
        count++;
    }
    atomic_store_explicit(&stop, 1, memory_order_relaxed);
    pthread_join(th, NULL);

    /* Nearest rank from the histogram. */
    uint64_t r50 = (count * 50 + 99) / 100, r99 = (count * 99 + 99) / 100, seen = 0, p50 = 0, p99 = 0;
    for (uint32_t ns = 0; ns < BUCKETS; ns++) {
        if (!hist[ns]) continue;
        if (seen < r50 && seen + hist[ns] >= r50) p50 = ns;
        if (seen < r99 && seen + hist[ns] >= r99) p99 = ns;
        seen += hist[ns];
    }
    printf("RESULT {\"p50_ns\": %" PRIu64 ", \"p99_ns\": %" PRIu64 ", \"count\": %" PRIu64 "}\n", p50, p99, count);
    fflush(stdout);
    free(hist);
}

int main(int argc, char **argv)
{
    if (argc < 2) fail(2, "usage: probe memcpy size=<bytes> duration=<s> | probe handoff duration=<s>");
    double duration = need_num(argc, argv, "duration");
    if (strcmp(argv[1], "memcpy") == 0) {
        double size = need_num(argc, argv, "size");
        probe_memcpy((size_t)size, duration);
    } else if (strcmp(argv[1], "handoff") == 0) {
        probe_handoff(duration);
    } else {
        fail(2, "unknown probe %s (memcpy or handoff)", argv[1]);
    }
    return 0;
}

/*
 * iox_harness.c - the `iceoryx` peer harness of `sluice bench peers`.
 *
 * Speaks iceoryx 2.0 through its C binding, zero copy as iceoryx users do it: the sender loans a chunk of `size`
 * bytes from RouDi's shared memory, writes the 32-byte header (and every byte when touch=1) and publishes it; the
 * receiver takes the chunk, reads it and releases it. Command line, header, lifecycle and RESULT fields follow
 * sluice-bench/peers/PROTOCOL.md, which is the spec. RouDi must be running with sluice-bench/peers/c/roudi.toml (its mempools).
 *
 *     iox-harness iceoryx <ping|pong|source|sink> workload=.. name=.. size=.. touch=.. warmup=.. duration=.. ...
 *
 * Topics (service, instance, event): ("sluice-peers", name, "ping"/"pong") for latency, ("sluice-peers", name,
 * "data") for throughput and fan-out, plus ("sluice-peers", name, "hello"): each sink publishes one hello (with
 * history, so a late connection still delivers it) after its first data message arrived, i.e. once the source's
 * publisher provably reaches it. The source sends WARMUP messages until it has a hello from every sink, then runs
 * its warm-up and measured window, so no measured message can miss a sink that joined late.
 *
 * Reliability: publishers use ConsumerTooSlowPolicy_WAIT_FOR_CONSUMER, subscribers QueueFullPolicy_BLOCK_PRODUCER,
 * so a full subscriber queue makes the publisher wait instead of dropping.
 *
 * Exit status: 0 ok, 1 failure (`ERROR ...`), 2 bad command line, 3 unsupported size (`ERROR unsupported: ...`).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "peers_common.h"

#include "iceoryx_binding_c/api.h"

#define SERVICE "sluice-peers"
#define HDR_SIZE 32u
#define FLAG_END 1u
#define FLAG_WARMUP 2u
#define CONNECT_TIMEOUT_NS (30ull * NS_PER_S) /* receivers must show up within this */
#define REPLY_TIMEOUT_NS (10ull * NS_PER_S)   /* a connected pong must answer within this */
#define DRAIN_TIMEOUT_NS (5ull * NS_PER_S)    /* after END, wait this long for receivers to leave */

/* The command line (PROTOCOL.md, "Command line"). */
typedef struct {
    const char *transport, *role, *workload, *name, *wait, *trace;
    uint64_t size;
    bool touch, spin;
    double warmup, duration, rate;
    unsigned subs, index;
} opts_t;

/* The 32-byte message header, little endian (x86-64 is little endian, so a plain struct copy is the wire format). */
typedef struct {
    uint64_t seq, send_ns, flags, reserved;
} hdr_t;

/* The iceoryx objects of this process, global so that fail() can tear them down on any exit path. */
static iox_pub_storage_t g_pub_storage;
static iox_sub_storage_t g_sub_storage;
static iox_pub_storage_t g_hello_pub_storage;
static iox_sub_storage_t g_hello_sub_storage;
static iox_ws_storage_t g_ws_storage;
static iox_pub_t g_pub;       /* data / ping / pong publisher */
static iox_sub_t g_sub;       /* data / ping / pong subscriber */
static iox_pub_t g_hello_pub; /* sink: its hello */
static iox_sub_t g_hello_sub; /* source: every sink's hello */
static iox_ws_t g_ws;         /* wait=block: the waitset on g_sub */

static volatile sig_atomic_t g_stop;  /* SIGINT / SIGTERM arrived */
static volatile uint64_t g_checksum;  /* what touch=1 reads goes here, so the reads cannot be optimised away */

/* ---------------------------------------------------------------------------------------------------- helpers */

static void teardown(void)
{
    if (g_ws) { iox_ws_deinit(g_ws); g_ws = NULL; }
    if (g_sub) { iox_sub_deinit(g_sub); g_sub = NULL; }
    if (g_pub) { iox_pub_deinit(g_pub); g_pub = NULL; }
    if (g_hello_sub) { iox_sub_deinit(g_hello_sub); g_hello_sub = NULL; }
    if (g_hello_pub) { iox_pub_deinit(g_hello_pub); g_hello_pub = NULL; }
    /* The runtime itself deregisters from RouDi in its destructor at exit(); see exit_bounded(). */
}

static volatile sig_atomic_t g_exit_status = -1; /* set once our last line is out: only exiting is left */

static void on_alarm(int sig)
{
    (void)sig;
    _exit(g_exit_status < 0 ? 1 : g_exit_status);
}

/* Exits through the iceoryx runtime's destructor, which tells RouDi we are gone and waits for its answer. If RouDi
   already dropped us (it does after 1.5 s without a keep-alive, e.g. on a starved CPU) that answer never comes and
   exit() would hang forever: give it 5 s, then leave anyway (RouDi cleans up after dead processes itself). */
static _Noreturn void exit_bounded(int status)
{
    g_exit_status = status;
    signal(SIGALRM, on_alarm);
    alarm(5);
    exit(status);
}

/* Prints `ERROR <what>` on stdout, releases the iceoryx objects and exits with `status`. */
static _Noreturn void fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_error(fmt, ap);
    va_end(ap);
    teardown();
    exit_bounded(status);
}

/* SIGINT / SIGTERM: the loops notice g_stop and fail() cleanly; a second signal, or one while exiting, ends us now. */
static void on_stop_signal(int sig)
{
    (void)sig;
    if (g_stop || g_exit_status >= 0) _exit(g_exit_status >= 0 ? g_exit_status : 1);
    g_stop = 1;
}

/* iceoryx reports fatal errors by terminating the process (abort), e.g. a loan larger than every RouDi mempool:
   still leave one ERROR line for the coordinator. Both lines are formatted in advance (a signal handler may not). */
static char g_abort_line[256], g_abort_loan_line[256];
static volatile sig_atomic_t g_in_loan;

static void on_abort(int sig)
{
    (void)sig;
    const char *line = g_in_loan ? g_abort_loan_line : g_abort_line;
    if (write(STDOUT_FILENO, line, strlen(line)) < 0) { /* nothing left to do */ }
    _exit(1);
}

static void check_stop(void)
{
    if (g_stop) fail(1, "interrupted by a signal");
}

static const char *alloc_result_str(enum iox_AllocationResult r)
{
    switch (r) {
    case AllocationResult_NO_MEMPOOLS_AVAILABLE: return "NO_MEMPOOLS_AVAILABLE";
    case AllocationResult_RUNNING_OUT_OF_CHUNKS: return "RUNNING_OUT_OF_CHUNKS";
    case AllocationResult_TOO_MANY_CHUNKS_ALLOCATED_IN_PARALLEL: return "TOO_MANY_CHUNKS_ALLOCATED_IN_PARALLEL";
    case AllocationResult_INVALID_CHUNK: return "INVALID_CHUNK";
    case AllocationResult_INVALID_PARAMETER_FOR_USER_PAYLOAD_OR_USER_HEADER:
        return "INVALID_PARAMETER_FOR_USER_PAYLOAD_OR_USER_HEADER";
    case AllocationResult_INVALID_PARAMETER_FOR_CHUNK: return "INVALID_PARAMETER_FOR_CHUNK";
    case AllocationResult_INVALID_PARAMETER_FOR_REQUEST_HEADER: return "INVALID_PARAMETER_FOR_REQUEST_HEADER";
    case AllocationResult_SUCCESS: return "SUCCESS";
    default: return "UNDEFINED_ERROR";
    }
}

/* Subscriber queue capacity: deep for small messages, 16 for large ones (roudi.toml's chunk counts assume this). */
static uint64_t queue_capacity(uint64_t size)
{
    uint64_t q = size <= 4096 ? 256 : 16;
    uint64_t max = iox_cfg_max_subscriber_queue_capacity();
    return q < max ? q : max;
}

/* A growable array of latency samples (ns). */
typedef struct {
    uint64_t *v;
    size_t n, cap;
} samples_t;

static void samples_init(samples_t *s, size_t expected)
{
    s->n = 0;
    s->cap = expected < 1024 ? 1024 : expected;
    s->v = malloc(s->cap * sizeof *s->v);
    if (!s->v) fail(1, "out of memory for %zu latency samples", s->cap);
}

static void samples_add(samples_t *s, uint64_t x)
{
    if (s->n == s->cap) {
        size_t cap = s->cap * 2;
        uint64_t *v = realloc(s->v, cap * sizeof *v);
        if (!v) fail(1, "out of memory for %zu latency samples", cap);
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = x;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples: the smallest value with at least `permille`/1000 of them <= it. */
static uint64_t percentile(const samples_t *s, unsigned permille)
{
    if (s->n == 0) return 0;
    size_t rank = (size_t)(((uint64_t)s->n * permille + 999) / 1000);
    if (rank < 1) rank = 1;
    return s->v[rank - 1];
}

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* touch=1, sender side: every payload byte after the header gets the low byte of seq. */
static void fill_payload(void *msg, uint64_t size, uint64_t seq)
{
    if (size > HDR_SIZE) memset((uint8_t *)msg + HDR_SIZE, (int)(seq & 0xff), size - HDR_SIZE);
}

/* touch=1, receiver side: read every payload byte after the header (8 bytes at a time) into a checksum. */
static void read_payload(const void *msg, uint64_t size)
{
    const uint8_t *p = msg;
    uint64_t sum = 0, i = HDR_SIZE;
    for (; i + 8 <= size; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        sum += w;
    }
    for (; i < size; i++) sum += p[i];
    g_checksum += sum;
}

/* ---------------------------------------------------------------------------------------------------- iceoryx */

static void runtime_init(const opts_t *o)
{
    /* Without RouDi, iox_runtime_init waits up to 60 s and then aborts: fail fast with a clear line instead.
       RouDi's unix domain socket is /tmp/roudi (iceoryx 2.0 on Linux). */
    struct stat st;
    if (stat("/tmp/roudi", &st) != 0)
        fail(1, "iceoryx RouDi is not running (no /tmp/roudi); start it: iox-roudi -c sluice-bench/peers/c/roudi.toml");
    char rt[128];
    int n = snprintf(rt, sizeof rt, "%s-%s-%u", o->name, o->role, o->index);
    if (n < 0 || (unsigned)n > iox_cfg_max_runtime_name_length())
        fail(2, "runtime name %s-%s-%u longer than iceoryx allows (%u)", o->name, o->role, o->index,
             iox_cfg_max_runtime_name_length());
    iox_set_loglevel(Iceoryx_LogLevel_Warn);
    iox_runtime_init(rt);
}

/* A reliable publisher: waits for a full subscriber queue instead of dropping. */
static iox_pub_t make_pub(iox_pub_storage_t *storage, const char *name, const char *event, uint64_t history)
{
    iox_pub_options_t opt;
    iox_pub_options_init(&opt);
    opt.historyCapacity = history;
    opt.offerOnCreate = true;
    opt.subscriberTooSlowPolicy = ConsumerTooSlowPolicy_WAIT_FOR_CONSUMER;
    iox_pub_t pub = iox_pub_init(storage, SERVICE, name, event, &opt);
    if (!pub) fail(1, "iox_pub_init(%s, %s, %s) failed", SERVICE, name, event);
    return pub;
}

/* A subscriber that blocks the producer when its queue is full. */
static iox_sub_t make_sub(iox_sub_storage_t *storage, const char *name, const char *event, uint64_t queue,
                          uint64_t history)
{
    iox_sub_options_t opt;
    iox_sub_options_init(&opt);
    opt.queueCapacity = queue;
    opt.historyRequest = history;
    opt.subscribeOnCreate = true;
    opt.queueFullPolicy = QueueFullPolicy_BLOCK_PRODUCER;
    iox_sub_t sub = iox_sub_init(storage, SERVICE, name, event, &opt);
    if (!sub) fail(1, "iox_sub_init(%s, %s, %s) failed", SERVICE, name, event);
    return sub;
}

/* wait=block: a waitset woken by the subscriber's DATA_RECEIVED event. */
static void make_waitset(const opts_t *o)
{
    if (o->spin) return;
    g_ws = iox_ws_init(&g_ws_storage);
    if (!g_ws) fail(1, "iox_ws_init failed");
    enum iox_WaitSetResult r = iox_ws_attach_subscriber_event(g_ws, g_sub, SubscriberEvent_DATA_RECEIVED, 0, NULL);
    if (r != WaitSetResult_SUCCESS) fail(1, "iox_ws_attach_subscriber_event failed (%d)", (int)r);
}

/* Loans a chunk for `size` bytes. An exhausted mempool may be transient (chunks still in queues): retry a while. */
static void *loan(uint64_t size)
{
    uint64_t start = now_ns();
    for (;;) {
        void *p = NULL;
        g_in_loan = 1;
        enum iox_AllocationResult r = iox_pub_loan_chunk(g_pub, &p, (uint32_t)size);
        g_in_loan = 0;
        if (r == AllocationResult_SUCCESS) return p;
        check_stop();
        if (r != AllocationResult_RUNNING_OUT_OF_CHUNKS || now_ns() - start > 2 * NS_PER_S)
            fail(1, "iceoryx could not loan a chunk of %" PRIu64 " bytes: %s (RouDi mempools too small? see "
                    "sluice-bench/peers/c/roudi.toml)", size, alloc_result_str(r));
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* Writes the header with `send_ns` and publishes the chunk. */
static void publish_stamped(void *msg, uint64_t seq, uint64_t flags, uint64_t send_ns)
{
    hdr_t h = {seq, send_ns, flags, 0};
    memcpy(msg, &h, sizeof h);
    iox_pub_publish_chunk(g_pub, msg);
}

/* Writes the header (taking send_ns now, after the payload) and publishes the chunk. */
static uint64_t publish(void *msg, uint64_t seq, uint64_t flags)
{
    uint64_t send_ns = now_ns();
    publish_stamped(msg, seq, flags, send_ns);
    return send_ns;
}

/* Takes the next chunk of g_sub: busy-polls (wait=spin) or sleeps on the waitset (wait=block). Returns NULL once
   `deadline` (CLOCK_MONOTONIC ns, 0 = none) has passed. */
static const void *receive(uint64_t deadline)
{
    for (uint64_t polls = 1;; polls++) {
        const void *p = NULL;
        enum iox_ChunkReceiveResult r = iox_sub_take_chunk(g_sub, &p);
        if (r == ChunkReceiveResult_SUCCESS) return p;
        if (r != ChunkReceiveResult_NO_CHUNK_AVAILABLE) fail(1, "iox_sub_take_chunk failed (%d)", (int)r);
        if (g_ws) {
            iox_notification_info_t info[1];
            uint64_t missed = 0;
            struct timespec timeout = {0, 100 * 1000 * 1000};
            iox_ws_timed_wait(g_ws, timeout, info, 1, &missed);
        } else if (polls % 4096 != 0) {
            continue; /* spin: look at the clock and the stop flag only now and then */
        }
        check_stop();
        if (deadline && now_ns() >= deadline) return NULL;
    }
}

/* After END: give the receivers up to DRAIN_TIMEOUT_NS to take it and leave (unsubscribe) before we stop offering. */
static void wait_receivers_gone(void)
{
    uint64_t end = now_ns() + DRAIN_TIMEOUT_NS;
    while (iox_pub_has_subscribers(g_pub) && now_ns() < end && !g_stop) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

/* ---------------------------------------------------------------------------------------------------- roles */

/* latency, sender: one message in flight; half of each measured round trip. */
static void run_ping(const opts_t *o)
{
    runtime_init(o);
    g_pub = make_pub(&g_pub_storage, o->name, "ping", 0);
    g_sub = make_sub(&g_sub_storage, o->name, "pong", queue_capacity(o->size), 0);
    make_waitset(o);

    samples_t lat;
    samples_init(&lat, (size_t)(o->duration * 200000.0));
    uint64_t start = now_ns(), seq = 0, count = 0;
    uint64_t meas_start = 0, meas_end = 0; /* set once pong answered the first time */
    uint64_t first_meas_send = 0, last_meas_recv = 0;
    bool connected = false;

    for (;; seq++) {
        check_stop();
        uint64_t now = now_ns();
        if (!connected && now - start > CONNECT_TIMEOUT_NS) fail(1, "pong did not answer within 30 s");
        if (connected && now >= meas_end) break;
        bool measured = connected && now >= meas_start;

        void *msg = loan(o->size);
        if (o->touch) fill_payload(msg, o->size, seq);
        uint64_t sent = publish(msg, seq, measured ? 0 : FLAG_WARMUP);
        if (measured && first_meas_send == 0) first_meas_send = sent;

        /* Until pong answered once, a ping may be lost (not yet connected): resend after 200 ms. */
        uint64_t deadline = sent + (connected ? REPLY_TIMEOUT_NS : 200 * 1000 * 1000ull);
        for (;;) {
            const void *reply = receive(deadline);
            if (!reply) {
                if (connected) fail(1, "no reply from pong to seq %" PRIu64 " within 10 s", seq);
                break;
            }
            hdr_t h;
            memcpy(&h, reply, sizeof h);
            if (h.seq != seq) { /* a late answer to an earlier, retried ping */
                iox_sub_release_chunk(g_sub, reply);
                continue;
            }
            if (o->touch) read_payload(reply, o->size);
            uint64_t t1 = now_ns();
            iox_sub_release_chunk(g_sub, reply);
            if (!connected) {
                connected = true;
                meas_start = t1 + (uint64_t)(o->warmup * 1e9);
                meas_end = meas_start + (uint64_t)(o->duration * 1e9);
            } else if (measured) {
                samples_add(&lat, (t1 - sent) / 2);
                last_meas_recv = t1;
                count++;
            }
            break;
        }
    }

    void *end = loan(o->size);
    publish(end, seq, FLAG_END);
    wait_receivers_gone();
    teardown();

    qsort(lat.v, lat.n, sizeof *lat.v, cmp_u64);
    long double sum = 0;
    for (size_t i = 0; i < lat.n; i++) sum += lat.v[i];
    double secs = count ? (last_meas_recv - first_meas_send) / 1e9 : 0.0;
    printf("RESULT {\"count\": %" PRIu64 ", \"p50_ns\": %" PRIu64 ", \"p90_ns\": %" PRIu64 ", \"p99_ns\": %" PRIu64
           ", \"p999_ns\": %" PRIu64 ", \"max_ns\": %" PRIu64 ", \"mean_ns\": %.1f, \"roundtrips_per_s\": %.1f}\n",
           count, percentile(&lat, 500), percentile(&lat, 900), percentile(&lat, 990), percentile(&lat, 999),
           lat.n ? lat.v[lat.n - 1] : 0, lat.n ? (double)(sum / lat.n) : 0.0, secs > 0 ? count / secs : 0.0);
    fflush(stdout);
    free(lat.v);
}

/* latency, receiver: answers every ping with a message of the same size carrying the same header. */
static void run_pong(const opts_t *o)
{
    runtime_init(o);
    g_sub = make_sub(&g_sub_storage, o->name, "ping", queue_capacity(o->size), 0);
    g_pub = make_pub(&g_pub_storage, o->name, "pong", 0);
    make_waitset(o);
    printf("READY\n");
    fflush(stdout);

    uint64_t count = 0;
    for (;;) {
        const void *req = receive(0);
        hdr_t h;
        memcpy(&h, req, sizeof h);
        if (h.flags & FLAG_END) {
            iox_sub_release_chunk(g_sub, req);
            break;
        }
        if (o->touch) read_payload(req, o->size);
        void *reply = loan(o->size);
        if (o->touch) fill_payload(reply, o->size, h.seq);
        memcpy(reply, &h, sizeof h); /* the very same header, send_ns included */
        iox_pub_publish_chunk(g_pub, reply);
        iox_sub_release_chunk(g_sub, req);
        count++;
    }
    teardown();
    printf("RESULT {\"count\": %" PRIu64 "}\n", count);
    fflush(stdout);
}

/* throughput and fan-out, sender. */
static void run_source(const opts_t *o)
{
    bool fanout = strcmp(o->workload, "fanout") == 0;
    if (fanout && !(o->rate > 0)) fail(2, "fanout needs rate > 0");
    runtime_init(o);
    /* Every sink's hello: one per sink publisher, kept as history so it arrives even if RouDi connects us late. */
    g_hello_sub = make_sub(&g_hello_sub_storage, o->name, "hello", iox_cfg_max_subscriber_queue_capacity(), 1);
    g_pub = make_pub(&g_pub_storage, o->name, "data", 0);

    bool *hello = calloc(o->subs, sizeof *hello);
    if (!hello) fail(1, "out of memory");
    unsigned hellos = 0;

    uint64_t period = fanout ? (uint64_t)(1e9 / o->rate) : 0;
    uint64_t start = now_ns(), next_due = start;
    uint64_t warm_end = 0, meas_end = 0; /* set once every sink said hello */
    uint64_t seq = 0, sent = 0, late = 0, first_meas = 0, last_meas = 0;

    for (;; seq++) {
        check_stop();
        if (fanout) { /* absolute schedule; more than a period late: send now and restart the schedule from here */
            uint64_t now = now_ns();
            if (now < next_due) {
                struct timespec ts = {(time_t)(next_due / NS_PER_S), (long)(next_due % NS_PER_S)};
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) check_stop();
            }
        }
        /* fan-out: send_ns is taken before the loan, as every harness does before its claim of a buffer
           (PROTOCOL.md), so the loan's time counts in the latency as Sluice's does */
        uint64_t stamp = now_ns();
        void *msg = loan(o->size);
        if (o->touch) fill_payload(msg, o->size, seq);
        uint64_t now = now_ns(); /* throughput: == send_ns below, up to a few ns */
        bool connected = hellos == o->subs;
        if (connected && now >= meas_end) {
            iox_pub_release_chunk(g_pub, msg);
            break;
        }
        bool measured = connected && now >= warm_end;
        publish_stamped(msg, seq, measured ? 0 : FLAG_WARMUP, fanout ? stamp : now_ns());
        if (measured) {
            if (!first_meas) first_meas = now;
            last_meas = now_ns();
            sent++;
            if (fanout && now > next_due + period) late++;
        }
        if (fanout) next_due = now > next_due + period ? now + period : next_due + period;

        /* Still waiting for sinks: collect hellos. */
        if (!connected) {
            const void *p = NULL;
            while (iox_sub_take_chunk(g_hello_sub, &p) == ChunkReceiveResult_SUCCESS) {
                uint64_t idx;
                memcpy(&idx, p, sizeof idx);
                iox_sub_release_chunk(g_hello_sub, p);
                if (idx < o->subs && !hello[idx]) {
                    hello[idx] = true;
                    hellos++;
                }
            }
            uint64_t t = now_ns();
            if (hellos == o->subs) {
                warm_end = t + (uint64_t)(o->warmup * 1e9);
                meas_end = warm_end + (uint64_t)(o->duration * 1e9);
            } else if (t - start > CONNECT_TIMEOUT_NS) {
                fail(1, "only %u of %u sinks connected within 30 s", hellos, o->subs);
            }
        }
    }

    void *end = loan(o->size);
    publish(end, seq, FLAG_END);
    wait_receivers_gone();
    teardown();
    free(hello);

    if (fanout)
        printf("RESULT {\"sent\": %" PRIu64 ", \"late\": %" PRIu64 "}\n", sent, late);
    else
        printf("RESULT {\"sent\": %" PRIu64 ", \"seconds\": %.6f}\n", sent, sent ? (last_meas - first_meas) / 1e9 : 0.0);
    fflush(stdout);
}

/* throughput and fan-out, receiver. */
static void run_sink(const opts_t *o)
{
    bool fanout = strcmp(o->workload, "fanout") == 0;
    runtime_init(o);
    g_sub = make_sub(&g_sub_storage, o->name, "data", queue_capacity(o->size), 0);
    g_hello_pub = make_pub(&g_hello_pub_storage, o->name, "hello", 1);
    make_waitset(o);
    printf("READY\n");
    fflush(stdout);

    samples_t lat = {0};
    if (fanout) samples_init(&lat, (size_t)(o->duration * (o->rate > 0 ? o->rate : 1000.0)) + 16);
    bool said_hello = false;
    uint64_t received = 0, first_seq = 0, end_seq = 0, first_ns = 0, last_ns = 0;
    uint64_t next_warm_seq = 0; /* the seq after the last warm-up message seen: a gap up to the first measured is lost */
    bool warm_seen = false;
    double cpu0 = 0, cpu1 = 0;
    /* trace= (diagnosis only): every measured message's seq, send_ns and receive_ns, kept in memory while measuring
     * and written after (as the Java harness's FrameTrace): no file I/O between a receive and the next */
    FILE *trace = NULL;
    uint64_t *trace_v = NULL;
    size_t trace_n = 0, trace_cap = 0;
    if (fanout && o->trace) {
        trace = fopen(o->trace, "w");
        if (!trace) fail(1, "cannot write the trace file %s", o->trace);
        trace_cap = lat.cap;
        trace_v = malloc(3 * trace_cap * sizeof *trace_v);
        if (!trace_v) fail(1, "out of memory for the trace");
    }

    for (;;) {
        const void *msg = receive(0);
        hdr_t h;
        memcpy(&h, msg, sizeof h);
        if (!said_hello) { /* the source's data reaches us: tell it so */
            void *p = NULL;
            enum iox_AllocationResult r = iox_pub_loan_chunk(g_hello_pub, &p, 64);
            if (r != AllocationResult_SUCCESS) fail(1, "iceoryx could not loan a hello chunk: %s", alloc_result_str(r));
            uint64_t idx = o->index;
            memcpy(p, &idx, sizeof idx);
            iox_pub_publish_chunk(g_hello_pub, p);
            said_hello = true;
        }
        if (h.flags & FLAG_END) {
            end_seq = h.seq;
            cpu1 = cpu_seconds();
            iox_sub_release_chunk(g_sub, msg);
            break;
        }
        if (o->touch) read_payload(msg, o->size);
        uint64_t t = now_ns();
        if (h.flags & FLAG_WARMUP) {
            if (h.seq + 1 > next_warm_seq) next_warm_seq = h.seq + 1;
            warm_seen = true;
        } else {
            if (received == 0) {
                first_seq = h.seq;
                first_ns = t;
                cpu0 = cpu_seconds();
            }
            last_ns = t;
            received++;
            if (fanout) samples_add(&lat, t - h.send_ns);
            if (trace_v && trace_n < trace_cap) {
                trace_v[3 * trace_n] = h.seq;
                trace_v[3 * trace_n + 1] = h.send_ns;
                trace_v[3 * trace_n + 2] = t;
                trace_n++;
            }
        }
        iox_sub_release_chunk(g_sub, msg);
    }
    teardown();
    if (trace) {
        fprintf(trace, "seq\tsend_ns\treceive_ns\tlatency_ns\tgap_before\n");
        for (size_t i = 0; i < trace_n; i++) {
            uint64_t seq = trace_v[3 * i], send = trace_v[3 * i + 1], got = trace_v[3 * i + 2];
            uint64_t before = i > 0 && seq > trace_v[3 * (i - 1)] + 1 ? seq - trace_v[3 * (i - 1)] - 1 : 0;
            fprintf(trace, "%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n", seq, send, got,
                    got - send, before);
        }
        if (received > trace_n)
            fprintf(stderr, "iox-harness: the trace kept the first %zu of %" PRIu64 " messages\n", trace_n, received);
        if (fclose(trace) != 0) fail(1, "cannot write the trace file %s", o->trace);
        free(trace_v);
    }

    /* Measured messages carry seq first_seq .. end_seq-1 (END follows the last measured one). */
    if (received && warm_seen && first_seq > next_warm_seq) first_seq = next_warm_seq; /* boundary gap: lost */
    uint64_t expected = received ? end_seq - first_seq : 0;
    uint64_t lost = expected > received ? expected - received : 0;
    double secs = received ? (last_ns - first_ns) / 1e9 : 0.0;
    if (fanout) {
        qsort(lat.v, lat.n, sizeof *lat.v, cmp_u64);
        printf("RESULT {\"received\": %" PRIu64 ", \"lost\": %" PRIu64 ", \"p50_ns\": %" PRIu64 ", \"p99_ns\": %" PRIu64
               ", \"max_ns\": %" PRIu64 ", \"cpu_s\": %.6f, \"seconds\": %.6f}\n",
               received, lost, percentile(&lat, 500), percentile(&lat, 990), lat.n ? lat.v[lat.n - 1] : 0,
               received ? cpu1 - cpu0 : 0.0, secs);
        free(lat.v);
    } else {
        printf("RESULT {\"received\": %" PRIu64 ", \"lost\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"seconds\": %.6f}\n",
               received, lost, received * o->size, secs);
    }
    fflush(stdout);
}

/* ---------------------------------------------------------------------------------------------------- main */

static const char *arg(int argc, char **argv, const char *key)
{
    return arg_value(argc, argv, 3, key);
}

static const char *need(int argc, char **argv, const char *key)
{
    const char *v = arg(argc, argv, key);
    if (!v) fail(2, "missing %s=", key);
    return v;
}

static double need_num(int argc, char **argv, const char *key)
{
    const char *v = need(argc, argv, key);
    char *e;
    errno = 0;
    double d = strtod(v, &e);
    if (errno || *e || d < 0) fail(2, "bad %s=%s", key, v);
    return d;
}

int main(int argc, char **argv)
{
    signal(SIGINT, on_stop_signal);
    signal(SIGTERM, on_stop_signal);
    signal(SIGABRT, on_abort);
    /* A coordinator that dies (even by SIGKILL) takes its harnesses with it: SIGTERM when the parent goes. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (argc < 3) fail(2, "usage: iox-harness iceoryx <ping|pong|source|sink> key=value ...");

    opts_t o = {0};
    o.transport = argv[1];
    o.role = argv[2];
    o.workload = need(argc, argv, "workload");
    o.name = need(argc, argv, "name");
    o.wait = need(argc, argv, "wait");
    o.size = (uint64_t)need_num(argc, argv, "size");
    o.touch = need_num(argc, argv, "touch") != 0;
    o.trace = arg(argc, argv, "trace");
    o.warmup = need_num(argc, argv, "warmup");
    o.duration = need_num(argc, argv, "duration");
    o.rate = arg(argc, argv, "rate") ? need_num(argc, argv, "rate") : 0;
    o.subs = arg(argc, argv, "subs") ? (unsigned)need_num(argc, argv, "subs") : 1;
    o.index = arg(argc, argv, "index") ? (unsigned)need_num(argc, argv, "index") : 0;
    o.spin = strcmp(o.wait, "spin") == 0;
    snprintf(g_abort_line, sizeof g_abort_line, "ERROR iceoryx aborted the process (fatal iceoryx error, see stderr)\n");
    snprintf(g_abort_loan_line, sizeof g_abort_loan_line,
             "ERROR iceoryx aborted loaning a chunk of %" PRIu64 " bytes: no RouDi mempool that large? (see "
             "sluice-bench/peers/c/roudi.toml; iceoryx details on stderr)\n", o.size);

    if (strcmp(o.transport, "iceoryx") != 0) fail(2, "unknown transport %s (this harness speaks iceoryx)", o.transport);
    if (!o.spin && strcmp(o.wait, "block") != 0) fail(2, "bad wait=%s", o.wait);
    if (o.size < 64) fail(2, "size=%" PRIu64 " below 64", o.size);
    if (strlen(o.name) >= IOX_CONFIG_SERVICE_STRING_SIZE) fail(2, "name longer than iceoryx allows (100)");
    if (o.subs < 1) fail(2, "subs must be at least 1");
    /* iceoryx chunk sizes are uint32 including the chunk header. */
    if (o.size > UINT32_MAX - 4096)
        fail(3, "unsupported: iceoryx chunks are limited to 4 GiB (uint32 chunk size), size=%" PRIu64, o.size);
    if (o.subs > iox_cfg_max_subscribers_per_publisher())
        fail(3, "unsupported: iceoryx allows at most %u subscribers per publisher", iox_cfg_max_subscribers_per_publisher());

    if (strcmp(o.role, "ping") == 0) run_ping(&o);
    else if (strcmp(o.role, "pong") == 0) run_pong(&o);
    else if (strcmp(o.role, "source") == 0) run_source(&o);
    else if (strcmp(o.role, "sink") == 0) run_sink(&o);
    else fail(2, "unknown role %s", o.role);
    fprintf(stderr, "iox-harness: checksum %" PRIu64 "\n", g_checksum);
    exit_bounded(0);
}

/* peers_common.h - what the C programs of `sluice bench peers` share (iox_harness.c, probe.c): the clock every
 * harness stamps with, the protocol's ERROR line and key=value arguments (sluice-bench/peers/PROTOCOL.md). */
#ifndef SLUICE_PEERS_COMMON_H
#define SLUICE_PEERS_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NS_PER_S 1000000000ull

/* CLOCK_MONOTONIC in ns: the clock Java's System.nanoTime and Python's time.monotonic_ns read too. */
static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* Prints the protocol's one-line "ERROR <what>" on stdout, flushed; the caller exits. */
static inline void print_error(const char *fmt, va_list ap)
{
    fputs("ERROR ", stdout);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    fflush(stdout);
}

/* The value of key=value among argv[first..argc-1], or NULL. */
static inline const char *arg_value(int argc, char **argv, int first, const char *key)
{
    size_t n = strlen(key);
    for (int i = first; i < argc; i++)
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
    return NULL;
}

#endif

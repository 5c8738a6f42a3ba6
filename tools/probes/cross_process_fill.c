/*
 * What a C process pays to fill a frame the other process has just read (docs/PERFORMANCE.md, "Reading a frame in
 * Java: 1 MiB touched", the 8 MiB fill). Two processes, one on each CPU, take turns on two buffers of a /dev/shm
 * mapping as a touched ping-pong does: each reads all of the buffer the other wrote, then fills its own with memset
 * and hands over; the wait is a futex wait and wake (as the harnesses' blocking waits), or a spin. Prints each
 * process's mean fill time and the mean round trip.
 *
 *     cc -O2 -o /tmp/cross_process_fill tools/probes/cross_process_fill.c
 *     /tmp/cross_process_fill [size_bytes=8388608] [rounds=2000] [futex|spin] [pong_cpu=1]
 *
 * The ping runs on the other CPU of the two (0 or 1).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t checksum;
static int spin;

static long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void read_all(const uint8_t *p, size_t n)
{
    uint64_t sum = 0;
    for (size_t i = 0; i + 8 <= n; i += 8) sum += *(const uint64_t *)(p + i);
    checksum = sum;
}

/* Waits until the turn word holds `want`. */
static void await_turn(uint32_t *turn, uint32_t want)
{
    for (;;) {
        uint32_t seen = __atomic_load_n(turn, __ATOMIC_ACQUIRE);
        if (seen == want) return;
        if (!spin) syscall(SYS_futex, turn, FUTEX_WAIT, seen, NULL, NULL, 0);
    }
}

static void hand_over(uint32_t *turn, uint32_t value)
{
    __atomic_store_n(turn, value, __ATOMIC_SEQ_CST);
    if (!spin) syscall(SYS_futex, turn, FUTEX_WAKE, 1, NULL, NULL, 0);
}

int main(int argc, char **argv)
{
    size_t size = argc > 1 ? strtoull(argv[1], NULL, 10) : 8u << 20;
    int rounds = argc > 2 ? atoi(argv[2]) : 2000;
    spin = argc > 3 && strcmp(argv[3], "spin") == 0;
    int pong_cpu = argc > 4 ? atoi(argv[4]) : 1;
    int ping_cpu = pong_cpu == 0 ? 1 : 0;

    char name[64];
    snprintf(name, sizeof name, "/dev/shm/cross-process-fill-%d", (int)getpid());
    int fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) { perror(name); return 1; }
    size_t total = 4096 + 2 * size;
    if (ftruncate(fd, (off_t)total) != 0) { perror("ftruncate"); unlink(name); return 1; }
    uint8_t *memory = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    unlink(name); /* the mapping keeps it; nothing is left in /dev/shm */
    close(fd);
    if (memory == MAP_FAILED) { perror("mmap"); return 1; }
    memset(memory, 0, total);

    uint32_t *turn = (uint32_t *)memory;
    uint8_t *ping_buffer = memory + 4096, *pong_buffer = memory + 4096 + size;
    pid_t child = fork();
    int pong = child == 0;
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET(pong ? pong_cpu : ping_cpu, &cpus);
    sched_setaffinity(0, sizeof cpus, &cpus);

    long fill_ns = 0, round_trip_ns = 0;
    for (int i = 0; i < rounds; i++) {
        if (pong) {
            await_turn(turn, 2u * i + 1);
            read_all(ping_buffer, size);
            long t = now_ns();
            memset(pong_buffer, i & 0xff, size);
            fill_ns += now_ns() - t;
            hand_over(turn, 2u * i + 2);
        } else {
            long start = now_ns();
            memset(ping_buffer, i & 0xff, size);
            fill_ns += now_ns() - start;
            hand_over(turn, 2u * i + 1);
            await_turn(turn, 2u * i + 2);
            read_all(pong_buffer, size);
            round_trip_ns += now_ns() - start;
        }
    }
    if (pong) {
        printf("pong (cpu %d): mean fill %.1f us\n", pong_cpu, fill_ns / 1e3 / rounds);
        return 0;
    }
    waitpid(child, NULL, 0);
    printf("ping (cpu %d): mean fill %.1f us, mean round trip %.1f us (size %zu, %d rounds, %s)\n",
           ping_cpu, fill_ns / 1e3 / rounds, round_trip_ns / 1e3 / rounds, size, rounds, spin ? "spin" : "futex");
    return 0;
}

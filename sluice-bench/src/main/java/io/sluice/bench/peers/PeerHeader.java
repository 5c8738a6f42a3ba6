package io.sluice.bench.peers;

import io.sluice.Frames;
import io.sluice.bench.cli.BenchMessage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 32-byte header every peer-benchmark message starts with ({@code sluice-bench/peers/PROTOCOL.md}), little endian:
 * {@code seq} (u64), {@code send_ns} (u64, {@code CLOCK_MONOTONIC}, which {@link System#nanoTime()} reads on
 * Linux), {@code flags} (u64: {@link #END}, {@link #WARMUP}) and a reserved u64. Also the two touch operations: fill
 * the payload, read every byte.
 */
final class PeerHeader {
    static final int LENGTH = 32;
    static final long END = 1;
    static final long WARMUP = 2;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED; // little endian on x86-64 and aarch64

    private PeerHeader() {
    }

    static void write(MemorySegment message, long seq, long flags) {
        write(message, seq, flags, System.nanoTime()); // the payload is written: as close to the hand-over as it gets
    }

    /** The header with a send time taken earlier: fan-out stamps before it claims its buffer (PROTOCOL.md). */
    static void write(MemorySegment message, long seq, long flags, long sendNanos) {
        message.set(LONG, 0, seq);
        message.set(LONG, 16, flags);
        message.set(LONG, 24, 0L);
        message.set(LONG, 8, sendNanos);
    }

    static long seq(MemorySegment message) {
        return message.get(LONG, 0);
    }

    static long sendNanos(MemorySegment message) {
        return message.get(LONG, 8);
    }

    static long flags(MemorySegment message) {
        return message.get(LONG, 16);
    }

    /** Writes every payload byte (after the header) with the low byte of {@code seq}. */
    static void fill(MemorySegment message, long size, long seq) {
        // as the C harness's memset: MemorySegment.fill was ~4x slower than glibc's memset on a frame the other
        // process had just read (docs/PERFORMANCE.md, "Reading a frame in Java: 1 MiB touched")
        Frames.fill(message.asSlice(LENGTH, size - LENGTH), (byte) seq);
    }

    /** Reads every byte of {@code message}'s first {@code size} bytes, eight at a time; returns their sum. */
    static long sum(MemorySegment message, long size) {
        return BenchMessage.sumLongs(message.asSlice(0, size));
    }
}

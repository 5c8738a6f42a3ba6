package io.sluice.bench.cli;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Layout of a benchmark message: a small header at the start of the payload, the rest filler. Untouched runs
 * write and read the header only; touched runs write every byte and read every byte.
 *
 * <pre>
 *   0: ITERATION (8): 0, 1, 2… per run, warm-up included; ping and its ack carry the same value
 *   8: PHASE (4): {@link #WARMUP}, {@link #MEASURE} or {@link #STOP}
 *  12: (4, zero)
 *  16: filler up to the message size: one byte value per message when touched, untouched otherwise
 * </pre>
 * Written with plain stores: {@code Loan.publish()} orders them before the subscriber's reads.
 */
public final class BenchMessage {
    static final int ITERATION_OFFSET = 0;
    static final int PHASE_OFFSET = 8;
    static final int HEADER_LENGTH = 16;
    /** The size of a latency acknowledgement. */
    static final int ACK_LENGTH = 64;

    static final int WARMUP = 1;
    static final int MEASURE = 2;
    static final int STOP = 3;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private BenchMessage() {
    }

    /** Writes the header; with {@code touch} first fills the whole message, so every byte is written. */
    static void write(MemorySegment message, long iteration, int phase, boolean touch) {
        if (touch) {
            message.fill((byte) iteration);
        }
        message.set(LONG, ITERATION_OFFSET, iteration);
        message.set(INT, PHASE_OFFSET, phase);
        message.set(INT, PHASE_OFFSET + Integer.BYTES, 0);
    }

    static long iteration(MemorySegment message) {
        return message.get(LONG, ITERATION_OFFSET);
    }

    static int phase(MemorySegment message) {
        return message.get(INT, PHASE_OFFSET);
    }

    /**
     * The phase, checked: it comes from shared memory.
     *
     * @throws IllegalStateException when it is not a phase this benchmark writes
     */
    static int checkedPhase(MemorySegment message) {
        int phase = phase(message);
        if (phase < WARMUP || phase > STOP) {
            throw new IllegalStateException("message has no valid phase: phase=" + phase + ", iteration="
                + iteration(message));
        }
        return phase;
    }

    /** Reads every byte of {@code message}, eight at a time, and returns their sum so nothing is optimised away. */
    public static long sumLongs(MemorySegment message) {
        long length = message.byteSize();
        long whole = length & ~7L;
        long sum = 0;
        for (long offset = 0; offset < whole; offset += Long.BYTES) {
            sum += message.get(LONG, offset);
        }
        for (long offset = whole; offset < length; offset++) {
            sum += message.get(ValueLayout.JAVA_BYTE, offset);
        }
        return sum;
    }

    static String phaseName(int phase) {
        return switch (phase) {
            case WARMUP -> "warmup";
            case MEASURE -> "measure";
            case STOP -> "stop";
            default -> "unknown(" + phase + ")";
        };
    }
}

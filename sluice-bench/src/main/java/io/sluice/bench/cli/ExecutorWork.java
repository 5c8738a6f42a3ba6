package io.sluice.bench.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The work every consumer of {@code sluice bench executor} does, identical for the three executors and the
 * Disruptor, so that the figures differ only in how events reach the handler.
 *
 * <p>A CPU-scenario message is {@value #MESSAGE_BYTES} bytes, eight longs:
 * <pre>
 *   0: SEQUENCE (8): per publisher, 0, 1, 2…
 *   8: NANOS (8): when it was due, System.nanoTime() terms
 *  16: six filler longs derived from the sequence
 * </pre>
 * The producer writes all eight (into a loaned slot, an inbox event or a Disruptor event); the handler reads all
 * eight and adds them to a checksum, then counts the event.
 */
final class ExecutorWork {
    /** The size of a CPU-scenario message. */
    static final int MESSAGE_BYTES = 64;
    private static final int LONGS = MESSAGE_BYTES / Long.BYTES;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;

    private ExecutorWork() {
    }

    /** Writes a message: sequence, due time, filler. */
    static void write(MemorySegment message, long sequence, long nanos) {
        message.set(LONG, 0, sequence);
        message.set(LONG, 8, nanos);
        for (int i = 2; i < LONGS; i++) {
            message.set(LONG, (long) i * Long.BYTES, sequence ^ i);
        }
    }

    /** The handler's read: the eight longs of a message, summed. */
    static long sum(MemorySegment message) {
        long sum = 0;
        for (int i = 0; i < LONGS; i++) {
            sum += message.get(LONG, (long) i * Long.BYTES);
        }
        return sum;
    }

    static long sequence(MemorySegment message) {
        return message.get(LONG, 0);
    }

    /**
     * What one handler counts. Written by the one thread that runs the handler (an executor runs a registration's
     * callbacks one at a time, on whichever thread), read by the coordinator between windows: the counts are
     * release-stored and acquire-loaded, which costs a plain store and load on x86 — the same on every side.
     */
    static final class Tally {
        private static final VarHandle HANDLED;
        private static final VarHandle GAPS;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                HANDLED = lookup.findVarHandle(Tally.class, "handled", long.class);
                GAPS = lookup.findVarHandle(Tally.class, "gaps", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // through HANDLED
        private long handled;
        @SuppressWarnings("unused") // through GAPS
        private long gaps;
        private long expected = -1;
        /** Keeps the sums alive so that the JIT cannot drop the reads. */
        long checksum;

        /** The handler's work on one message: read it all, count it. */
        void handle(MemorySegment message) {
            checksum += sum(message);
            HANDLED.setRelease(this, (long) HANDLED.get(this) + 1);
        }

        /** {@link #handle}, and a gap when {@code sequence} is not the next one of this (single) publisher. */
        void handle(MemorySegment message, long sequence) {
            if (expected >= 0 && sequence > expected) {
                GAPS.setRelease(this, (long) GAPS.get(this) + (sequence - expected));
            }
            expected = sequence + 1;
            handle(message);
        }

        long handled() {
            return (long) HANDLED.getAcquire(this);
        }

        long gaps() {
            return (long) GAPS.getAcquire(this);
        }
    }

    /**
     * An in-process event of the CPU scenario: a {@value #MESSAGE_BYTES}-byte native segment, so that the handler
     * reads the same kind of memory as from a shared-memory sample. Preallocated: the Disruptor's ring holds its
     * own, the inbox producer a pool of them.
     */
    static final class Event {
        final MemorySegment data = Arena.ofAuto().allocate(MESSAGE_BYTES, Long.BYTES);
    }

    /** The event of the throughput scenario: one long, added up by the consumer. Preallocated likewise. */
    static final class Cell {
        long value;
    }

    /** The consumer of the throughput scenario: adds each cell's value, counts the cell. */
    static final class CellTally {
        private static final VarHandle HANDLED;

        static {
            try {
                HANDLED = MethodHandles.lookup().findVarHandle(CellTally.class, "handled", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @SuppressWarnings("unused") // through HANDLED
        private long handled;
        long sum;

        void handle(Cell cell) {
            sum += cell.value;
            HANDLED.setRelease(this, (long) HANDLED.get(this) + 1);
        }

        long handled() {
            return (long) HANDLED.getAcquire(this);
        }
    }

    /**
     * A producer's pool of preallocated events for an inbox of {@code capacity} (the ring's real, power-of-two
     * capacity), used round robin. An inbox passes references, so the producer must not rewrite an event the
     * consumer may still read: with {@code capacity + 2} events per producer, by the time one comes round again
     * the producer has had {@code capacity + 1} later ones accepted, at most {@code capacity} of which can still
     * wait, so the consumer has taken a later one of this producer — and, handling one event at a time in each
     * producer's order, has finished with this one. The inbox's ring orders the consumer's read before the
     * producer's rewrite (the slot's release by the consumer, its acquire by the producer's offer).
     */
    static final class Pool<E> {
        private final E[] events;
        private int next;

        Pool(E[] events) {
            this.events = events;
        }

        static Pool<Event> events(int capacity) {
            Event[] events = new Event[capacity + 2];
            for (int i = 0; i < events.length; i++) {
                events[i] = new Event();
            }
            return new Pool<>(events);
        }

        static Pool<Cell> cells(int capacity) {
            Cell[] cells = new Cell[capacity + 2];
            for (int i = 0; i < cells.length; i++) {
                cells[i] = new Cell();
            }
            return new Pool<>(cells);
        }

        /** The event to write and offer next. */
        E current() {
            return events[next];
        }

        /** Moves on once the inbox took {@link #current()}; a refused event is reused at once. */
        void advance() {
            next = next + 1 == events.length ? 0 : next + 1;
        }
    }
}

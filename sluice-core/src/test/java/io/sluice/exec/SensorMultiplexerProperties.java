package io.sluice.exec;

import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Sample;
import io.sluice.SluiceException;
import io.sluice.Subscriber;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The multiplexer against a model under random single-threaded interleavings of loan, write, publish, abandon,
 * take, latest and close by several consumers: a buffer being written is never handed out, a held buffer is never
 * loaned (its bytes never change while held), take returns exactly the newest sample the consumer has not taken,
 * and latest the newest. Each step is one call, so the interleavings are those of the operations' linearization
 * points; the concurrent interleavings inside them are {@link SensorMultiplexerTest}'s part.
 */
class SensorMultiplexerProperties {
    private static final MessageType<MemorySegment> FRAME = MessageType.raw("test/msg/Frame");
    private static final int CONSUMERS = 3;
    private static final int MAX_HELD = 2;
    private static final long SIZE = 64;

    sealed interface Op permits Loan_, Write, Publish, Abandon, Take, Latest, Close { }

    record Loan_() implements Op { }

    record Write(long value) implements Op { }

    record Publish() implements Op { }

    record Abandon() implements Op { }

    record Take(int consumer) implements Op { }

    record Latest(int consumer) implements Op { }

    record Close(int consumer, int which) implements Op { }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> consumer = Arbitraries.integers().between(0, CONSUMERS - 1);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(new Loan_())),
            Tuple.of(2, Arbitraries.longs().between(1_000, 2_000).map(Write::new)),
            Tuple.of(4, Arbitraries.just(new Publish())),
            Tuple.of(1, Arbitraries.just(new Abandon())),
            Tuple.of(4, consumer.map(Take::new)),
            Tuple.of(2, consumer.map(Latest::new)),
            Tuple.of(4, Arbitraries.integers().between(0, CONSUMERS * MAX_HELD - 1)
                .map(i -> new Close(i / MAX_HELD, i % MAX_HELD))));
        return op.list().ofMinSize(1).ofMaxSize(200);
    }

    /** What the model knows of the producer. */
    private static final class Model {
        Loan<MemorySegment> loan;
        long newest = -1;
        long nextSequence;
    }

    /** A sample the model expects a consumer to hold: its sequence and the buffer it pins. */
    record Held(Sample<MemorySegment> sample, long sequence, long address) { }

    @Property(tries = 400)
    void shouldBehaveLikeANewestValueRegister(@ForAll("operations") List<Op> ops) {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create("/model", FRAME, SIZE, CONSUMERS,
                MAX_HELD)) {
            Publisher<MemorySegment> publisher = mux.publisher();
            List<Subscriber<MemorySegment>> subscribers = new ArrayList<>();
            List<List<Held>> held = new ArrayList<>();
            long[] lastTaken = new long[CONSUMERS];
            for (int c = 0; c < CONSUMERS; c++) {
                subscribers.add(mux.subscriber());
                held.add(new ArrayList<>());
                lastTaken[c] = -1;
            }
            Model m = new Model();
            for (Op op : ops) {
                switch (op) {
                    case Loan_ ignored when m.loan == null -> {
                        m.loan = publisher.loan(SIZE);
                        long address = m.loan.segment().address();
                        for (List<Held> samples : held) {
                            for (Held sample : samples) {
                                assertFalse(sample.address() == address, "loaned a held buffer: " + sample);
                            }
                        }
                        SensorMultiplexerTest.fill(m.loan.segment(), -7); // scribble: held samples must not change
                    }
                    case Write write when m.loan != null -> SensorMultiplexerTest.fill(m.loan.segment(), write.value());
                    case Publish ignored when m.loan != null -> {
                        SensorMultiplexerTest.fill(m.loan.segment(), m.nextSequence);
                        m.loan.publish();
                        m.loan = null;
                        m.newest = m.nextSequence++;
                    }
                    case Abandon ignored when m.loan != null -> {
                        m.loan.close();
                        m.loan = null;
                    }
                    case Take take -> {
                        int c = take.consumer();
                        if (held.get(c).size() == MAX_HELD) {
                            assertThrows(SluiceException.class, subscribers.get(c)::take);
                            break;
                        }
                        Sample<MemorySegment> sample = subscribers.get(c).take();
                        if (m.newest == -1 || m.newest == lastTaken[c]) {
                            assertNull(sample, "nothing new for consumer " + c);
                        } else {
                            assertNotNull(sample, "consumer " + c + " should get " + m.newest);
                            assertEquals(m.newest, sample.sequence());
                            lastTaken[c] = m.newest;
                            hold(held.get(c), sample, m.loan);
                        }
                    }
                    case Latest latest -> {
                        int c = latest.consumer();
                        if (held.get(c).size() == MAX_HELD) {
                            assertThrows(SluiceException.class, subscribers.get(c)::latest);
                            break;
                        }
                        Sample<MemorySegment> sample = subscribers.get(c).latest();
                        if (m.newest == -1) {
                            assertNull(sample);
                        } else {
                            assertEquals(m.newest, sample.sequence());
                            hold(held.get(c), sample, m.loan);
                        }
                    }
                    case Close close -> {
                        List<Held> samples = held.get(close.consumer());
                        if (close.which() < samples.size()) {
                            samples.remove(close.which()).sample().close();
                        }
                    }
                    default -> {
                        // an operation that does not apply in this state (publish without a loan…)
                    }
                }
                for (List<Held> samples : held) {
                    for (Held sample : samples) {
                        assertEquals(sample.sequence(), sample.sample().sequence(), "a held sample changed");
                        assertNull(SensorMultiplexerTest.tornWord(sample.sample()), "a held sample was overwritten");
                    }
                }
            }
            assertEquals(m.nextSequence, publisher.publishedCount());
        }
    }

    private static void hold(List<Held> samples, Sample<MemorySegment> sample, Loan<MemorySegment> loan) {
        long address = sample.segment().address();
        if (loan != null) {
            assertFalse(loan.segment().address() == address, "handed out the buffer being written");
        }
        assertNull(SensorMultiplexerTest.tornWord(sample));
        samples.add(new Held(sample, sample.sequence(), address));
    }

    /** With every consumer at its limit, the producer still finds a buffer, every time. */
    @Property(tries = 50)
    void shouldAlwaysFindABufferWhateverTheConsumersHold(@ForAll @IntRange(min = 1, max = 4) int consumers,
                                                         @ForAll @IntRange(min = 1, max = 4) int maxHeld,
                                                         @ForAll @IntRange(min = 0, max = 1000) int seed) {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create("/full", FRAME, SIZE, consumers,
                maxHeld)) {
            java.util.Random random = new java.util.Random(seed);
            Publisher<MemorySegment> publisher = mux.publisher();
            List<Subscriber<MemorySegment>> subscribers = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                subscribers.add(mux.subscriber());
            }
            Set<Long> heldAddresses = new HashSet<>();
            long sequence = 0;
            for (int c = 0; c < consumers; c++) {
                for (int h = 0; h < maxHeld; h++) {
                    SensorMultiplexerTest.publish(publisher, SIZE, sequence++);
                    Sample<MemorySegment> sample = random.nextBoolean() ? subscribers.get(c).take()
                        : subscribers.get(c).latest();
                    heldAddresses.add(sample.segment().address());
                }
            }
            for (int i = 0; i < 3 * mux.bufferCount(); i++) {
                try (Loan<MemorySegment> loan = publisher.loan(SIZE)) {
                    assertTrue(!heldAddresses.contains(loan.segment().address()), "loaned a held buffer");
                    if (random.nextBoolean()) {
                        SensorMultiplexerTest.fill(loan.segment(), sequence++);
                        loan.publish();
                    }
                }
            }
        }
    }
}

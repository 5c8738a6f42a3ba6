package io.sluice.shm;

import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of slot reuse and ring accounting under random interleavings of publish, take, hold and release:
 * a held sample is never overwritten, a queue subscriber sees sequences in order and accounts for every one it did
 * not receive, a latest subscriber never goes back in time, and a loan never fails while free slots remain.
 */
class SlotAccountingProperties {
    private static final MessageType<MemorySegment> BLOB = MessageType.raw("test_msgs/msg/Blob");

    enum Op { PUBLISH, ABANDON_LOAN, TAKE_QUEUE, HOLD_QUEUE, TAKE_LATEST, HOLD_LATEST, RELEASE_OLDEST, GROW }

    @Provide
    Arbitrary<List<Op>> operations() {
        return Arbitraries.of(Op.class).list().ofMinSize(1).ofMaxSize(300);
    }

    @Property(tries = 60)
    void heldSamplesStayIntactAndEveryGapIsCounted(@ForAll("operations") List<Op> operations,
                                                   @ForAll @IntRange(min = 2, max = 9) int slots,
                                                   @ForAll @IntRange(min = 0, max = 3) int history,
                                                   @ForAll @IntRange(min = 1, max = 12) int depth) {
        try (TestRoot root = new TestRoot(); Sluice sluice = Sluice.open("property", root.options())) {
            Subscriber<MemorySegment> queue = sluice.subscriber("/property", BLOB, Qos.queue(depth));
            Subscriber<MemorySegment> latest = sluice.subscriber("/property", BLOB, Qos.latest());
            PublisherOptions options = PublisherOptions.defaults().withSlots(slots).withHistory(history)
                .withInitialSize(64);
            Publisher<MemorySegment> publisher = sluice.publisher("/property", BLOB, options);
            int slotCount = options.effectiveSlots();
            Deque<Sample<MemorySegment>> held = new ArrayDeque<>();
            List<Long> received = new ArrayList<>();
            long published = 0;
            long latestSeen = -1;
            long size = 64;
            for (Op op : operations) {
                switch (op) {
                    case PUBLISH, GROW -> {
                        if (op == Op.GROW) {
                            // a larger size moves to a new generation; held samples of the old one stay valid
                            size = size * 2 > 16_384 ? 64 : size * 2;
                        }
                        // reuse needs one slot that is neither held nor history: guaranteed while held < slots - history - 1
                        boolean mustSucceed = held.size() < slotCount - history - 1;
                        try (Loan<MemorySegment> loan = publisher.loan(size)) {
                            loan.segment().set(JAVA_LONG, 0, published);
                            loan.publish();
                            published++;
                        } catch (io.sluice.SluiceException refused) {
                            assertTrue(!mustSucceed, "loan refused with held=" + held.size() + ", slots="
                                + slotCount + ", history=" + history + ": " + refused.getMessage());
                        }
                    }
                    case ABANDON_LOAN -> {
                        if (held.size() < slotCount - history - 1) {
                            publisher.loan(size).close();
                        }
                    }
                    case TAKE_QUEUE, HOLD_QUEUE -> {
                        if (held.size() < io.sluice.Subscriber.MAX_HELD) {
                            Sample<MemorySegment> sample = queue.take();
                            if (sample != null) {
                                long sequence = sample.sequence();
                                assertEquals(sequence, sample.segment().get(JAVA_LONG, 0), "content matches");
                                assertTrue(received.isEmpty() || sequence > received.getLast(), "in order");
                                received.add(sequence);
                                if (op == Op.HOLD_QUEUE) {
                                    held.add(sample);
                                } else {
                                    sample.close();
                                }
                            }
                        }
                    }
                    case TAKE_LATEST, HOLD_LATEST -> {
                        if (held.size() < io.sluice.Subscriber.MAX_HELD) {
                            Sample<MemorySegment> sample = latest.take();
                            if (sample != null) {
                                assertTrue(sample.sequence() > latestSeen, "latest never goes back");
                                assertEquals(published - 1, sample.sequence(), "latest is the newest");
                                latestSeen = sample.sequence();
                                if (op == Op.HOLD_LATEST) {
                                    held.add(sample);
                                } else {
                                    sample.close();
                                }
                            }
                        }
                    }
                    case RELEASE_OLDEST -> {
                        Sample<MemorySegment> sample = held.pollFirst();
                        if (sample != null) {
                            sample.close();
                        }
                    }
                }
                for (Sample<MemorySegment> sample : held) {
                    assertEquals(sample.sequence(), sample.segment().get(JAVA_LONG, 0), "a held sample is intact");
                }
            }
            held.forEach(Sample::close);
            for (Sample<MemorySegment> sample = queue.take(); sample != null; sample = queue.take()) {
                assertTrue(received.isEmpty() || sample.sequence() > received.getLast(), "in order");
                received.add(sample.sequence());
                sample.close();
            }
            assertEquals(published, received.size() + queue.lostCount(),
                "received plus lost accounts for everything published");
        }
    }
}

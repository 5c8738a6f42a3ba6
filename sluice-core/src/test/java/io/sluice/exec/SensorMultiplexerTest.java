package io.sluice.exec;

import io.sluice.Allocations;
import io.sluice.Await;
import io.sluice.Loan;
import io.sluice.MessageShape;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.SluiceException;
import io.sluice.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The in-process sensor multiplexer: the API it shares with shared-memory topics, consistency under concurrent
 * producer and consumers, a stuck consumer that cannot slow the producer, and no allocation once warm.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SensorMultiplexerTest {
    private static final MessageType<MemorySegment> FRAME = MessageType.raw("test/msg/Frame");
    private static final long FRAME_BYTES = 4096;

    /** Fills every 8-byte word of the message with {@code sequence}. */
    static void fill(MemorySegment message, long sequence) {
        for (long offset = 0; offset + 8 <= message.byteSize(); offset += 8) {
            message.set(ValueLayout.JAVA_LONG, offset, sequence);
        }
    }

    /** Checks that every word of the sample holds its sequence; returns a description of the first that does not. */
    static String tornWord(Sample<MemorySegment> sample) {
        MemorySegment message = sample.segment();
        long sequence = sample.sequence();
        for (long offset = 0; offset + 8 <= message.byteSize(); offset += 8) {
            long word = message.get(ValueLayout.JAVA_LONG, offset);
            if (word != sequence) {
                return "torn sample: sequence=" + sequence + ", offset=" + offset + ", word=" + word;
            }
        }
        return null;
    }

    static void publish(Publisher<MemorySegment> publisher, long size, long sequence) {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            fill(loan.segment(), sequence);
            loan.publish();
        }
    }

    @Test
    void shouldHandTheNewestUnseenSampleAndSkipOlderOnes() {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 2)) {
            Publisher<MemorySegment> publisher = mux.publisher();
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            assertNull(subscriber.take());
            assertNull(subscriber.latest());
            publish(publisher, 64, 0);
            publish(publisher, 64, 1);
            publish(publisher, 128, 2);
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertEquals(2, sample.sequence());
                assertEquals(128, sample.segment().byteSize());
                assertNull(tornWord(sample));
                assertTrue(sample.segment().isReadOnly());
            }
            assertNull(subscriber.take(), "seen already");
            try (Sample<MemorySegment> newest = subscriber.latest()) {
                assertEquals(2, newest.sequence(), "latest returns the newest even when seen");
            }
            publish(publisher, 64, 3);
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertEquals(3, sample.sequence());
            }
            assertEquals(0, subscriber.lostCount());
            assertEquals(Qos.latest(), subscriber.qos());
            assertEquals(1, subscriber.publisherCount());
            assertEquals(1, publisher.subscriberCount());
            assertEquals(4, publisher.publishedCount());
            publisher.close();
            assertEquals(0, subscriber.publisherCount());
            try (Sample<MemorySegment> newest = subscriber.latest()) {
                assertEquals(3, newest.sequence(), "published samples outlive the publisher");
            }
        }
    }

    @Test
    void shouldGiveTheFirstTakeOfANewConsumerTheNewestSample() {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 2)) {
            publish(mux.publisher(), 64, 0);
            publish(mux.publisher(), 64, 1);
            try (Subscriber<MemorySegment> late = mux.subscriber(); Sample<MemorySegment> sample = late.take()) {
                assertEquals(1, sample.sequence());
            }
        }
    }

    @Test
    void shouldLimitConsumersAndHeldSamples() {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create("/depth", FRAME, FRAME_BYTES, 2, 2)) {
            assertEquals(6, mux.bufferCount());
            Subscriber<MemorySegment> first = mux.subscriber();
            Subscriber<MemorySegment> second = mux.subscriber();
            SluiceException full = assertThrows(SluiceException.class, mux::subscriber);
            assertTrue(full.getMessage().contains("maxConsumers=2"), full.getMessage());
            second.close();
            mux.subscriber().close(); // a closed consumer makes room

            publish(mux.publisher(), 64, 0);
            Sample<MemorySegment> one = first.latest();
            Sample<MemorySegment> two = first.latest();
            assertNotSame(one, two);
            SluiceException held = assertThrows(SluiceException.class, first::latest);
            assertTrue(held.getMessage().contains("held=2"), held.getMessage());
            one.close();
            one.close(); // idempotent
            first.latest().close();
            first.close();
            two.close(); // after the subscriber released it: harmless
        }
    }

    @Test
    void shouldRejectBadArgumentsNamingTheCondition() {
        IllegalArgumentException consumers = assertThrows(IllegalArgumentException.class,
            () -> SensorMultiplexer.create(FRAME, 64, 0));
        assertEquals("maxConsumers < 1: maxConsumers=0", consumers.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SensorMultiplexer.create(FRAME, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> SensorMultiplexer.create("x", FRAME, 64, 1, 0));
        assertThrows(IllegalArgumentException.class,
            () -> SensorMultiplexer.create("x", FRAME, 64, 20_000, 2));
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, 64, 1)) {
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> mux.publisher().loan(65));
            assertEquals("size out of range [0, 64]: size=65", size.getMessage());
            assertThrows(IllegalArgumentException.class, () -> mux.publisher().loan(-1));
            try (Loan<MemorySegment> largest = mux.publisher().loan(64)) {
                assertEquals(64, largest.segment().byteSize(), "the largest message is accepted");
            }
        }
    }

    @Test
    void shouldGiveAnUnpublishedLoanBackUnseen() {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1)) {
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            publish(mux.publisher(), 64, 0);
            for (int i = 0; i < 10; i++) { // every buffer gets written and abandoned
                try (Loan<MemorySegment> loan = mux.publisher().loan(64)) {
                    fill(loan.segment(), -1);
                }
            }
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertEquals(0, sample.sequence());
                assertNull(tornWord(sample));
            }
            assertEquals(1, mux.publisher().publishedCount());
            Loan<MemorySegment> loan = mux.publisher().loan(8);
            assertThrows(IllegalStateException.class, () -> mux.publisher().loan(8), "one loan at a time");
            loan.publish();
            assertThrows(IllegalStateException.class, loan::publish, "a loan is spent after publish");
        }
    }

    @Test
    void shouldHandEachLoanExactlyItsSizeAndRefuseItsUseAfterPublish() {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1)) {
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            Publisher<MemorySegment> publisher = mux.publisher();
            Loan<MemorySegment> first = publisher.loan(64); // the first buffer
            assertThrows(IllegalStateException.class, () -> publisher.loan(8), "one loan at a time");
            first.close();
            long[] sizes = {0, 64, 8, 64, 4096, 8, 0, 24};
            for (int round = 0; round < 3; round++) { // every buffer sees several sizes
                for (long size : sizes) {
                    Loan<MemorySegment> loan = publisher.loan(size);
                    assertEquals(size, loan.segment().byteSize());
                    assertEquals(size, loan.message().byteSize());
                    fill(loan.segment(), size);
                    loan.publish();
                    assertThrows(IllegalStateException.class, loan::segment, "spent after publish");
                    assertThrows(IllegalStateException.class, loan::message, "spent after publish");
                    try (Sample<MemorySegment> sample = subscriber.take()) {
                        assertEquals(size, sample.segment().byteSize());
                        assertEquals(size, sample.message().byteSize());
                        for (long offset = 0; offset + 8 <= size; offset += 8) {
                            assertEquals(size, sample.segment().get(ValueLayout.JAVA_LONG, offset));
                        }
                    }
                }
            }
        }
    }

    @Test
    void shouldGiveAnOpenLoanBackWhenThePublisherCloses() {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1)) {
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            Publisher<MemorySegment> publisher = mux.publisher();
            Loan<MemorySegment> loan = publisher.loan(64);
            fill(loan.segment(), 3);
            publisher.close();
            assertThrows(IllegalStateException.class, loan::publish, "the loan went back with the publisher");
            assertThrows(IllegalStateException.class, () -> publisher.loan(8));
            assertEquals(0, publisher.publishedCount());
            assertNull(subscriber.take(), "nothing was published");
        }
    }

    @Test
    void shouldSleepAgainInTakeAfterEarlierSamplesAndWakeForTheNext() throws Exception {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create("/depth", FRAME, FRAME_BYTES, 1, 2)) {
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            assertEquals("/depth", subscriber.topic());
            for (long sequence = 0; sequence < 3; sequence++) { // the wake-up word is no longer 0
                publish(mux.publisher(), 64, sequence);
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(10))) {
                    assertEquals(sequence, sample.sequence());
                }
            }
            AtomicLong received = new AtomicLong(-1);
            Thread consumer = Thread.ofPlatform().name("mux-sleeper").start(() -> {
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(60))) {
                    received.set(sample == null ? -2 : sample.sequence());
                }
            });
            Await.asleepInKernel(consumer); // asleep on the word as it is now, not spinning on a stale value
            publish(mux.publisher(), 64, 3);
            consumer.join();
            assertEquals(3, received.get());
        }
    }

    @Test
    void shouldReleaseTheSamplesAClosedSubscriberStillHeld() {
        // one consumer holding two: 1 × 2 + 2 = 4 buffers, as many as the producer needs with a holder of two
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create("/depth", FRAME, FRAME_BYTES, 1, 2)) {
            assertEquals(4, mux.bufferCount());
            Subscriber<MemorySegment> first = mux.subscriber();
            publish(mux.publisher(), 64, 0);
            first.latest();
            publish(mux.publisher(), 64, 1);
            first.latest(); // two buffers held, never closed
            first.close();  // gives them back
            Subscriber<MemorySegment> second = mux.subscriber();
            publish(mux.publisher(), 64, 2);
            Sample<MemorySegment> one = second.latest();
            publish(mux.publisher(), 64, 3);
            Sample<MemorySegment> two = second.latest();
            for (long sequence = 4; sequence < 12; sequence++) { // two buffers pinned: the other two take turns
                publish(mux.publisher(), 64, sequence);
            }
            assertEquals(2, one.sequence());
            assertEquals(3, two.sequence());
            assertNull(tornWord(one));
            one.close();
            two.close();
            second.close();
        }
    }

    @Test
    void shouldInitializeALoanFromItsShape() {
        MessageShape<MemorySegment> shape = new MessageShape<>() {
            @Override
            public long byteSize() {
                return 24;
            }

            @Override
            public void initialize(MemorySegment message) {
                fill(message, 7);
            }
        };
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1)) {
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            try (Loan<MemorySegment> loan = mux.publisher().loan(shape)) {
                assertEquals(24, loan.message().byteSize());
                loan.publish();
            }
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertEquals(24, sample.message().byteSize());
                assertEquals(7, sample.message().get(ValueLayout.JAVA_LONG, 16));
            }
        }
    }

    @Test
    void shouldWakeAConsumerBlockedInTakeAndTimeOutWithoutOne() throws Exception {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1)) {
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            assertNull(subscriber.take(Duration.ofMillis(20)), "nothing published");
            AtomicLong received = new AtomicLong(-1);
            Thread consumer = Thread.ofPlatform().name("mux-consumer").start(() -> {
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(60))) {
                    received.set(sample == null ? -2 : sample.sequence());
                }
            });
            Await.asleepInKernel(consumer); // the publish must wake a sleeper
            publish(mux.publisher(), 64, 0);
            consumer.join();
            assertEquals(0, received.get());
        }
    }

    /**
     * Four consumers at different rates against a producer publishing as fast as it can: every sample is whole,
     * each consumer's sequences strictly increase, and each ends with the final sample.
     */
    @Test
    void shouldNeverHandOutATornSampleAndEndWithTheNewest() throws Exception {
        runConsumersAtDifferentRates(FRAME_BYTES, 100_000, new long[] {0, 1, 10, 0});
    }

    /**
     * The same with small messages and two consumers that never pause, so that the producer reuses each buffer
     * within a few hundred nanoseconds: a consumer that pinned without checking the buffer's tag, or a producer
     * that claimed a pinned buffer, would be caught here.
     */
    @Test
    void shouldNeverHandOutATornSmallSampleUnderContention() throws Exception {
        runConsumersAtDifferentRates(64, 1_000_000, new long[] {0, 0, 1, 0});
    }

    private static void runConsumersAtDifferentRates(long frameBytes, long count, long[] pauses) throws Exception {
        long last = count - 1;
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, frameBytes, 4)) {
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean producing = new AtomicBoolean(true);
            boolean[] holds = {false, false, false, true};
            List<Thread> consumers = new ArrayList<>();
            long[] taken = new long[4];
            CountDownLatch ready = new CountDownLatch(4);
            for (int c = 0; c < 4; c++) {
                int id = c;
                Subscriber<MemorySegment> subscriber = mux.subscriber();
                consumers.add(Thread.ofPlatform().name("consumer-" + c).start(() -> {
                    ready.countDown();
                    long previous = -1;
                    try {
                        while (previous != last) {
                            try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(10))) {
                                if (sample == null) {
                                    if (!producing.get() && subscriber.take() == null) {
                                        // nothing new after the producer stopped: we must have the final one
                                        failures.add("consumer " + id + " ended at " + previous + ", not " + last);
                                        return;
                                    }
                                    continue;
                                }
                                taken[id]++;
                                long sequence = sample.sequence();
                                if (sequence <= previous) {
                                    failures.add("consumer " + id + " got " + sequence + " after " + previous);
                                }
                                previous = sequence;
                                String torn = tornWord(sample);
                                if (torn == null && holds[id]) {
                                    Thread.sleep(2); // hold it while the producer goes on around it
                                    torn = tornWord(sample);
                                }
                                if (torn != null) {
                                    failures.add("consumer " + id + ": " + torn);
                                    return;
                                }
                            }
                            if (pauses[id] > 0) {
                                Thread.sleep(pauses[id]);
                            }
                        }
                        try (Sample<MemorySegment> newest = subscriber.latest()) {
                            if (newest.sequence() != last) {
                                failures.add("consumer " + id + " latest " + newest.sequence());
                            }
                        }
                    } catch (Throwable error) {
                        failures.add("consumer " + id + " threw " + error);
                    }
                }));
            }
            ready.await();
            Publisher<MemorySegment> publisher = mux.publisher();
            for (long sequence = 0; sequence < count; sequence++) {
                // sizes vary a little, so that views are re-sliced now and then
                publish(publisher, frameBytes - 8 * (sequence % 3), sequence);
            }
            producing.set(false);
            for (Thread consumer : consumers) {
                consumer.join();
            }
            assertEquals(List.of(), failures);
            for (long n : taken) {
                assertTrue(n > 0, "every consumer got samples");
            }
        }
    }

    /** A consumer that holds samples forever cannot stall the producer or the other consumers. */
    @Test
    void shouldNotSlowTheProducerWhenAConsumerHoldsSamplesForever() {
        int maxHeld = 4;
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create("/cloud", FRAME, FRAME_BYTES, 2,
                maxHeld)) {
            Publisher<MemorySegment> publisher = mux.publisher();
            Subscriber<MemorySegment> stuck = mux.subscriber();
            Subscriber<MemorySegment> live = mux.subscriber();
            List<Sample<MemorySegment>> hoard = new ArrayList<>();
            for (int i = 0; i < maxHeld; i++) {
                publish(publisher, FRAME_BYTES, i);
                hoard.add(stuck.take());
            }
            for (long sequence = maxHeld; sequence < 50_000; sequence++) {
                publish(publisher, FRAME_BYTES, sequence);
                if (sequence % 7 == 0) {
                    try (Sample<MemorySegment> sample = live.take()) {
                        assertEquals(sequence, sample.sequence());
                        assertNull(tornWord(sample));
                    }
                }
            }
            assertEquals(50_000, publisher.publishedCount());
            for (int i = 0; i < maxHeld; i++) {
                assertEquals(i, hoard.get(i).sequence());
                assertNull(tornWord(hoard.get(i)), "a held sample is never overwritten");
            }
            try (Sample<MemorySegment> newest = stuck.latest()) {
                fail("a consumer at its limit takes no more, got " + newest);
            } catch (SluiceException expected) {
                // held=4
            }
        }
    }

    /** Invariant 6: after warm-up, loan/publish and take/close allocate nothing. */
    @Test
    void shouldPublishAndTakeWithoutAllocatingOnceWarm() {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 2)) {
            Publisher<MemorySegment> publisher = mux.publisher();
            Subscriber<MemorySegment> first = mux.subscriber();
            Subscriber<MemorySegment> second = mux.subscriber();
            long[] sink = {0};
            long[] round = {0};
            Allocations.assertNoneOnceWarm("a loan/publish and take/close round", 20_000, 1_000, () -> {
                long i = round[0]++;
                try (Loan<MemorySegment> loan = publisher.loan(256)) {
                    loan.segment().set(ValueLayout.JAVA_LONG, 0, i);
                    loan.publish();
                }
                try (Sample<MemorySegment> sample = first.take()) {
                    sink[0] += sample.segment().get(ValueLayout.JAVA_LONG, 0) + sample.sequence();
                }
                if ((i & 1) == 0) {
                    try (Sample<MemorySegment> sample = second.latest()) {
                        sink[0] += sample.message().byteSize();
                    }
                }
            });
            assertTrue(sink[0] != 0);
        }
    }

    /** The multiplexer's subscribers sleep like shared-memory ones, so an executor blocked in the kernel wakes. */
    @Test
    void shouldWakeAnExecutorSubscriptionOnPublish() throws Exception {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1);
             Executor executor = Executor.eventLoop(ExecutorOptions.defaults().withName("mux-test"))) {
            List<Long> seen = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch got = new CountDownLatch(1);
            executor.subscription(mux.subscriber(), sample -> {
                seen.add(sample.sequence());
                got.countDown();
            });
            executor.start();
            Await.allAsleepInKernel("sluice-mux-test"); // the publish must wake the sleeping executor
            publish(mux.publisher(), 64, 0);
            assertTrue(got.await(60, TimeUnit.SECONDS), "the executor ran the subscription");
            assertEquals(List.of(0L), seen);
        }
    }

    /** Each argument limit: the extreme allowed value works, one past it is refused. */
    @Test
    void shouldAcceptEachLimitAndRefuseOnePast() {
        try (SensorMultiplexer<MemorySegment> empty = SensorMultiplexer.create(FRAME, 0, 1)) {
            Subscriber<MemorySegment> subscriber = empty.subscriber();
            empty.publisher().loan(0).publish(); // messages of no bytes: a signal with a time and a sequence
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertEquals(0, sample.segment().byteSize());
            }
        }
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create("x", FRAME, 8, 1, Subscriber.MAX_HELD)) {
            assertEquals(Subscriber.MAX_HELD + 2, mux.bufferCount());
        }
        assertThrows(IllegalArgumentException.class,
            () -> SensorMultiplexer.create("x", FRAME, 8, 1, Subscriber.MAX_HELD + 1));
        // maxConsumers × maxHeld + 2 buffers: 6,553 × 5 + 2 = 32,767 is the most; 16,383 × 2 + 2 is one more
        try (SensorMultiplexer<MemorySegment> most = SensorMultiplexer.create("x", FRAME, 1, 6_553, 5)) {
            assertEquals(SensorMultiplexer.MAX_BUFFERS, most.bufferCount());
        }
        assertThrows(IllegalArgumentException.class, () -> SensorMultiplexer.create("x", FRAME, 1, 16_383, 2));
    }

    /** A sample's publish time is taken when it is published, on the System.nanoTime() clock. */
    @Test
    void shouldStampEachSampleWithItsPublishTime() {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1)) {
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            long before = System.nanoTime();
            publish(mux.publisher(), 64, 0);
            long after = System.nanoTime();
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertTrue(sample.publishNanos() - before >= 0 && after - sample.publishNanos() >= 0,
                    "published at " + sample.publishNanos() + ", between " + before + " and " + after);
            }
        }
    }

    /** A take whose timeout is beyond a long's nanoseconds waits for the next publish. */
    @Test
    void shouldWaitForAPublishWithATimeoutBeyondALong() throws Exception {
        try (SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1)) {
            Subscriber<MemorySegment> subscriber = mux.subscriber();
            java.util.concurrent.CompletableFuture<Object> taken = new java.util.concurrent.CompletableFuture<>();
            Thread consumer = Thread.ofPlatform().name("mux-forever").start(() -> {
                try (Sample<MemorySegment> sample = subscriber.take(java.time.temporal.ChronoUnit.FOREVER.getDuration())) {
                    taken.complete(sample == null ? "null" : sample.sequence());
                } catch (Throwable e) {
                    taken.complete(e);
                }
            });
            Await.asleepInKernel(consumer);
            publish(mux.publisher(), 64, 0);
            assertEquals(0L, taken.get(60, TimeUnit.SECONDS), "the first sample, not an exception or null");
            consumer.join();
        }
    }

    /** Closing the multiplexer wakes a consumer blocked in a long take, which learns of the close at once. */
    @Test
    void shouldWakeAConsumerBlockedInTakeWhenClosed() throws Exception {
        SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1);
        Subscriber<MemorySegment> subscriber = mux.subscriber();
        java.util.concurrent.CompletableFuture<Object> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread consumer = Thread.ofPlatform().name("mux-closed").start(() -> {
            try {
                outcome.complete(String.valueOf(subscriber.take(Duration.ofHours(1))));
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        Await.asleepInKernel(consumer);
        mux.close();
        consumer.join(Await.HANG);
        assertFalse(consumer.isAlive(), "the close woke the consumer");
        Object result = outcome.getNow("still waiting");
        assertTrue(result instanceof IllegalStateException e && e.getMessage().contains("multiplexer closed"),
            String.valueOf(result));
        assertThrows(IllegalStateException.class, mux::publisher);
    }

    @Test
    void shouldRefuseUseAfterClose() {
        SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, FRAME_BYTES, 1);
        Subscriber<MemorySegment> subscriber = mux.subscriber();
        publish(mux.publisher(), 64, 0);
        mux.close();
        mux.close();
        assertThrows(IllegalStateException.class, subscriber::take);
        assertThrows(IllegalStateException.class, mux::subscriber);
        subscriber.close();
        assertFalse(subscriber.publisherCount() > 0);
        assertNotNull(subscriber.qos());
    }
}

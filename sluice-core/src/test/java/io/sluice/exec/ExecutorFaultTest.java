package io.sluice.exec;

import io.sluice.Await;
import io.sluice.CorruptDataException;
import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Subscriber;
import io.sluice.os.FutexWaitable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
/**
 * Shutdown and fault paths of every executor: a close from a callback (draining or discarding), a draining close of
 * an executor whose sources stay busy, a registration closed by its own callback, the burst bound, and a
 * subscription whose idle upkeep fails.
 */
class ExecutorFaultTest {
    private static final MessageType<MemorySegment> RAW = MessageType.raw("test/msg/Raw");

    private final ExecutorOptions options = ExecutorOptions.defaults().withName("review")
        .withErrorHandler((role, error) -> { });

    /** Registration javadoc: "an event of it that is being handled finishes, none starts afterwards". */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldStartNoEventOfARegistrationAfterItWasClosed(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options)) {
            AtomicInteger handled = new AtomicInteger();
            AtomicReference<Inbox<Integer>> self = new AtomicReference<>();
            Inbox<Integer> inbox = executor.inbox("events", 16, event -> {
                handled.incrementAndGet();
                self.get().close(); // the first event removes the inbox
            });
            self.set(inbox);
            for (int i = 0; i < 3; i++) {
                assertTrue(inbox.offer(i));
            }
            for (int i = 0; i < 5; i++) {
                executor.runOnce(Duration.ZERO);
            }
            assertEquals(1, handled.get(), "events handled after the inbox was closed");
        }
    }

    /**
     * ExecutorOptions.burst: "at most this many events of one source per duty cycle" — and no fewer while more wait:
     * 100 pending events take 25 cycles of exactly 4, in order.
     */
    @Test
    void shouldRunAtMostABurstOfOneInboxPerEventLoopCycle() {
        try (Executor executor = Executor.eventLoop(options.withBurst(4))) {
            List<Integer> handled = new ArrayList<>();
            Inbox<Integer> inbox = executor.inbox("events", 256, handled::add);
            for (int i = 0; i < 100; i++) {
                assertTrue(inbox.offer(i));
            }
            for (int cycle = 0; cycle < 25; cycle++) {
                assertEquals(4, executor.runOnce(Duration.ZERO), "duty cycle " + cycle + " with 100 - "
                    + 4 * cycle + " events pending and burst 4");
            }
            assertEquals(0, executor.runOnce(Duration.ZERO), "nothing left");
            assertEquals(IntStream.range(0, 100).boxed().toList(), handled);
        }
    }

    /** The same burst for a subscription: 10 samples waiting take cycles of 4, 4 and 2, in order. */
    @Test
    void shouldRunAtMostABurstOfOneSubscriptionPerEventLoopCycle() {
        SensorConsumersFaultTest.ScriptedSubscriber subscriber = new SensorConsumersFaultTest.ScriptedSubscriber();
        try (Executor executor = Executor.eventLoop(options.withBurst(4))) {
            List<Long> handled = new ArrayList<>();
            executor.subscription(subscriber, sample -> handled.add(sample.sequence()));
            for (long sequence = 0; sequence < 10; sequence++) {
                subscriber.offer(new SensorConsumersFaultTest.ScriptedSample(sequence));
            }
            assertEquals(4, executor.runOnce(Duration.ZERO));
            assertEquals(4, executor.runOnce(Duration.ZERO));
            assertEquals(2, executor.runOnce(Duration.ZERO));
            assertEquals(0, executor.runOnce(Duration.ZERO), "nothing left");
            assertEquals(LongStream.range(0, 10).boxed().toList(), handled);
        }
    }

    /** Executor.close javadoc / DRAIN: "handles ... what is pending"; called from a callback it discards instead. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldDrainWhatIsPendingWhenClosedFromACallback(ExecutorTest.Kind kind) throws Exception {
        Executor executor = kind.create(options);
        AtomicInteger handled = new AtomicInteger();
        Inbox<Integer> inbox = executor.inbox("events", 64, event -> handled.incrementAndGet());
        CountDownLatch closed = new CountDownLatch(1);
        GuardCondition stop = executor.guardCondition("stop", () -> {
            for (int i = 0; i < 10; i++) {
                inbox.offer(i);
            }
            executor.close(Shutdown.DRAIN, Duration.ofSeconds(5));
            closed.countDown();
        });
        executor.start();
        stop.trigger();
        assertTrue(closed.await(30, TimeUnit.SECONDS));
        awaitThreadGone("sluice-review"); // the worker drains, then ends
        assertEquals(10, handled.get(), "pending events at a draining close; rejected=" + inbox.rejectedCount());
    }

    /** A discarding close from a callback of the multi-threaded executor leaves a captured sample pinned. */
    @Test
    void shouldCloseEveryCapturedSampleWhenDiscardingFromACallback() throws Exception {
        try (SensorMultiplexer<MemorySegment> first = SensorMultiplexer.create("a", RAW, 8, 1, 1);
             SensorMultiplexer<MemorySegment> second = SensorMultiplexer.create("b", RAW, 8, 1, 1)) {
            Subscriber<MemorySegment> a = first.subscriber();
            Subscriber<MemorySegment> b = second.subscriber();
            publish(first.publisher());
            publish(second.publisher());
            Executor executor = Executor.multiThreaded(options.withName("mt-leak"), 1);
            CountDownLatch closed = new CountDownLatch(1);
            executor.subscription(a, sample -> {
                executor.close(Shutdown.DISCARD, Duration.ofSeconds(5));
                closed.countDown();
            });
            Registration captured = executor.subscription(b, sample -> { });
            executor.start();
            assertTrue(closed.await(10, TimeUnit.SECONDS));
            awaitThreadGone("sluice-mt-leak");
            assertEquals(1, captured.droppedCount(), "b's captured sample, dropped at the close, is counted");
            publish(second.publisher());
            // maxHeld = 1: if the executor still holds b's captured sample, this throws "holds too many samples"
            try (Sample<MemorySegment> s = b.take()) {
                assertTrue(s != null);
            }
        }
    }

    /**
     * A callback of 2 ms on a 1 ms timer keeps the executor busy; a draining close still ends by itself, because
     * timers stop at close: no timer callback starts once the executor is closing (but the one whose firing raced
     * with the close), and the executor's threads end. (Were timers to fire on, the drain would last until the
     * close's timeout and the count of callbacks started while closing would fail the test.)
     */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldEndADrainingCloseOfAnExecutorWhoseTimerStaysReady(ExecutorTest.Kind kind) {
        AbstractExecutor executor = (AbstractExecutor) kind.create(options.withName("drain"));
        AtomicInteger fired = new AtomicInteger();
        AtomicInteger startedWhileClosing = new AtomicInteger();
        executor.timer(Duration.ofMillis(1), (deadline, missed) -> {
            fired.incrementAndGet();
            if (executor.closing()) {
                startedWhileClosing.incrementAndGet();
            }
            long end = System.nanoTime() + 2_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        });
        executor.start();
        Await.until("the timer fired three times", () -> fired.get() >= 3);
        executor.close(Shutdown.DRAIN, Duration.ofSeconds(30));
        assertTrue(startedWhileClosing.get() <= 1, "timer callbacks started after the close: "
            + startedWhileClosing.get() + " (one may have been on its way when the close came)");
        awaitThreadGone("sluice-drain"); // the close waited for them: they end now, and nothing fires any more
    }

    /** A subscriber whose idle upkeep fails once (as a liveness probe may, on a damaged segment). */
    static final class FailingUpkeep implements Subscriber<MemorySegment>, FutexWaitable {
        final MemorySegment word = Arena.ofAuto().allocate(64, 64);
        volatile boolean failed;

        @Override public String topic() { return "/damaged"; }
        @Override public Qos qos() { return Qos.latest(); }
        @Override public Sample<MemorySegment> take() { return null; }
        @Override public Sample<MemorySegment> take(Duration timeout) { return null; }
        @Override public Sample<MemorySegment> latest() { return null; }
        @Override public long lostCount() { return 0; }
        @Override public int publisherCount() { return 0; }
        @Override public void close() { }
        @Override public MemorySegment waitWord() { return word.asSlice(0, 4); }
        @Override public int armWait() { return word.get(ValueLayout.JAVA_INT, 0); }
        @Override public void disarmWait() { }

        @Override
        public void maintain(long nowNanos) {
            if (!failed) {
                failed = true;
                throw new CorruptDataException("segment file truncated (simulated)");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldGoOnWhenOneSubscriptionsUpkeepFails(ExecutorTest.Kind kind) throws Exception {
        FailingUpkeep damaged = new FailingUpkeep();
        AtomicInteger reported = new AtomicInteger();
        try (Executor executor = kind.create(options.withName("upkeep")
                .withErrorHandler((role, error) -> reported.incrementAndGet()))) {
            executor.subscription(damaged, sample -> { });
            CountDownLatch handled = new CountDownLatch(1);
            Inbox<Integer> inbox = executor.inbox("events", 4, e -> handled.countDown());
            executor.start();
            Await.until("the idle executor ran the subscription's upkeep", () -> damaged.failed);
            assertTrue(inbox.offer(1));
            assertTrue(handled.await(30, TimeUnit.SECONDS), "the executor stopped handling events");
            assertEquals(1, reported.get());
        }
    }

    private static void publish(Publisher<MemorySegment> publisher) {
        try (Loan<MemorySegment> loan = publisher.loan(8)) {
            loan.publish();
        }
    }

    /** Waits until the thread {@code name}, or every thread {@code name-i} of a pool, has ended. */
    private static void awaitThreadGone(String name) {
        Await.until(() -> "threads ended: " + Await.threadsNamed(name), () -> Await.threadsNamed(name).isEmpty(),
            Await.HANG);
    }
}

package io.sluice.exec;

import io.sluice.Await;
import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import io.sluice.WaitStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every executor does alike: the shared registration API, the error policy, the lifecycle. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExecutorTest {
    private static final MessageType<MemorySegment> COUNTER = MessageType.raw("test/msg/Counter");

    enum Kind {
        EVENT_LOOP, POLLING_POINT, MULTI_THREADED;

        Executor create(ExecutorOptions options) {
            return switch (this) {
                case EVENT_LOOP -> Executor.eventLoop(options);
                case POLLING_POINT -> Executor.pollingPoint(options);
                case MULTI_THREADED -> Executor.multiThreaded(options, 3);
            };
        }
    }

    private final TestRoot root = new TestRoot();
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorOptions options = ExecutorOptions.defaults().withName("test")
        .withErrorHandler((role, error) -> reported.add(error));

    @AfterEach
    void cleanUp() {
        root.close();
    }

    /** Publishes one 8-byte message holding {@code value}. */
    static void publish(Publisher<MemorySegment> publisher, long value) {
        try (Loan<MemorySegment> loan = publisher.loan(8)) {
            loan.segment().set(ValueLayout.JAVA_LONG, 0, value);
            loan.publish();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRunEverySampleOfAReliableSubscriptionInOrder(Kind kind) throws Exception {
        int count = 5_000;
        try (Sluice sluice = Sluice.open("test", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/counter", COUNTER);
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/counter", COUNTER, Qos.reliable(32));
             Executor executor = kind.create(options)) {
            List<Long> seen = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(count);
            Registration registration = executor.subscription(subscriber, sample -> {
                seen.add(sample.segment().get(ValueLayout.JAVA_LONG, 0));
                done.countDown();
            });
            assertEquals("/counter", registration.role(), "a subscription is reported under its topic");
            executor.start();
            for (long i = 0; i < count; i++) {
                publish(publisher, i);
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "received " + seen.size() + " of " + count);
            for (int i = 0; i < count; i++) {
                assertEquals(i, seen.get(i));
            }
            assertEquals(0, subscriber.lostCount());
            Await.until("the last callback counted", () -> registration.handledCount() == count);
            assertEquals(0, registration.droppedCount());
        }
        assertTrue(reported.isEmpty(), reported.toString());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldHandleEveryInboxEventOnceInEachProducersOrder(Kind kind) throws Exception {
        int producers = 4;
        int perProducer = 20_000;
        long[] next = new long[producers];
        AtomicInteger outOfOrder = new AtomicInteger();
        AtomicLong handled = new AtomicLong();
        try (Executor executor = kind.create(options)) {
            Inbox<long[]> inbox = executor.inbox("events", 1024, event -> {
                int producer = (int) event[0];
                synchronized (next) {
                    if (event[1] != next[producer]) {
                        outOfOrder.incrementAndGet();
                    }
                    next[producer] = event[1] + 1;
                }
                handled.incrementAndGet();
            });
            executor.start();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (long i = 0; i < perProducer; i++) {
                        long[] event = {producer, i};
                        while (!inbox.offer(event)) {
                            Thread.onSpinWait(); // full: the executor catches up
                        }
                    }
                }));
            }
            for (Thread thread : threads) {
                thread.join();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (handled.get() < (long) producers * perProducer && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals((long) producers * perProducer, handled.get());
            assertEquals(0, outOfOrder.get());
            assertEquals((long) producers * perProducer, inbox.handledCount());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldGoOnAfterACallbackThrows(Kind kind) throws Exception {
        try (Executor executor = kind.create(options)) {
            CountDownLatch after = new CountDownLatch(1);
            AtomicInteger calls = new AtomicInteger();
            Inbox<String> inbox = executor.inbox("events", 16, event -> {
                calls.incrementAndGet();
                if (event.equals("boom")) {
                    throw new IllegalStateException("boom");
                }
                after.countDown();
            });
            executor.start();
            assertTrue(inbox.offer("boom"));
            assertTrue(inbox.offer("fine"));
            assertTrue(after.await(30, TimeUnit.SECONDS));
            assertEquals(2, calls.get());
            assertEquals(1, executor.errorCount());
            assertEquals(1, reported.size());
            assertEquals("boom", reported.get(0).getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRunAGuardConditionOnceForTriggersThatMerge(Kind kind) throws Exception {
        try (Executor executor = kind.create(options)) {
            AtomicInteger runs = new AtomicInteger();
            GuardCondition guard = executor.guardCondition("wake", runs::incrementAndGet);
            guard.trigger();
            guard.trigger(); // merges with the first: nothing ran yet
            assertEquals(1, executor.runOnce(Duration.ofSeconds(10)));
            assertEquals(0, executor.runOnce(Duration.ZERO));
            assertEquals(1, runs.get());
            guard.trigger();
            assertEquals(1, executor.runOnce(Duration.ofSeconds(10)));
            assertEquals(2, guard.handledCount());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldWakeFromAnotherThreadsTriggerWhileBlocked(Kind kind) throws Exception {
        try (Executor executor = kind.create(options)) {
            CountDownLatch ran = new CountDownLatch(200);
            GuardCondition guard = executor.guardCondition("wake", ran::countDown);
            executor.start();
            for (int i = 0; i < 200; i++) {
                long before = ran.getCount();
                awaitAsleep(options.name()); // the trigger must wake a sleeper, not catch an executor still awake
                guard.trigger();
                Await.until("trigger " + (i + 1) + " woke the sleeping executor", () -> ran.getCount() < before);
                assertEquals(before - 1, ran.getCount(), "trigger " + i + " ran once");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldFireTimersWithoutDriftAndCountMissedPeriods(Kind kind) {
        FakeClock clock = new FakeClock(1_000_000_000L);
        try (Executor executor = kind.create(options.withClock(clock))) {
            List<long[]> fired = new ArrayList<>();
            executor.timer(Duration.ofMillis(10), (deadline, missed) -> fired.add(new long[] {deadline, missed}));
            long first = 1_000_000_000L + 10_000_000L;
            for (int k = 0; k < 1_000; k++) {
                clock.set(first + k * 10_000_000L + (k % 7) * 1_000_000L); // up to 6 ms late, never a period
                assertEquals(1, executor.runOnce(Duration.ZERO), "period " + k);
            }
            clock.set(first + 1_000 * 10_000_000L + 35_000_000L); // 3 periods skipped
            assertEquals(1, executor.runOnce(Duration.ZERO));
            assertEquals(1_001, fired.size());
            for (int k = 0; k < 1_000; k++) {
                assertEquals(first + k * 10_000_000L, fired.get(k)[0], "deadline " + k);
                assertEquals(0, fired.get(k)[1]);
            }
            assertEquals(first + 1_003 * 10_000_000L, fired.get(1_000)[0], "the latest deadline that passed");
            assertEquals(3, fired.get(1_000)[1], "the three before it skipped");
            clock.set(first + 1_004 * 10_000_000L);
            assertEquals(1, executor.runOnce(Duration.ZERO));
            assertEquals(first + 1_004 * 10_000_000L, fired.get(1_001)[0], "the period after a skip is on the grid");
        }
    }

    /** A timer that has not fired yet stays scheduled once when the registrations change before its deadline. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldFireATimerOncePerPeriodAfterTheRegistrationsChanged(Kind kind) {
        FakeClock clock = new FakeClock(0);
        try (Executor executor = kind.create(options.withClock(clock))) {
            AtomicInteger fired = new AtomicInteger();
            executor.timer(Duration.ofMillis(10), (d, m) -> fired.incrementAndGet());
            assertEquals(0, executor.runOnce(Duration.ZERO)); // the loop takes up the timer
            executor.inbox("later", 4, event -> { });
            assertEquals(0, executor.runOnce(Duration.ZERO)); // and the registrations again
            for (int period = 1; period <= 3; period++) {
                clock.set(period * 10_000_000L);
                executor.runOnce(Duration.ZERO);
                assertEquals(period, fired.get(), "expiries after period " + period);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldFireAOneShotTimerOnce(Kind kind) {
        FakeClock clock = new FakeClock(0);
        try (Executor executor = kind.create(options.withClock(clock))) {
            AtomicInteger fired = new AtomicInteger();
            Registration once = executor.timer(Duration.ofMillis(5), Duration.ZERO, (d, m) -> fired.incrementAndGet());
            clock.set(4_000_000);
            assertEquals(0, executor.runOnce(Duration.ZERO));
            clock.set(50_000_000);
            assertEquals(1, executor.runOnce(Duration.ZERO));
            clock.set(500_000_000);
            assertEquals(0, executor.runOnce(Duration.ZERO));
            assertEquals(1, fired.get());
            assertFalse(once.isActive());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldDrainPendingEventsAtClose(Kind kind) {
        Executor executor = kind.create(options);
        AtomicInteger handled = new AtomicInteger();
        Inbox<Integer> inbox = executor.inbox("events", 256, event -> handled.incrementAndGet());
        for (int i = 0; i < 100; i++) {
            assertTrue(inbox.offer(i));
        }
        executor.close(Shutdown.DRAIN, Duration.ofSeconds(30));
        assertEquals(100, handled.get());
        assertFalse(inbox.offer(1), "a closed executor takes no events");
        assertEquals(1, inbox.rejectedCount());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldDiscardAndCountPendingEventsAtClose(Kind kind) throws Exception {
        Executor executor = kind.create(options);
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger handled = new AtomicInteger();
        Inbox<Integer> inbox = executor.inbox("events", 256, event -> {
            handled.incrementAndGet();
            inCallback.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        executor.start();
        for (int i = 0; i < 100; i++) {
            assertTrue(inbox.offer(i));
        }
        assertTrue(inCallback.await(30, TimeUnit.SECONDS));
        Thread closer = Thread.ofPlatform().start(() -> executor.close(Shutdown.DISCARD, Duration.ofSeconds(30)));
        Await.until("the closer has put the executor in CLOSING", ((AbstractExecutor) executor)::closing);
        release.countDown(); // only now may the running callback return: no event may start after it
        closer.join();
        assertEquals(1, handled.get(), "only the callback running at close");
        assertEquals(99, inbox.rejectedCount(), "the rest discarded and counted");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldStopRunningOnTheCallersThreadWhenClosed(Kind kind) throws Exception {
        Executor executor = kind.create(options);
        CountDownLatch running = new CountDownLatch(1);
        executor.guardCondition("started", running::countDown).trigger();
        Thread caller = Thread.ofPlatform().start(executor::run);
        assertTrue(running.await(30, TimeUnit.SECONDS));
        executor.close(Shutdown.DRAIN, Duration.ofSeconds(30));
        caller.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(caller.isAlive());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRunAsAnAgentUnderTheApplicationsOwnRunner(Kind kind) throws Exception {
        try (Executor executor = kind.create(options)) {
            CountDownLatch handled = new CountDownLatch(100);
            Inbox<Integer> inbox = executor.inbox("events", 128, event -> handled.countDown());
            try (AgentRunner runner = AgentRunner.start(new AgentRunner(executor,
                WaitStrategy.backoff(100, 10, 1_000_000), options.errorHandler()))) {
                for (int i = 0; i < 100; i++) {
                    assertTrue(inbox.offer(i));
                }
                assertTrue(handled.await(30, TimeUnit.SECONDS));
                assertTrue(runner.isRunning());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldUseNoCpuWhileIdle(Kind kind) throws Exception {
        try (Sluice sluice = Sluice.open("test", root.options());
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/idle", COUNTER, Qos.queue(4));
             Executor executor = kind.create(options.withName("idle"))) {
            executor.subscription(subscriber, sample -> { });
            executor.inbox("events", 16, event -> { });
            executor.timer(Duration.ofSeconds(60), (d, m) -> { });
            executor.start();
            awaitAsleep("idle"); // settled: its start-up is not counted as idle
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long before = executorCpu(threads, "idle");
            Thread.sleep(1_000);
            long used = executorCpu(threads, "idle") - before;
            // a spinning or polling executor would use the whole second; blocking uses a few wakes for upkeep
            assertTrue(used < 200_000_000L, "executor threads used " + used / 1_000_000 + " ms of CPU in 1 s idle");
        }
    }

    /**
     * One kernel wait takes at most 128 words (the executor's own wakeup and 127 subscriptions); with more, the
     * executor sleeps on its wakeup alone in short slices and polls the subscriptions: every sample still runs, on
     * either side of the limit. At the limit the last subscription's word is in the kernel wait: a publish there wakes
     * a sleeping single-threaded executor through it (see {@code WakeTest}), at least once in five.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldServeSubscriptionsOnEitherSideOfTheKernelsWaitLimit(Kind kind) {
        for (int count : new int[] {io.sluice.os.Native.FUTEX_WAITV_MAX - 1, io.sluice.os.Native.FUTEX_WAITV_MAX}) {
            List<SensorMultiplexer<MemorySegment>> topics = new ArrayList<>();
            AtomicInteger handled = new AtomicInteger();
            String name = "w" + count; // sluice-w127-0: unique in the kernel's 15 characters
            try (Executor executor = kind.create(options.withName(name))) {
                for (int i = 0; i < count; i++) {
                    SensorMultiplexer<MemorySegment> topic = SensorMultiplexer.create(COUNTER, 8, 1);
                    topics.add(topic);
                    executor.subscription(topic.subscriber(), sample -> handled.incrementAndGet());
                }
                executor.start();
                awaitAsleep(name);
                for (SensorMultiplexer<MemorySegment> topic : topics.reversed()) {
                    publish(topic.publisher(), 1);
                }
                Await.until(() -> handled.get() + " of " + count + " samples handled", () -> handled.get() == count,
                    Await.HANG);
                if (count < io.sluice.os.Native.FUTEX_WAITV_MAX && kind != Kind.MULTI_THREADED
                    && WaitSet.waitvSupported()) {
                    Publisher<MemorySegment> last = topics.getLast().publisher();
                    int wakes = 0;
                    for (int round = 1; round <= 5; round++) {
                        awaitAsleep(name);
                        long before = ((AbstractExecutor) executor).wordWakes();
                        publish(last, 1);
                        int expected = count + round;
                        Await.until(() -> "round " + expected, () -> handled.get() == expected, Await.HANG);
                        wakes += ((AbstractExecutor) executor).wordWakes() > before ? 1 : 0;
                    }
                    assertTrue(wakes > 0, "the last of " + count + " subscriptions never woke the executor");
                }
            } finally {
                topics.forEach(SensorMultiplexer::close);
            }
        }
        assertTrue(reported.isEmpty(), reported.toString());
    }

    /**
     * Whether the executor named {@code name}, with nothing to do, waits through its strategy's idler: a backoff
     * one parks inside {@link WaitStrategy.Idler#idle()} (a spinner is rarely caught there at a safepoint, so it
     * shows by the CPU it burns instead: more than a blocking executor uses in minutes).
     */
    private static boolean idlesThroughIdler(String name) {
        if (name.equals("spin")) {
            return executorCpu(ManagementFactory.getThreadMXBean(), name) > 500_000_000L;
        }
        for (Thread thread : threadsOf(name)) {
            for (StackTraceElement frame : thread.getStackTrace()) {
                if (frame.getClassName().equals(WaitStrategy.Idler.class.getName())
                    && frame.getMethodName().equals("idle")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long executorCpu(ThreadMXBean threads, String name) {
        long total = 0;
        for (Thread thread : threadsOf(name)) {
            total += threads.getThreadCpuTime(thread.threadId());
        }
        return total;
    }

    /** The threads an executor named {@code name} started: {@code sluice-<name>} or {@code sluice-<name>-<i>}. */
    static List<Thread> threadsOf(String name) {
        return Await.threadsNamed("sluice-" + name);
    }

    /** Waits until every thread of the executor named {@code name} sleeps in the kernel. */
    static void awaitAsleep(String name) {
        Await.allAsleepInKernel("sluice-" + name);
    }

    /**
     * README: "ExecutorOptions.withWaitStrategy(WaitStrategy.spin()) or backoff()": the executor idles through the
     * strategy's idler, and runs every kind of callback with it, nothing depending on a wake-up in the kernel.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRunEveryCallbackWithASpinOrBackoffWaitStrategy(Kind kind) throws Exception {
        Map<String, WaitStrategy> strategies = Map.of("spin", WaitStrategy.spin(),
            "backoff", WaitStrategy.backoff(100, 10, 1_000_000));
        for (Map.Entry<String, WaitStrategy> strategy : strategies.entrySet()) {
            try (Sluice sluice = Sluice.open("test", root.options());
                 Publisher<MemorySegment> publisher = sluice.publisher("/counter", COUNTER);
                 Subscriber<MemorySegment> subscriber = sluice.subscriber("/counter", COUNTER, Qos.queue(8));
                 Executor executor = kind.create(options.withName(strategy.getKey())
                     .withWaitStrategy(strategy.getValue()))) {
                CountDownLatch sample = new CountDownLatch(1);
                CountDownLatch event = new CountDownLatch(1);
                CountDownLatch guarded = new CountDownLatch(1);
                CountDownLatch timer = new CountDownLatch(3);
                executor.subscription(subscriber, s -> sample.countDown());
                Inbox<String> inbox = executor.inbox("events", 4, e -> event.countDown());
                GuardCondition guard = executor.guardCondition("guard", guarded::countDown);
                executor.timer(Duration.ofMillis(1), (deadline, missed) -> timer.countDown());
                executor.start();
                Await.until("the executor idles through the " + strategy.getKey() + " strategy's idler",
                    () -> idlesThroughIdler(strategy.getKey()));
                publish(publisher, 7);
                assertTrue(inbox.offer("event"));
                guard.trigger();
                for (CountDownLatch latch : List.of(sample, event, guarded, timer)) {
                    assertTrue(latch.await(Await.HANG.toSeconds(), TimeUnit.SECONDS), strategy.getKey() + ": "
                        + "sample=" + sample.getCount() + ", event=" + event.getCount() + ", guard="
                        + guarded.getCount() + ", timer=" + timer.getCount());
                }
            }
            assertTrue(reported.isEmpty(), reported.toString());
        }
    }

    /** README: "The executor never closes the subscribers given to it": not at close, not when a registration goes. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldNeverCloseTheSubscribersGivenToIt(Kind kind) {
        try (Sluice sluice = Sluice.open("test", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/counter", COUNTER);
             Subscriber<MemorySegment> unregistered = sluice.subscriber("/counter", COUNTER, Qos.queue(8));
             Subscriber<MemorySegment> kept = sluice.subscriber("/counter", COUNTER, Qos.queue(8))) {
            Executor executor = kind.create(options);
            AtomicLong handled = new AtomicLong();
            Registration first = executor.subscription(unregistered, sample -> handled.incrementAndGet());
            executor.subscription(kept, sample -> handled.incrementAndGet());
            executor.start();
            publish(publisher, 1);
            Await.until("both subscriptions handled the sample", () -> handled.get() == 2);
            first.close();
            executor.close();
            publish(publisher, 2);
            for (Subscriber<MemorySegment> subscriber : List.of(unregistered, kept)) {
                try (Sample<MemorySegment> sample = subscriber.take()) {
                    assertEquals(2, sample.segment().get(ValueLayout.JAVA_LONG, 0), "still open and attached");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldStopHandlingARegistrationOnceClosed(Kind kind) {
        try (Executor executor = kind.create(options)) {
            ConcurrentLinkedQueue<Integer> seen = new ConcurrentLinkedQueue<>();
            Inbox<Integer> inbox = executor.inbox("events", 16, seen::add);
            assertTrue(inbox.offer(1));
            assertEquals(1, executor.runOnce(Duration.ofSeconds(10)));
            inbox.close();
            assertFalse(inbox.isActive());
            assertFalse(inbox.offer(2));
            assertEquals(0, executor.runOnce(Duration.ZERO));
            assertEquals(List.of(1), List.copyOf(seen));
        }
    }
}

package io.sluice.exec;

import io.sluice.Await;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kind of source wakes a sleeping executor of every kind: the trigger ends the executor's sleep in the kernel
 * through a word it sleeps on. An executor also wakes for its upkeep at most every 50 ms, so a source whose trigger
 * was lost would still be served, only late; whether a sleep ended by a wake or by that timeout is told by the
 * executor's count of wakes ({@link AbstractExecutor#wordWakes()}). A trigger lands while the executor sleeps (the
 * test waits for that), so it ends that sleep by a wake unless the executor's upkeep timeout fell in the same
 * instant; of several rounds, at least one must be a wake. (Without {@code futex_waitv} executors poll: skipped.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WakeTest {
    private static final MessageType<MemorySegment> COUNTER = MessageType.raw("test/msg/Counter");
    private static final int ROUNDS = 5;

    /** A source of work on an executor, and how the test triggers it. */
    enum Source {
        INBOX, GUARD_CONDITION, SHARED_MEMORY_SUBSCRIPTION, IN_PROCESS_SUBSCRIPTION
    }

    private final TestRoot root = new TestRoot();
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        try {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
        } finally {
            root.close();
        }
        assertTrue(reported.isEmpty(), reported.toString());
    }

    static Stream<Arguments> cases() {
        return Stream.of(ExecutorTest.Kind.values())
            .flatMap(kind -> Stream.of(Source.values()).map(source -> Arguments.of(kind, source)));
    }

    @ParameterizedTest(name = "{0} woken by {1}")
    @MethodSource("cases")
    void shouldWakeASleepingExecutorThroughAWordItSleepsOn(ExecutorTest.Kind kind, Source source) {
        assumeTrue(WaitSet.waitvSupported(), "the kernel has futex_waitv: executors poll without it");
        String name = "wake";
        ExecutorOptions options = ExecutorOptions.defaults().withName(name)
            .withErrorHandler((role, error) -> reported.add(error));
        // one thread: a second worker of the multi-threaded executor, woken by the first one's signal after each
        // callback, would count a wake whatever the trigger did
        AbstractExecutor executor = (AbstractExecutor) (kind == ExecutorTest.Kind.MULTI_THREADED
            ? Executor.multiThreaded(options, 1) : kind.create(options));
        AtomicInteger handled = new AtomicInteger();
        Runnable trigger = register(executor, source, handled);
        open.add(executor);
        executor.start();
        long wakes = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            ExecutorTest.awaitAsleep(name);
            long before = executor.wordWakes();
            trigger.run();
            int expected = round;
            Await.until(() -> "round " + expected + " handled (" + handled.get() + ")", () -> handled.get() == expected,
                Await.HANG);
            wakes += executor.wordWakes() > before ? 1 : 0;
        }
        assertTrue(wakes > 0, "none of " + ROUNDS + " triggers woke the sleeping " + kind + ": each waited for the "
            + "upkeep timeout (a lost wake-up)");
    }

    private Runnable register(Executor executor, Source source, AtomicInteger handled) {
        switch (source) {
            case INBOX -> {
                Inbox<Integer> inbox = executor.inbox("events", 16, event -> handled.incrementAndGet());
                return () -> assertTrue(inbox.offer(1));
            }
            case GUARD_CONDITION -> {
                GuardCondition guard = executor.guardCondition("guard", handled::incrementAndGet);
                return guard::trigger;
            }
            case SHARED_MEMORY_SUBSCRIPTION -> {
                Sluice sluice = Sluice.open("wake", root.options());
                open.add(sluice);
                Publisher<MemorySegment> publisher = sluice.publisher("/wake", COUNTER);
                Subscriber<MemorySegment> subscriber = sluice.subscriber("/wake", COUNTER, Qos.queue(8));
                open.add(publisher);
                open.add(subscriber);
                executor.subscription(subscriber, sample -> handled.incrementAndGet());
                return () -> ExecutorTest.publish(publisher, 1);
            }
            case IN_PROCESS_SUBSCRIPTION -> {
                SensorMultiplexer<MemorySegment> topic = SensorMultiplexer.create(COUNTER, 8, 1);
                open.add(topic);
                executor.subscription(topic.subscriber(), sample -> handled.incrementAndGet());
                Publisher<MemorySegment> publisher = topic.publisher();
                return () -> ExecutorTest.publish(publisher, 1);
            }
            default -> throw new AssertionError(source);
        }
    }
}

package io.sluice.exec;

import io.sluice.Await;
import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lifecycle of every executor kind where a broken executor would still look busy: registrations changed between
 * two cycles (one removed, one added: the executor must see the change even though the count is the same), more
 * timers than its first table holds, a removed inbox's queued events, what a draining close takes and refuses,
 * a second close, its threads and their names, and what {@code doWork} returns.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExecutorLifecycleTest {
    private static final MessageType<MemorySegment> COUNTER = MessageType.raw("test/msg/Counter");

    private final TestRoot root = new TestRoot();
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());

    private ExecutorOptions options(String name) {
        return ExecutorOptions.defaults().withName(name).withErrorHandler((role, error) -> reported.add(error));
    }

    @AfterEach
    void cleanUp() {
        root.close();
        assertTrue(reported.isEmpty(), reported.toString());
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldSeeARegistrationAddedAfterAnotherWasRemovedBetweenTwoCycles(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options("swap"))) {
            Registration first = executor.timer(Duration.ZERO, Duration.ofHours(1), (deadline, missed) -> { });
            assertEquals(1, executor.runOnce(Duration.ofSeconds(10)));
            first.close(); // periodic: only the user's close removes it
            AtomicInteger fired = new AtomicInteger();
            executor.timer(Duration.ZERO, Duration.ZERO, (deadline, missed) -> fired.incrementAndGet());
            assertEquals(1, executor.runOnce(Duration.ofSeconds(10)), "the new timer, not the removed one");
            assertEquals(1, fired.get());
            assertEquals(1, first.handledCount());
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldFireMoreTimersThanItsFirstTableHolds(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options("timers"))) {
            AtomicInteger fired = new AtomicInteger();
            for (int i = 0; i < 200; i++) {
                executor.timer(Duration.ZERO, Duration.ZERO, (deadline, missed) -> fired.incrementAndGet());
            }
            while (fired.get() < 200) {
                assertTrue(executor.runOnce(Duration.ofSeconds(10)) > 0, "fired " + fired.get() + " of 200");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldCountTheQueuedEventsOfARemovedInboxAsRejected(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options("removed"))) {
            AtomicInteger handled = new AtomicInteger();
            Inbox<Integer> inbox = executor.inbox("events", 8, event -> handled.incrementAndGet());
            Inbox<Integer> other = executor.inbox("other", 8, event -> handled.incrementAndGet());
            for (int i = 0; i < 5; i++) {
                assertTrue(inbox.offer(i));
            }
            inbox.close();
            assertTrue(other.offer(9));
            while (executor.runOnce(Duration.ZERO) > 0) {
                // the other inbox's event
            }
            assertEquals(1, handled.get(), "only the other inbox's event");
            assertEquals(5, inbox.rejectedCount(), "the removed inbox's events are counted, not lost silently");
            assertEquals(0, inbox.size());
        }
    }

    /**
     * A draining close takes the samples published before it and refuses new inbox events. A sample published after
     * it began is taken (a queue's time is known only then) and dropped, counted in {@code droppedCount()}: every
     * sample is handled, counted as dropped or still in the subscriber.
     */
    @ParameterizedTest
    @EnumSource(value = ExecutorTest.Kind.class, names = {"EVENT_LOOP", "POLLING_POINT"})
    void shouldDrainWhatWasPublishedBeforeTheCloseAndNothingAfter(ExecutorTest.Kind kind) throws Exception {
        try (Sluice sluice = Sluice.open("test", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/counter", COUNTER,
                 io.sluice.PublisherOptions.defaults().withSlots(Subscriber.MAX_HELD + 4));
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/counter", COUNTER, Qos.queue(16))) {
            Executor executor = kind.create(options("drain"));
            Gate gate = new Gate();
            List<Long> handled = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean offerAccepted = new AtomicBoolean();
            Inbox<Integer> inbox = executor.inbox("late", 4, event -> { });
            Registration registration = executor.subscription(subscriber, sample -> {
                long value = sample.segment().get(ValueLayout.JAVA_LONG, 0);
                if (value == 0) {
                    gate.pass();
                    offerAccepted.set(inbox.offer(1)); // during the close
                }
                handled.add(value);
            });
            executor.start();
            publish(publisher, 0);
            gate.awaitEntered();
            publish(publisher, 1); // before the close: drained
            Thread closer = Thread.ofPlatform().start(() -> executor.close(Shutdown.DRAIN, Duration.ofSeconds(30)));
            Await.until("the closer has put the executor in CLOSING", ((AbstractExecutor) executor)::closing);
            publish(publisher, 2); // after the close: not handled
            gate.open();
            closer.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(closer.isAlive());
            assertEquals(List.of(0L, 1L), handled);
            assertEquals(1, registration.droppedCount(), "sample 2, taken and not handled, is counted");
            assertEquals(null, subscriber.take(), "and nothing else is gone from the subscriber");
            // and released: the subscriber can hold as many samples as ever (a dropped sample left open would count)
            List<io.sluice.Sample<MemorySegment>> held = new ArrayList<>();
            try {
                for (long value = 3; value < 3 + Subscriber.MAX_HELD; value++) {
                    publish(publisher, value);
                    held.add(subscriber.take());
                }
            } finally {
                held.forEach(io.sluice.Sample::close);
            }
            assertFalse(offerAccepted.get(), "a closing executor takes no new inbox events");
            assertEquals(1, inbox.rejectedCount());
        }
    }

    /** A second close while the first drains waits like the first and changes nothing: the drain still happens. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldLetASecondCloseWaitForTheFirstsDrain(ExecutorTest.Kind kind) throws Exception {
        Executor executor = kind.create(options("twice"));
        Gate gate = new Gate();
        AtomicInteger handled = new AtomicInteger();
        Inbox<Integer> inbox = executor.inbox("events", 8, event -> {
            if (event == 0) {
                gate.pass();
            }
            handled.incrementAndGet();
        });
        List<Registration> registrations = List.of(inbox, executor.guardCondition("g", () -> { }));
        assertTrue(inbox.offer(0));
        executor.start();
        gate.awaitEntered();
        for (int i = 1; i <= 3; i++) {
            assertTrue(inbox.offer(i));
        }
        Thread first = Thread.ofPlatform().start(() -> executor.close(Shutdown.DRAIN, Duration.ofSeconds(30)));
        Await.until("the first close has put the executor in CLOSING", ((AbstractExecutor) executor)::closing);
        AtomicBoolean secondReturnedEarly = new AtomicBoolean();
        Thread second = Thread.ofPlatform().start(() -> {
            executor.close(Shutdown.DISCARD, Duration.ofSeconds(30));
            secondReturnedEarly.set(!gate.isOpen());
        });
        Await.inCall(second, AbstractExecutor.class, "awaitWorkers");
        gate.open();
        first.join(TimeUnit.SECONDS.toMillis(30));
        second.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(secondReturnedEarly.get(), "the second close returned before the threads finished");
        assertEquals(4, handled.get(), "the first close's drain, unchanged by the second's DISCARD");
        assertEquals(0, inbox.rejectedCount());
        for (Registration registration : registrations) {
            assertFalse(registration.isActive(), "removed at close: " + registration.role());
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldNameItsThreadsAndReturnItselfFromStart(ExecutorTest.Kind kind) throws Exception {
        String name = "th" + kind.ordinal();
        try (Executor executor = kind.create(options(name))) {
            assertSame(executor, executor.start());
            List<String> expected = kind == ExecutorTest.Kind.MULTI_THREADED
                ? List.of("sluice-" + name + "-0", "sluice-" + name + "-1", "sluice-" + name + "-2")
                : List.of("sluice-" + name);
            Await.until("threads " + expected, () -> threadsNamed("sluice-" + name).equals(expected));
        }
        Await.until("threads of " + name + " gone", () -> threadsNamed("sluice-" + name).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldRunOnTheCallersThreadPlusTheRestOfItsThreads(ExecutorTest.Kind kind) throws Exception {
        String name = "rn" + kind.ordinal();
        Executor executor = kind.create(options(name));
        CountDownLatch running = new CountDownLatch(1);
        executor.guardCondition("started", running::countDown).trigger();
        Thread caller = Thread.ofPlatform().name("caller-" + name).start(executor::run);
        assertTrue(running.await(30, TimeUnit.SECONDS));
        List<String> expected = kind == ExecutorTest.Kind.MULTI_THREADED
            ? List.of("sluice-" + name + "-1", "sluice-" + name + "-2") // the caller is the first
            : List.of();
        Await.until("threads " + expected, () -> threadsNamed("sluice-" + name).equals(expected));
        executor.close(Shutdown.DRAIN, Duration.ofSeconds(30));
        caller.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(caller.isAlive());
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldReturnTheCallbacksADoWorkRan(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options("work"))) {
            GuardCondition guard = executor.guardCondition("g", () -> { });
            assertEquals(0, executor.doWork());
            guard.trigger();
            assertEquals(1, executor.doWork());
            assertEquals(0, executor.doWork());
        }
    }

    /** An inbox the executor has seen, removed with events queued, then a discarding close: they are counted. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldCountTheQueuedEventsOfARemovedInboxAtADiscardingClose(ExecutorTest.Kind kind) {
        Executor executor = kind.create(options("seen"));
        AtomicInteger handled = new AtomicInteger();
        Inbox<Integer> inbox = executor.inbox("events", 8, event -> handled.incrementAndGet());
        assertEquals(0, executor.runOnce(Duration.ZERO)); // the executor has seen it
        for (int i = 0; i < 3; i++) {
            assertTrue(inbox.offer(i));
        }
        inbox.close();
        executor.close(Shutdown.DISCARD, Duration.ofSeconds(30));
        assertEquals(0, handled.get());
        assertEquals(3, inbox.rejectedCount());
        assertEquals(0, inbox.size());
    }

    /** The same on a running single-threaded executor whose thread is busy in a callback when both come. */
    @ParameterizedTest
    @EnumSource(value = ExecutorTest.Kind.class, names = {"EVENT_LOOP", "POLLING_POINT"})
    void shouldCountTheQueuedEventsOfAnInboxRemovedWhileTheExecutorWasBusy(ExecutorTest.Kind kind)
        throws Exception {
        Executor executor = kind.create(options("busy"));
        Gate gate = new Gate();
        GuardCondition hold = executor.guardCondition("hold", gate::pass);
        Inbox<Integer> inbox = executor.inbox("events", 8, event -> { });
        executor.start();
        hold.trigger();
        gate.awaitEntered();
        for (int i = 0; i < 3; i++) {
            assertTrue(inbox.offer(i));
        }
        inbox.close();
        Thread closer = Thread.ofPlatform().start(() -> executor.close(Shutdown.DISCARD, Duration.ofSeconds(30)));
        Await.until("the closer has put the executor in CLOSING", ((AbstractExecutor) executor)::closing);
        gate.open();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(closer.isAlive());
        assertEquals(3, inbox.rejectedCount());
    }

    private static List<String> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
            .filter(n -> n.equals(prefix) || n.startsWith(prefix + "-")).sorted().toList();
    }

    private static void publish(Publisher<MemorySegment> publisher, long value) {
        try (Loan<MemorySegment> loan = publisher.loan(8)) {
            loan.segment().set(ValueLayout.JAVA_LONG, 0, value);
            loan.publish();
        }
    }
}

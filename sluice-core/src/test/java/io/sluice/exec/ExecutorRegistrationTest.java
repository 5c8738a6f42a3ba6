package io.sluice.exec;

import io.sluice.Await;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registrations of every executor kind at their edges, on the test's thread ({@link Executor#runOnce}): the limit of
 * {@link Executor#MAX_REGISTRATIONS}, a registration removed from the middle, a timer due at once, and a registration
 * attempted while a draining close runs the last callbacks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutorRegistrationTest {
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorOptions options = ExecutorOptions.defaults().withName("registrations")
        .withErrorHandler((role, error) -> reported.add(error));

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldTakeExactlyMaxRegistrationsAndRefuseOneMoreUntilOneGoes(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options)) {
            List<GuardCondition> guards = new ArrayList<>();
            for (int i = 0; i < Executor.MAX_REGISTRATIONS; i++) {
                guards.add(executor.guardCondition("g" + i, () -> { }));
            }
            IllegalStateException full = assertThrows(IllegalStateException.class,
                () -> executor.guardCondition("one more", () -> { }));
            assertEquals("too many registrations: name=registrations, max=" + Executor.MAX_REGISTRATIONS,
                full.getMessage());
            guards.get(17).close();
            executor.guardCondition("in its place", () -> { }).close();
        }
        assertTrue(reported.isEmpty(), reported.toString());
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldKeepTheOthersInOrderWhenARegistrationInTheMiddleGoes(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options)) {
            List<String> ran = new ArrayList<>();
            List<Inbox<String>> inboxes = new ArrayList<>();
            for (String name : List.of("a", "b", "c", "d")) {
                inboxes.add(executor.inbox(name, 4, ran::add));
            }
            Inbox<String> b = inboxes.get(1);
            b.close();
            assertFalse(b.isActive(), "inactive as soon as it is closed");
            assertFalse(b.offer("b"));
            assertTrue(inboxes.get(0).offer("a"));
            assertTrue(inboxes.get(2).offer("c"));
            assertTrue(inboxes.get(3).offer("d"));
            int handled = 0;
            while (handled < 3) {
                handled += executor.runOnce(Duration.ofSeconds(10));
            }
            assertEquals(List.of("a", "c", "d"), ran);
            assertTrue(inboxes.get(0).isActive() && inboxes.get(2).isActive() && inboxes.get(3).isActive());
        }
        assertTrue(reported.isEmpty(), reported.toString());
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldFireATimerWithNoFirstDelayAtTheFirstCycle(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options)) {
            List<Long> missed = new ArrayList<>();
            Registration timer = executor.timer(Duration.ZERO, Duration.ZERO, (deadline, m) -> missed.add(m));
            assertEquals(1, executor.runOnce(Duration.ofSeconds(10)));
            assertEquals(List.of(0L), missed);
            assertEquals(1, timer.handledCount());
            assertThrows(IllegalArgumentException.class,
                () -> executor.timer(Duration.ofNanos(-1), Duration.ZERO, (deadline, m) -> { }));
            assertThrows(IllegalArgumentException.class,
                () -> executor.timer(Duration.ZERO, Duration.ofNanos(-1), (deadline, m) -> { }));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldRefuseARegistrationFromACallbackOfADrainingClose(ExecutorTest.Kind kind) {
        Executor executor = kind.create(options);
        AtomicReference<Throwable> refused = new AtomicReference<>();
        Inbox<String> inbox = executor.inbox("pending", 4, event -> {
            try {
                executor.inbox("late", 4, late -> { });
            } catch (Throwable e) {
                refused.set(e);
            }
        });
        assertTrue(inbox.offer("x"));
        executor.close(Shutdown.DRAIN, Duration.ofSeconds(30)); // never started: drains on this thread
        assertEquals(1, inbox.handledCount(), "the pending event was drained");
        IllegalStateException closed = assertInstanceOf(IllegalStateException.class, refused.get());
        assertEquals("executor is closed: name=registrations", closed.getMessage());
        assertTrue(reported.isEmpty(), reported.toString());
    }

    /**
     * An application that owns its loop (runOnce on its thread) and closes the executor from another thread: the
     * close waits for the running callback, drains on its own thread, and only then removes the registrations; no
     * cycle starts afterwards.
     */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldWaitForTheCallersCycleWhenClosedFromAnotherThread(ExecutorTest.Kind kind) throws Exception {
        Executor executor = kind.create(options);
        Gate gate = new Gate();
        AtomicBoolean callbackDone = new AtomicBoolean();
        List<Integer> handled = Collections.synchronizedList(new ArrayList<>());
        Inbox<Integer> inbox = executor.inbox("events", 8, event -> {
            if (event == 0) {
                gate.pass();
                callbackDone.set(true);
            }
            handled.add(event);
        });
        assertTrue(inbox.offer(0));
        Thread owner = Thread.ofPlatform().name("loop-owner").start(() -> executor.runOnce(Duration.ofSeconds(30)));
        gate.awaitEntered();
        assertTrue(inbox.offer(1)); // pending when the close comes: a draining close handles it
        AtomicBoolean callbackDoneAtClose = new AtomicBoolean();
        Thread closer = Thread.ofPlatform().start(() -> {
            executor.close(Shutdown.DRAIN, Duration.ofSeconds(30));
            callbackDoneAtClose.set(callbackDone.get());
        });
        Await.until("the closer has put the executor in CLOSING", ((AbstractExecutor) executor)::closing);
        assertTrue(closer.isAlive(), "close waits for the running callback");
        gate.open();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        owner.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(closer.isAlive() || owner.isAlive());
        assertTrue(callbackDoneAtClose.get(), "close returned only after the callback did");
        assertEquals(List.of(0, 1), handled, "the pending event drained, once");
        assertThrows(IllegalStateException.class, () -> executor.runOnce(Duration.ZERO));
        assertTrue(reported.isEmpty(), reported.toString());
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldRefuseASecondThreadsCycleWhileOneRuns(ExecutorTest.Kind kind) throws Exception {
        try (Executor executor = kind.create(options)) {
            Gate gate = new Gate();
            GuardCondition guard = executor.guardCondition("hold", gate::pass);
            guard.trigger();
            Thread owner = Thread.ofPlatform().name("loop-owner").start(() -> executor.runOnce(Duration.ofSeconds(30)));
            gate.awaitEntered();
            IllegalStateException second = assertThrows(IllegalStateException.class,
                () -> executor.runOnce(Duration.ZERO));
            assertEquals("runOnce while thread loop-owner runs a cycle: name=registrations", second.getMessage());
            gate.open();
            owner.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(owner.isAlive());
        }
    }

    /**
     * Two threads calling doWork over and over: never two cycles at once (the clock sees who is inside a cycle). Not
     * for the multi-threaded kind: its polling point reads the clock under a lock of its own, so two cycles would
     * never meet inside the clock there.
     */
    @ParameterizedTest
    @EnumSource(value = ExecutorTest.Kind.class, names = {"EVENT_LOOP", "POLLING_POINT"})
    void shouldNeverRunTwoCallersCyclesAtOnce(ExecutorTest.Kind kind) throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        NanoClock counting = () -> {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            Thread.yield();
            inside.decrementAndGet();
            return System.nanoTime();
        };
        try (Executor executor = kind.create(options.withClock(counting))) {
            executor.guardCondition("g", () -> { });
            AtomicInteger refused = new AtomicInteger();
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                callers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        try {
                            executor.doWork();
                        } catch (IllegalStateException another) {
                            refused.incrementAndGet();
                        }
                    }
                }));
            }
            for (Thread caller : callers) {
                caller.join(TimeUnit.SECONDS.toMillis(60));
                assertFalse(caller.isAlive());
            }
            assertEquals(1, most.get(), "two cycles ran at once (" + refused.get() + " calls refused)");
        }
    }

    /** A close that stops waiting for a caller's cycle (its timeout) leaves the end of the close to that cycle. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldFinishTheCloseWhenTheCallersCycleEndsAfterTheCloseTimedOut(ExecutorTest.Kind kind) throws Exception {
        Executor executor = kind.create(options);
        Gate gate = new Gate();
        Inbox<Integer> inbox = executor.inbox("events", 8, event -> { });
        Thread owner = gate.holdCallersCycle(executor);
        assertTrue(inbox.offer(1));
        IllegalStateException late = assertThrows(IllegalStateException.class,
            () -> executor.close(Shutdown.DISCARD, Duration.ofMillis(1)));
        assertTrue(late.getMessage().startsWith("executor did not stop within"), late.getMessage());
        assertTrue(inbox.isActive(), "not removed under the running callback");
        gate.open();
        owner.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(owner.isAlive());
        assertFalse(inbox.isActive(), "removed as the cycle ended");
        assertFalse(gate.hold().isActive());
        assertEquals(1, inbox.rejectedCount(), "the pending event counted");
        executor.close(); // returns: everything is done
    }

    /** A retry of a close that timed out, from the same thread, waits like any second close. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldLetARetriedCloseWaitForTheCallersCycle(ExecutorTest.Kind kind) throws Exception {
        Executor executor = kind.create(options);
        Gate gate = new Gate();
        Thread owner = gate.holdCallersCycle(executor);
        AtomicBoolean activeAfterRetry = new AtomicBoolean(true);
        Thread closer = Thread.ofPlatform().start(() -> {
            assertThrows(IllegalStateException.class, () -> executor.close(Shutdown.DISCARD, Duration.ofMillis(1)));
            executor.close(Shutdown.DISCARD, Duration.ofSeconds(30));
            activeAfterRetry.set(gate.hold().isActive());
        });
        Await.inCall(closer, AbstractExecutor.class, "awaitFinished");
        gate.open();
        for (Thread thread : List.of(owner, closer)) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive());
        }
        assertFalse(activeAfterRetry.get(), "the retry returned before the registrations went");
    }

    /** close(DRAIN) from a callback of the caller's cycle handles what is pending, as a started executor does. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldDrainWhenClosedFromACallbackOfTheCallersCycle(ExecutorTest.Kind kind) {
        Executor executor = kind.create(options);
        AtomicInteger handled = new AtomicInteger();
        Inbox<Integer> inbox = executor.inbox("events", 16, event -> handled.incrementAndGet());
        executor.guardCondition("closer", () -> executor.close(Shutdown.DRAIN, Duration.ofSeconds(30))).trigger();
        for (int i = 0; i < 10; i++) {
            assertTrue(inbox.offer(i));
        }
        while (inbox.isActive()) { // the multi-threaded kind runs one callback per cycle
            executor.runOnce(Duration.ZERO);
        }
        assertEquals(10, handled.get(), "drained");
        assertEquals(0, inbox.rejectedCount());
        assertFalse(inbox.isActive(), "and closed as the cycle ended");
    }

    /** Timeouts beyond a long's nanoseconds are taken as "very long", not as an error or as already expired. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldTakeHugeTimeouts(ExecutorTest.Kind kind) {
        Executor executor = kind.create(options);
        GuardCondition guard = executor.guardCondition("g", () -> { });
        AtomicInteger never = new AtomicInteger();
        AtomicInteger once = new AtomicInteger();
        Registration late = executor.timer(ChronoUnit.FOREVER.getDuration(), (deadline, missed) -> never.incrementAndGet());
        Registration single = executor.timer(Duration.ZERO, ChronoUnit.FOREVER.getDuration(),
            (deadline, missed) -> once.incrementAndGet());
        assertTrue(late.isActive() && single.isActive(), "timers with periods beyond a long's nanoseconds are taken");
        executor.runOnce(Duration.ZERO);
        executor.runOnce(Duration.ZERO);
        assertEquals(0, never.get(), "a first delay of forever never comes");
        assertEquals(1, once.get(), "a period of forever fires once, then not for a very long time");
        guard.trigger();
        assertEquals(1, executor.runOnce(ChronoUnit.FOREVER.getDuration()));
        executor.start();
        executor.close(Shutdown.DRAIN, ChronoUnit.FOREVER.getDuration());
        assertFalse(guard.isActive());
        Executor second = kind.create(options);
        second.start();
        second.close(Shutdown.DRAIN, Duration.ofNanos(Long.MAX_VALUE));
        assertTrue(reported.isEmpty(), reported.toString());
    }

    /** A close with a timeout beyond a long's nanoseconds waits for a caller's cycle as long as it runs. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldWaitForACallersCycleWithAHugeTimeout(ExecutorTest.Kind kind) throws Exception {
        Executor executor = kind.create(options);
        Gate gate = new Gate();
        Thread owner = gate.holdCallersCycle(executor);
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread closer = Thread.ofPlatform().start(() -> {
            try {
                executor.close(Shutdown.DISCARD, ChronoUnit.FOREVER.getDuration());
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        Await.inCall(closer, AbstractExecutor.class, "awaitCycle");
        // a close whose timeout were taken as 0 would give up once its grace of 1 s beyond the timeout passed
        Thread.sleep(1_500);
        assertTrue(closer.isAlive(), "still waiting past the grace a short timeout gets");
        gate.open();
        for (Thread thread : List.of(owner, closer)) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive());
        }
        assertEquals(null, outcome.getNow(new AssertionError("no outcome")), "the close waited, then returned");
        assertFalse(gate.hold().isActive());
    }

    /** A second close of a never-started executor waits for the first, which waits for the caller's cycle. */
    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldLetASecondCloseWaitForTheFirstWhileACallersCycleRuns(ExecutorTest.Kind kind) throws Exception {
        Executor executor = kind.create(options);
        Gate gate = new Gate();
        Thread owner = gate.holdCallersCycle(executor);
        Thread first = Thread.ofPlatform().start(() -> executor.close(Shutdown.DRAIN, Duration.ofSeconds(30)));
        Await.inCall(first, AbstractExecutor.class, "awaitCycle");
        AtomicBoolean activeWhenSecondReturned = new AtomicBoolean(true);
        Thread second = Thread.ofPlatform().start(() -> {
            executor.close(Shutdown.DRAIN, Duration.ofSeconds(30));
            activeWhenSecondReturned.set(gate.hold().isActive());
        });
        Await.inCall(second, AbstractExecutor.class, "awaitFinished");
        gate.open();
        for (Thread thread : List.of(owner, first, second)) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(thread.isAlive());
        }
        assertFalse(activeWhenSecondReturned.get(), "the second close returned before the registrations went");
    }
}

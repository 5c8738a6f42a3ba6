package io.sluice.exec;

import io.sluice.Await;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An inbox of every executor kind at its edges: it holds what its capacity rounds up to and refuses (and counts) one
 * more, reports its size, lets the executor sleep once more than a burst was handled, and counts as rejected an
 * event a polling point had already captured when a discarding close came.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InboxTest {
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());

    private ExecutorOptions options(String name) {
        return ExecutorOptions.defaults().withName(name).withErrorHandler((role, error) -> reported.add(error));
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldHoldItsCapacityRoundedToAPowerOfTwoAndRefuseOneMore(ExecutorTest.Kind kind) {
        try (Executor executor = kind.create(options("capacity"))) {
            for (int capacity : new int[] {1, 2, 3, 4, 5, 8}) {
                int holds = capacity <= 2 ? 2 : Integer.highestOneBit(capacity - 1) << 1;
                Inbox<Integer> inbox = executor.inbox("c" + capacity, capacity, event -> { });
                for (int i = 0; i < holds; i++) {
                    assertTrue(inbox.offer(i), "capacity " + capacity + ", event " + i);
                    assertEquals(i + 1, inbox.size());
                }
                assertFalse(inbox.offer(holds), "capacity " + capacity + ": full at " + holds);
                assertEquals(1, inbox.rejectedCount());
                assertEquals(holds, inbox.size());
                inbox.close();
            }
            assertThrows(IllegalArgumentException.class, () -> executor.inbox("none", 0, event -> { }));
            assertThrows(IllegalArgumentException.class, () -> executor.inbox("huge", (1 << 30) + 1, event -> { }));
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutorTest.Kind.class)
    void shouldLetTheExecutorSleepAfterMoreThanABurst(ExecutorTest.Kind kind) {
        int burst = 4;
        ExecutorOptions options = ExecutorOptions.defaults().withName("ibx" + kind.ordinal()).withBurst(burst)
            .withErrorHandler((role, error) -> reported.add(error));
        try (Executor executor = kind.create(options)) {
            AtomicInteger handled = new AtomicInteger();
            Inbox<Integer> inbox = executor.inbox("events", 64, event -> handled.incrementAndGet());
            for (int i = 0; i < 10 * burst + 1; i++) {
                assertTrue(inbox.offer(i));
            }
            executor.start();
            Await.until("every event handled", () -> handled.get() == 10 * burst + 1);
            Await.allAsleepInKernel("sluice-ibx" + kind.ordinal()); // nothing left: no cycle is scheduled again
            assertEquals(0, inbox.size());
        }
        assertTrue(reported.isEmpty(), reported.toString());
    }

    /** Single-threaded kinds: a multi-threaded executor runs the second event on another thread meanwhile. */
    @ParameterizedTest
    @EnumSource(value = ExecutorTest.Kind.class, names = {"EVENT_LOOP", "POLLING_POINT"})
    void shouldCountAnEventPendingBehindARunningCallbackAsRejectedAtADiscardingClose(ExecutorTest.Kind kind)
        throws Exception {
        Executor executor = kind.create(options("discard"));
        Gate gate = new Gate();
        Inbox<Integer> blocking = executor.inbox("blocking", 4, event -> {
            gate.pass();
        });
        AtomicInteger laterHandled = new AtomicInteger();
        Inbox<Integer> later = executor.inbox("later", 4, event -> laterHandled.incrementAndGet());
        assertTrue(blocking.offer(1));
        assertTrue(later.offer(2)); // a polling point captures it with the first in one snapshot
        executor.start();
        gate.awaitEntered();
        Thread closer = Thread.ofPlatform().start(() -> executor.close(Shutdown.DISCARD, Duration.ofSeconds(30)));
        Await.until("the closer has put the executor in CLOSING", ((AbstractExecutor) executor)::closing);
        gate.open();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(closer.isAlive());
        assertEquals(0, laterHandled.get(), "nothing starts after a discarding close");
        assertEquals(1, later.rejectedCount(), "the pending event is counted, not lost silently");
        assertEquals(0, blocking.rejectedCount());
    }
}

package io.sluice.exec;

import io.sluice.Allocations;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Once warm, dispatching allocates nothing per event or per wait: a duty cycle that takes a sample, runs an inbox event, a guard condition
 * and a timer, and an idle cycle that sleeps in the kernel, counted on the executor's (here: the test's) thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExecutorAllocationTest {
    private static final MessageType<MemorySegment> VALUE = MessageType.raw("test/msg/Value");

    enum Kind { EVENT_LOOP, POLLING_POINT, MULTI_THREADED }

    private final TestRoot root = new TestRoot();

    @AfterEach
    void cleanUp() {
        root.close();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldDispatchWithoutAllocatingOnceWarm(Kind kind) {
        FakeClock clock = new FakeClock(0);
        ExecutorOptions options = ExecutorOptions.defaults().withName("alloc").withClock(clock);
        Executor executor = switch (kind) {
            case EVENT_LOOP -> Executor.eventLoop(options);
            case POLLING_POINT -> Executor.pollingPoint(options);
            case MULTI_THREADED -> Executor.multiThreaded(options, 2);
        };
        Object event = new Object();
        long[] sum = new long[1];
        try (Sluice sluice = Sluice.open("alloc", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/values", VALUE);
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/values", VALUE, Qos.queue(8))) {
            executor.subscription(subscriber, sample -> sum[0] += sample.segment().get(ValueLayout.JAVA_LONG, 0));
            Inbox<Object> inbox = executor.inbox("events", 16, e -> sum[0]++);
            GuardCondition guard = executor.guardCondition("guard", () -> sum[0]++);
            executor.timer(Duration.ofMillis(1), (deadline, missed) -> sum[0]++);
            Runnable round = () -> {
                try (Loan<MemorySegment> loan = publisher.loan(8)) {
                    loan.segment().set(ValueLayout.JAVA_LONG, 0, 1);
                    loan.publish();
                }
                inbox.offer(event);
                guard.trigger();
                clock.advance(1_000_000);
                int ran = 0;
                for (int i = 0; i < 4 && ran < 4; i++) {
                    ran += executor.runOnce(Duration.ZERO);
                }
                assertEquals(4, ran);
            };
            Duration wait = Duration.ofNanos(20_000);
            Runnable idleWait = () -> executor.runOnce(wait); // nothing to do: arm, futex_waitv, disarm
            Allocations.assertNoneOnceWarm(kind + ": a busy duty cycle", 20_000, 1_000, round);
            Allocations.assertNoneOnceWarm(kind + ": an idle wait", 5_000, 200, idleWait);
            executor.close();
        } finally {
            executor.close(); // idempotent; before the subscriber closes
        }
    }
}

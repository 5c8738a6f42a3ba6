package io.sluice.exec;

import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The polling-point baseline's order, shown deterministically: the wait set is filled before the polling point,
 * then one polling point runs and the order of the callbacks is compared with ROS 2's. The event loop runs the same
 * registrations in its own order, shown alongside.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PollingPointOrderTest {
    private static final MessageType<MemorySegment> VALUE = MessageType.raw("test/msg/Value");
    private static final long START = 1_000_000_000L;

    private final TestRoot root = new TestRoot();
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        root.close();
    }

    private static void publish(Publisher<MemorySegment> publisher, long value) {
        ExecutorTest.publish(publisher, value);
    }

    private static long value(io.sluice.Sample<MemorySegment> sample) {
        return sample.segment().get(ValueLayout.JAVA_LONG, 0);
    }

    /** Registrations in a deliberately mixed order: what runs first must not depend on it across groups. */
    private final class Node implements AutoCloseable {
        final Sluice sluice = Sluice.open("order", root.options());
        final Publisher<MemorySegment> toA = sluice.publisher("/a", VALUE);
        final Publisher<MemorySegment> toB = sluice.publisher("/b", VALUE);
        final Publisher<MemorySegment> toRequests = sluice.publisher("/requests", VALUE);
        final Publisher<MemorySegment> toResponses = sluice.publisher("/responses", VALUE);
        final Subscriber<MemorySegment> a = sluice.subscriber("/a", VALUE, Qos.queue(16));
        final Subscriber<MemorySegment> b = sluice.subscriber("/b", VALUE, Qos.queue(16));
        final Subscriber<MemorySegment> requests = sluice.subscriber("/requests", VALUE, Qos.queue(16));
        final Subscriber<MemorySegment> responses = sluice.subscriber("/responses", VALUE, Qos.queue(16));
        final FakeClock clock = new FakeClock(START);
        final Executor executor;
        Inbox<String> inbox;
        GuardCondition guard;

        Node(boolean pollingPoint) {
            ExecutorOptions options = ExecutorOptions.defaults().withName("order").withClock(clock)
                .withErrorHandler((role, error) -> ran.add("error " + error));
            executor = pollingPoint ? Executor.pollingPoint(options) : Executor.eventLoop(options);
            executor.subscription(responses, sample -> ran.add("client " + value(sample)), Executor.Turn.CLIENT);
            executor.subscription(a, sample -> {
                long value = value(sample);
                ran.add("a " + value);
                if (value == 0) {
                    // arrives while the polling point's callbacks run: must wait for the next polling point
                    publish(toB, 100);
                    Node.this.inbox.offer("late");
                    Node.this.guard.trigger();
                }
            });
            executor.timer(Duration.ofMillis(10), (deadline, missed) -> ran.add("t10"));
            inbox = executor.inbox("i", 16, event -> ran.add("inbox " + event));
            executor.subscription(requests, sample -> ran.add("service " + value(sample)), Executor.Turn.SERVICE);
            executor.subscription(b, sample -> ran.add("b " + value(sample)));
            guard = executor.guardCondition("g", () -> ran.add("guard"));
            executor.timer(Duration.ofMillis(5), (deadline, missed) -> ran.add("t5"));
        }

        /** Fills the wait set: two samples on a, one on b, a request, a response, two inbox events, a trigger. */
        void fill() {
            publish(toA, 0);
            publish(toA, 1);
            publish(toB, 0);
            publish(toRequests, 7);
            publish(toResponses, 9);
            inbox.offer("first");
            inbox.offer("second");
            guard.trigger();
            clock.set(START + 10_000_000L); // both timers due
        }

        @Override
        public void close() {
            executor.close();
            sluice.close();
        }
    }

    @Test
    void shouldRunAPollingPointInRosOrderAndLeaveWhatArrivesMeanwhileForTheNext() {
        try (Node node = new Node(true)) {
            node.fill();
            node.executor.runOnce(Duration.ZERO);
            assertEquals(List.of(
                "t10", "t5",                   // timers, in registration order
                "a 0", "b 0",                  // one sample of each subscription, in registration order
                "service 7",                   // services
                "client 9",                    // clients
                "inbox first", "guard"         // waitables, in registration order
            ), ran, "first polling point");
            ran.clear();
            node.executor.runOnce(Duration.ZERO);
            assertEquals(List.of("a 1", "b 100", "inbox second", "guard"), ran, "second polling point");
            ran.clear();
            node.executor.runOnce(Duration.ZERO);
            assertEquals(List.of("inbox late"), ran, "third polling point");
            ran.clear();
            assertEquals(0, node.executor.runOnce(Duration.ZERO));
        }
    }

    @Test
    void shouldRunEverythingReadyInOneEventLoopCycleDrainingEachSource() {
        try (Node node = new Node(false)) {
            node.fill();
            node.executor.runOnce(Duration.ZERO);
            // ready ring first (in the order the sources signalled), then timers in deadline order, then
            // subscriptions drained in registration order; what a callback adds to a later source is handled in the
            // same cycle
            assertEquals(List.of(
                "inbox first", "inbox second", "guard",
                "t5", "t10",
                "client 9", "a 0", "a 1", "service 7", "b 0", "b 100"
            ), ran, "one cycle");
            ran.clear();
            node.executor.runOnce(Duration.ZERO);
            assertEquals(List.of("inbox late", "guard"), ran, "the next cycle: what was signalled meanwhile");
        }
    }
}

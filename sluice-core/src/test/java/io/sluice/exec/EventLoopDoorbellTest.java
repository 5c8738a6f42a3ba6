package io.sluice.exec;

import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import io.sluice.os.Doorbell;
import io.sluice.shm.ShmSubscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event loop's doorbells, seen from the bell file of this process ({@code bells-<pid>.bell}): while a
 * shared-memory subscription is registered, each publish on its topic rings the loop's bell (a word of the file
 * moves); when the last registration of the subscriber goes, the publishes stop ringing it; when the loop closes its
 * bell file goes, and the subscriber, still open, can ring another loop's bell. Each step runs on the test's thread
 * ({@link Executor#runOnce}), so nothing depends on timing. A loop that skipped the bell would still deliver (it would
 * wait on the topic's word instead): only the file tells.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventLoopDoorbellTest {
    private static final MessageType<MemorySegment> COUNTER = MessageType.raw("test/msg/Counter");

    private final TestRoot root = new TestRoot();
    private final List<Throwable> reported = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorOptions options = ExecutorOptions.defaults().withName("bells")
        .withErrorHandler((role, error) -> reported.add(error));

    @AfterEach
    void cleanUp() {
        root.close();
        assertTrue(reported.isEmpty(), reported.toString());
    }

    @Test
    void publishesRingTheLoopsBellUntilTheLoopClosesThenAnotherLoopsBell() throws IOException {
        try (Sluice sluice = Sluice.open("test", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/counter", COUNTER);
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/counter", COUNTER, Qos.queue(8))) {
            Path bell = Doorbell.path(((ShmSubscriber<?>) subscriber).domain().directory(),
                ProcessHandle.current().pid());
            AtomicInteger handled = new AtomicInteger();
            Executor first = Executor.eventLoop(options);
            first.subscription(subscriber, sample -> handled.incrementAndGet());
            assertEquals(0, first.runOnce(Duration.ZERO)); // the loop takes up its registrations
            assertTrue(Files.exists(bell), "the loop's bell file");

            assertRings(bell, publisher, 1, "a publish rings the loop's bell");
            assertEquals(1, first.runOnce(Duration.ofSeconds(10)));
            first.close();
            assertFalse(Files.exists(bell), "the loop's bell file goes with the loop");

            try (Executor second = Executor.eventLoop(options)) {
                second.subscription(subscriber, sample -> handled.incrementAndGet());
                assertEquals(0, second.runOnce(Duration.ZERO));
                // had the first loop left the subscriber naming its bell, the second could not have it ring its own
                assertRings(bell, publisher, 2, "the subscriber rings the second loop's bell");
                assertEquals(1, second.runOnce(Duration.ofSeconds(10)));
            }
            assertEquals(2, handled.get());
        }
    }

    @Test
    void aSubscriberRegisteredTwiceRingsUntilItsLastRegistrationGoes() throws IOException {
        try (Sluice sluice = Sluice.open("test", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/counter", COUNTER);
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/counter", COUNTER, Qos.queue(8));
             Executor loop = Executor.eventLoop(options)) {
            Path bell = Doorbell.path(((ShmSubscriber<?>) subscriber).domain().directory(),
                ProcessHandle.current().pid());
            Registration a = loop.subscription(subscriber, sample -> { });
            Registration b = loop.subscription(subscriber, sample -> { });
            assertEquals(0, loop.runOnce(Duration.ZERO));

            a.close();
            assertEquals(0, loop.runOnce(Duration.ZERO)); // the loop lets the first registration go
            assertRings(bell, publisher, 1, "one registration is left: the subscriber still rings");
            assertEquals(1, loop.runOnce(Duration.ofSeconds(10)));

            b.close();
            assertEquals(0, loop.runOnce(Duration.ZERO));
            byte[] before = Files.readAllBytes(bell);
            publish(publisher, 2);
            assertArrayEquals(before, Files.readAllBytes(bell), "no registration left: nothing rings the loop's bell");
            try (var sample = subscriber.take()) {
                assertEquals(2, sample.segment().get(ValueLayout.JAVA_LONG, 0), "the subscriber is still open");
            }
        }
    }

    private static void assertRings(Path bell, Publisher<MemorySegment> publisher, long value, String what)
        throws IOException {
        byte[] before = Files.readAllBytes(bell);
        publish(publisher, value);
        assertFalse(Arrays.equals(before, Files.readAllBytes(bell)), what);
    }

    private static void publish(Publisher<MemorySegment> publisher, long value) {
        try (Loan<MemorySegment> loan = publisher.loan(8)) {
            loan.segment().set(ValueLayout.JAVA_LONG, 0, value);
            loan.publish();
        }
    }
}

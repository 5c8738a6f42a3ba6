package io.sluice.exec;

import io.sluice.Await;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The consumer runner, with the same code over both transports of the newest-sample semantics: the in-process
 * {@link SensorMultiplexer} and a shared-memory topic subscribed with {@link Qos#latest()}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SensorConsumersTest {
    private static final MessageType<MemorySegment> FRAME = MessageType.raw("test/msg/Frame");
    private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** A producer and a source of consumers, either in this process or over shared memory. */
    interface Topic extends AutoCloseable {
        Publisher<MemorySegment> publisher();

        Subscriber<MemorySegment> subscriber();

        @Override
        void close();
    }

    enum Transport {
        IN_PROCESS {
            @Override
            Topic open(TestRoot root) {
                SensorMultiplexer<MemorySegment> mux = SensorMultiplexer.create(FRAME, 1024, 4);
                return new Topic() {
                    @Override
                    public Publisher<MemorySegment> publisher() {
                        return mux.publisher();
                    }

                    @Override
                    public Subscriber<MemorySegment> subscriber() {
                        return mux.subscriber();
                    }

                    @Override
                    public void close() {
                        mux.close();
                    }
                };
            }
        },
        SHARED_MEMORY {
            @Override
            Topic open(TestRoot root) {
                Sluice sluice = Sluice.open("test", root.options());
                Publisher<MemorySegment> publisher = sluice.publisher("/frames", FRAME);
                List<Subscriber<MemorySegment>> opened = new ArrayList<>();
                return new Topic() {
                    @Override
                    public Publisher<MemorySegment> publisher() {
                        return publisher;
                    }

                    @Override
                    public Subscriber<MemorySegment> subscriber() {
                        Subscriber<MemorySegment> subscriber = sluice.subscriber("/frames", FRAME, Qos.latest());
                        opened.add(subscriber);
                        return subscriber;
                    }

                    @Override
                    public void close() {
                        opened.forEach(Subscriber::close);
                        publisher.close();
                        sluice.close();
                    }
                };
            }
        };

        abstract Topic open(TestRoot root);
    }

    private final TestRoot root = new TestRoot();
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void cleanUp() {
        root.close();
    }

    private SensorConsumers consumers() {
        return SensorConsumers.create((role, error) -> reported.add(role + ": " + error.getMessage()));
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > DEADLINE_NANOS) {
                fail("timed out waiting until " + what);
            }
            Thread.sleep(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldHandEachConsumerIncreasingSequencesEndingWithTheNewest(Transport transport) throws Exception {
        int count = 20_000;
        long last = count - 1;
        long[] pauses = {0, 1, 5};
        try (Topic topic = transport.open(root); SensorConsumers consumers = consumers()) {
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            List<AtomicLong> lastSeen = new ArrayList<>();
            List<Registration> registrations = new ArrayList<>();
            List<Subscriber<MemorySegment>> subscribers = new ArrayList<>();
            for (int c = 0; c < pauses.length; c++) {
                subscribers.add(topic.subscriber()); // all attached before the first publish
            }
            for (int c = 0; c < pauses.length; c++) {
                AtomicLong seen = new AtomicLong(-1);
                lastSeen.add(seen);
                long pause = pauses[c];
                String name = "consumer-" + c;
                registrations.add(consumers.consumer(name, subscribers.get(c), sample -> {
                    String torn = SensorMultiplexerTest.tornWord(sample);
                    long value = sample.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
                    if (torn != null) {
                        failures.add(name + ": " + torn);
                    }
                    if (value <= seen.get()) {
                        failures.add(name + " got " + value + " after " + seen.get());
                    }
                    if (!Thread.currentThread().getName().equals(name)) {
                        failures.add(name + " ran on " + Thread.currentThread().getName());
                    }
                    seen.set(value);
                    if (pause > 0) {
                        Thread.sleep(pause);
                    }
                }));
            }
            Publisher<MemorySegment> publisher = topic.publisher();
            for (long sequence = 0; sequence < count; sequence++) {
                SensorMultiplexerTest.publish(publisher, 256, sequence);
            }
            for (int c = 0; c < pauses.length; c++) {
                AtomicLong seen = lastSeen.get(c);
                awaitTrue(() -> seen.get() == last, "consumer-" + c + " saw the final sample");
                assertTrue(registrations.get(c).handledCount() > 0);
                assertEquals("consumer-" + c, registrations.get(c).role());
            }
            assertEquals(List.of(), failures);
            assertEquals(List.of(), reported);
            assertEquals(0, consumers.errorCount());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldReportAThrowingHandlerAndGoOn(Transport transport) throws Exception {
        try (Topic topic = transport.open(root); SensorConsumers consumers = consumers()) {
            List<Long> handled = Collections.synchronizedList(new ArrayList<>());
            Registration registration = consumers.consumer("flaky", topic.subscriber(), sample -> {
                long value = sample.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
                handled.add(value);
                if (value % 2 == 1) {
                    throw new IllegalStateException("odd " + value);
                }
            });
            Publisher<MemorySegment> publisher = topic.publisher();
            for (long value = 0; value < 5; value++) {
                SensorMultiplexerTest.publish(publisher, 64, value);
                long expected = value + 1;
                awaitTrue(() -> registration.handledCount() == expected, "sample " + value + " was handled");
            }
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), handled);
            assertEquals(List.of("flaky: odd 1", "flaky: odd 3"), reported);
            assertEquals(2, consumers.errorCount());
            assertTrue(registration.isActive());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldStopAConsumerBlockedWaitingForASample(Transport transport) throws Exception {
        try (Topic topic = transport.open(root)) {
            SensorConsumers consumers = consumers();
            AtomicBoolean called = new AtomicBoolean();
            Registration idle = consumers.consumer("idle", topic.subscriber(), sample -> called.set(true));
            Registration other = consumers.consumer("other", topic.subscriber(), sample -> called.set(true));
            Await.allAsleepInKernel("idle"); // the close must end a sleep
            idle.close();
            assertFalse(idle.isActive());
            assertTrue(other.isActive());
            consumers.close();
            assertFalse(other.isActive());
            assertFalse(called.get());
            assertThrows(IllegalStateException.class,
                () -> consumers.consumer("late", topic.subscriber(), sample -> { }));
            assertEquals(List.of(), reported);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldLetAHandlerCloseItsOwnRegistration(Transport transport) throws Exception {
        try (Topic topic = transport.open(root); SensorConsumers consumers = consumers()) {
            CountDownLatch handled = new CountDownLatch(1);
            Registration[] self = new Registration[1];
            CountDownLatch registered = new CountDownLatch(1);
            self[0] = consumers.consumer("once", topic.subscriber(), sample -> {
                registered.await();
                self[0].close();
                handled.countDown();
            });
            registered.countDown();
            SensorMultiplexerTest.publish(topic.publisher(), 64, 0);
            handled.await();
            awaitTrue(() -> !self[0].isActive(), "the consumer stopped");
            assertEquals(List.of(), reported);
        }
    }

    /** A handler that keeps its samples does not keep them held: the runner closes each after the handler. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void shouldCloseEverySampleAfterItsHandler(Transport transport) throws Exception {
        try (Topic topic = transport.open(root); SensorConsumers consumers = consumers()) {
            List<Sample<MemorySegment>> seen = Collections.synchronizedList(new ArrayList<>());
            Registration registration = consumers.consumer("keeper", topic.subscriber(), seen::add);
            for (long value = 0; value < 40; value++) { // more than any subscriber may hold at once
                SensorMultiplexerTest.publish(topic.publisher(), 64, value);
                long expected = value + 1;
                awaitTrue(() -> registration.handledCount() == expected, "sample " + value + " was handled");
            }
            assertEquals(40, seen.size());
            assertEquals(List.of(), reported);
        }
    }
}

package io.sluice.it;

import io.sluice.Await;
import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import io.sluice.exec.Executor;
import io.sluice.exec.ExecutorOptions;
import io.sluice.exec.GuardCondition;
import io.sluice.exec.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The event loop sleeps on one doorbell per domain that the publishers of all its topics ring: samples from
 * another process wake it; its bell file exists while it runs and goes with it, also when it is killed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DoorbellTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    /** The event loop under test, named so that its thread can be told apart from other threads. */
    private static final ExecutorOptions LOOP = ExecutorOptions.defaults().withName("bells");
    private static final String LOOP_THREAD = "sluice-bells";
    private final TestRoot root = new TestRoot();

    @AfterEach
    void cleanUp() {
        root.close();
    }

    private List<String> bellFiles() throws IOException {
        List<String> bells = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root.path())) {
            for (Path dir : dirs.toList()) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".bell"))
                        .forEach(bells::add);
                }
            }
        }
        return bells;
    }

    /** How often this process's first bell was rung: its SEQUENCE word (bell 0 of the file, after the header line). */
    private int rings() throws IOException {
        Path dir;
        try (Stream<Path> dirs = Files.list(root.path())) {
            dir = dirs.findFirst().orElseThrow();
        }
        Path bells = dir.resolve("bells-" + ProcessHandle.current().pid() + ".bell");
        if (!Files.exists(bells)) {
            return 0; // the loop has not made its bell yet
        }
        byte[] file = Files.readAllBytes(bells);
        if (file.length < 68) {
            return 0; // being made
        }
        return java.nio.ByteBuffer.wrap(file, 64, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Test
    void shouldWakeAnEventLoopOnManyTopicsFromAnotherProcessThroughItsDoorbell() throws Exception {
        int topics = 40;
        try (Sluice sluice = Sluice.open("bells", root.options());
             ChildJvm.Group children = new ChildJvm.Group()) {
            List<Subscriber<MemorySegment>> subscribers = new ArrayList<>();
            for (int i = 0; i < topics; i++) {
                subscribers.add(sluice.subscriber("/t" + i, ParticipantChild.TYPE, Qos.queue(64)));
            }
            CountDownLatch received = new CountDownLatch(50);
            try (Executor executor = Executor.eventLoop(LOOP)) {
                for (Subscriber<MemorySegment> subscriber : subscribers) {
                    executor.subscription(subscriber, sample -> received.countDown());
                }
                executor.start();
                ChildJvm child = children.start("publisher", ParticipantChild.class, root.path().toString());
                child.request("PUB /t" + (topics - 1) + " 64 64 1000 0", "PUB-READY", CHILD_TIMEOUT);
                for (int i = 0; i < 50; i++) {
                    long before = received.getCount();
                    Await.allAsleepInKernel(LOOP_THREAD); // each sample must wake a sleeping loop
                    child.request("PUBLISH 1 64", "PUBLISHED", CHILD_TIMEOUT);
                    Await.until("sample " + i + " woke the loop", () -> received.getCount() < before);
                }
                assertEquals(List.of("bells-" + ProcessHandle.current().pid() + ".bell"), bellFiles());
                assertTrue(rings() >= 50, "the child rang the loop's bell for each sample: rings=" + rings());
            }
            assertEquals(List.of(), bellFiles(), "the bell file goes with the last executor that rang it");
            for (Subscriber<MemorySegment> subscriber : subscribers) {
                subscriber.close();
            }
        }
    }

    @Test
    void shouldWakeAnEventLoopFromAPublisherInTheSameProcess() throws Exception {
        try (Sluice sluice = Sluice.open("bells", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/same", ParticipantChild.TYPE);
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/same", ParticipantChild.TYPE, Qos.queue(8));
             Executor executor = Executor.eventLoop(LOOP)) {
            CountDownLatch received = new CountDownLatch(201);
            executor.subscription(subscriber, sample -> received.countDown());
            executor.start();
            try (Loan<MemorySegment> loan = publisher.loan(8)) {
                loan.publish(); // handled only after the loop named its bell in the subscriber's row
            }
            Await.until("the first sample was handled", () -> received.getCount() == 200);
            int ringsBefore = rings();
            for (int i = 0; i < 200; i++) {
                long before = received.getCount();
                Await.allAsleepInKernel(LOOP_THREAD); // each sample must wake a sleeping loop
                try (Loan<MemorySegment> loan = publisher.loan(8)) {
                    loan.publish();
                }
                Await.until("sample " + i + " woke the loop", () -> received.getCount() < before);
                assertEquals(before - 1, received.getCount(), "sample " + i + " was handled once");
            }
            assertEquals(200, rings() - ringsBefore, "each publish rang the loop's bell once");
        }
    }

    /** Publishes one sample and waits until the loop handled it; returns how often the bell rang meanwhile. */
    private int ringsForOneSample(Publisher<MemorySegment> publisher, AtomicLong received) throws Exception {
        long before = received.get();
        int rings = rings();
        try (Loan<MemorySegment> loan = publisher.loan(8)) {
            loan.publish();
        }
        Await.until("the sample was handled", () -> received.get() > before);
        return rings() - rings;
    }

    @Test
    void shouldKeepRingingForARegistrationOfASubscriberWhenAnotherOfItIsClosedOrReplaced() throws Exception {
        try (Sluice sluice = Sluice.open("bells", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/dup", ParticipantChild.TYPE);
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/dup", ParticipantChild.TYPE, Qos.queue(8));
             Executor executor = Executor.eventLoop(LOOP)) {
            AtomicLong received = new AtomicLong();
            Registration first = executor.subscription(subscriber, sample -> received.incrementAndGet());
            Registration second = executor.subscription(subscriber, sample -> { });
            executor.start();
            ringsForOneSample(publisher, received); // the loop has named its bell
            second.close();
            awaitRegistrationsTakenIn(executor);
            assertEquals(1, ringsForOneSample(publisher, received), "still rung for the remaining registration");
            first.close();
            executor.subscription(subscriber, sample -> received.incrementAndGet()); // replaced, in one go
            awaitRegistrationsTakenIn(executor);
            assertEquals(1, ringsForOneSample(publisher, received), "still rung for the replacement");
        }
    }

    /**
     * Waits until the loop has taken in every registration change made so far: a guard registered and triggered now
     * runs in a duty cycle that first rebuilt the loop's views from the registrations (see EventLoop.dutyCycle).
     */
    private static void awaitRegistrationsTakenIn(Executor executor) throws InterruptedException {
        CountDownLatch synced = new CountDownLatch(1);
        GuardCondition sync = executor.guardCondition("sync", synced::countDown);
        sync.trigger();
        assertTrue(synced.await(Await.HANG.toSeconds(), TimeUnit.SECONDS), "the loop ran the sync guard");
        sync.close();
    }

    @Test
    void shouldSweepTheDoorbellsOfAKilledProcess() throws Exception {
        try (ChildJvm.Group children = new ChildJvm.Group()) {
            ChildJvm child = children.start("bell-child", BellChild.class, root.path().toString(), "/killed");
            child.expect("READY", CHILD_TIMEOUT);
            assertEquals(1, bellFiles().size(), "the child's bell file");
            child.kill();
            try (Sluice sluice = Sluice.open("sweeper", root.options())) {
                assertEquals(List.of(), bellFiles(), "swept when the domain is opened");
            }
        }
    }
}

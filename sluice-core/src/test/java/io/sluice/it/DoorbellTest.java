package io.sluice.it;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import io.sluice.exec.Executor;
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
            try (Executor executor = Executor.eventLoop()) {
                for (Subscriber<MemorySegment> subscriber : subscribers) {
                    executor.subscription(subscriber, sample -> received.countDown());
                }
                executor.start();
                ChildJvm child = children.start("publisher", ParticipantChild.class, root.path().toString());
                child.request("PUB /t" + (topics - 1) + " 64 64 1000 0", "PUB-READY", CHILD_TIMEOUT);
                for (int i = 0; i < 50; i++) {
                    child.request("PUBLISH 1 64", "PUBLISHED", CHILD_TIMEOUT); // one at a time: the loop sleeps between
                }
                assertTrue(received.await(30, TimeUnit.SECONDS), "received " + (50 - received.getCount()) + " of 50");
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
             Executor executor = Executor.eventLoop()) {
            CountDownLatch received = new CountDownLatch(201);
            executor.subscription(subscriber, sample -> received.countDown());
            executor.start();
            try (Loan<MemorySegment> loan = publisher.loan(8)) {
                loan.publish(); // handled only after the loop named its bell in the subscriber's row
            }
            long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.getCount() == 201 && System.nanoTime() < ready) {
                Thread.sleep(1);
            }
            int ringsBefore = rings();
            for (int i = 0; i < 200; i++) {
                long before = received.getCount();
                try (Loan<MemorySegment> loan = publisher.loan(8)) {
                    loan.publish();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (received.getCount() == before && System.nanoTime() < deadline) {
                    Thread.sleep(0, 200_000); // let the loop fall asleep again before the next one
                }
                assertEquals(before - 1, received.getCount(), "sample " + i + " did not wake the loop");
            }
            assertEquals(200, rings() - ringsBefore, "each publish rang the loop's bell once");
        }
    }

    /** Publishes one sample and waits until the loop handled it; returns how often the bell rang meanwhile. */
    private int ringsForOneSample(Publisher<MemorySegment> publisher, java.util.concurrent.atomic.AtomicLong received)
        throws Exception {
        long before = received.get();
        int rings = rings();
        try (Loan<MemorySegment> loan = publisher.loan(8)) {
            loan.publish();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.get() == before && System.nanoTime() < deadline) {
            Thread.sleep(0, 200_000);
        }
        assertTrue(received.get() > before, "the sample was handled");
        return rings() - rings;
    }

    @Test
    void shouldKeepRingingForARegistrationOfASubscriberWhenAnotherOfItIsClosedOrReplaced() throws Exception {
        try (Sluice sluice = Sluice.open("bells", root.options());
             Publisher<MemorySegment> publisher = sluice.publisher("/dup", ParticipantChild.TYPE);
             Subscriber<MemorySegment> subscriber = sluice.subscriber("/dup", ParticipantChild.TYPE, Qos.queue(8));
             Executor executor = Executor.eventLoop()) {
            java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
            io.sluice.exec.Registration first = executor.subscription(subscriber, sample -> received.incrementAndGet());
            io.sluice.exec.Registration second = executor.subscription(subscriber, sample -> { });
            executor.start();
            ringsForOneSample(publisher, received); // the loop has named its bell
            second.close();
            executor.guardCondition("sync", () -> { }).trigger(); // the loop takes the removal in
            Thread.sleep(50);
            assertEquals(1, ringsForOneSample(publisher, received), "still rung for the remaining registration");
            first.close();
            executor.subscription(subscriber, sample -> received.incrementAndGet()); // replaced, in one go
            Thread.sleep(50);
            assertEquals(1, ringsForOneSample(publisher, received), "still rung for the replacement");
        }
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

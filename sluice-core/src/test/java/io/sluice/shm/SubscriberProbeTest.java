package io.sluice.shm;

import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.TestRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber's liveness probe of its publishers: a publisher whose TAIL moved since the last probe was alive and
 * is not asked (a lock probe is a system call, and it used to sit between a wake-up and the take of what woke the
 * subscriber); one whose TAIL stands still is asked.
 */
@Timeout(60)
class SubscriberProbeTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;

    private final TestRoot root = new TestRoot();

    @AfterEach
    void cleanUp() {
        try {
            assertEquals(List.of(), root.domainFiles(), "every participant closed: nothing of theirs is left");
        } finally {
            root.close();
        }
    }

    @Test
    void shouldNotAskTheLockOfAPublisherThatKeepsPublishingButAskItOnceItStops() throws Exception {
        try (Sluice camera = Sluice.open("camera", root.options());
             Sluice viewer = Sluice.open("viewer", root.options())) {
            Publisher<MemorySegment> publisher = camera.publisher("/stream", TYPE);
            ShmSubscriber<MemorySegment> subscriber = (ShmSubscriber<MemorySegment>) viewer.subscriber("/stream", TYPE,
                Qos.queue(8));
            AtomicBoolean stop = new AtomicBoolean();
            Thread streaming = Thread.ofPlatform().name("streaming").start(() -> {
                for (long sequence = 0; !stop.get(); sequence++) {
                    try (Loan<MemorySegment> loan = publisher.loan(64)) {
                        loan.segment().fill((byte) sequence);
                        loan.publish();
                    }
                    LockSupport.parkNanos(2_000_000); // every 2 ms: many samples per 50 ms probe interval
                }
            });
            long taken = 0;
            try {
                long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
                while (System.nanoTime() - end < 0) {
                    try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(100))) {
                        if (sample != null) {
                            taken++;
                        }
                    }
                }
            } finally {
                stop.set(true);
                streaming.join();
            }
            long probes = subscriber.probes();
            long asked = subscriber.publisherLockProbes();
            assertTrue(taken > 100, "the subscriber took the stream: " + taken);
            assertTrue(probes >= 10, "it probed while it took and slept (every 50 ms): " + probes);
            // the first probe has nothing to compare with; a publisher stalled past an interval is asked again
            assertTrue(asked * 2 < probes, "a streaming publisher is not asked: " + asked + " of " + probes);

            while (subscriber.take() != null) {
                Thread.onSpinWait(); // drain what the stream left
            }
            try (Sample<MemorySegment> none = subscriber.take(Duration.ofMillis(300))) {
                assertNull(none, "the publisher stopped");
            }
            assertTrue(subscriber.publisherLockProbes() > asked, "a publisher whose TAIL stands still is asked: "
                + subscriber.publisherLockProbes() + " after " + asked);
            assertEquals(1, subscriber.publisherCount(), "and found alive");
        }
    }

    /**
     * A subscriber asleep between the frames of a 14 Hz camera (71 ms apart, more than the 50 ms probe interval)
     * used to wake once between every two frames only to probe; the evidence each frame brings lets it sleep until
     * the next one.
     */
    @Test
    void shouldSleepFromFrameToFrameOfASlowPublisherWithoutWakingToProbe() throws Exception {
        try (Sluice camera = Sluice.open("camera", root.options());
             Sluice viewer = Sluice.open("viewer", root.options())) {
            Publisher<MemorySegment> publisher = camera.publisher("/slow", TYPE);
            ShmSubscriber<MemorySegment> subscriber = (ShmSubscriber<MemorySegment>) viewer.subscriber("/slow", TYPE,
                Qos.queue(8));
            int frames = 15;
            Thread streaming = Thread.ofPlatform().name("camera").start(() -> {
                for (long sequence = 0; sequence < frames; sequence++) {
                    LockSupport.parkNanos(71_000_000);
                    try (Loan<MemorySegment> loan = publisher.loan(64)) {
                        loan.segment().fill((byte) sequence);
                        loan.publish();
                    }
                }
            });
            int taken = 0;
            try {
                while (taken < frames) {
                    try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(10))) {
                        assertTrue(sample != null, "frame " + taken + " came within 10 s");
                        taken++;
                    }
                }
            } finally {
                streaming.join();
            }
            // a frame late by more than 100 ms past the last one (a loaded machine) may cost a wake; 14 did before
            assertTrue(subscriber.emptyWakes() <= 3, "wakes with nothing to take between " + frames + " frames: "
                + subscriber.emptyWakes());
            assertTrue(subscriber.publisherLockProbes() <= subscriber.emptyWakes(), "each frame says its publisher "
                + "lives: a lock is asked only after such a wake, " + subscriber.publisherLockProbes() + " times");
        }
    }
}

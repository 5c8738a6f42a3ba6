package io.sluice.it;

import io.sluice.Await;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 3 for publishers: one killed with SIGKILL is noticed by the subscribers, its segment removed, and a
 * publisher restarted for the topic — with the same or a larger message size — reaches the same subscriber object.
 *
 * <p>The README's promise, "subscribers probe publisher liveness every 50 ms while they take or spin, and at least
 * every 200 ms while they sleep", is tested as stated: a subscriber that only takes, spins or sleeps — never calling
 * {@code publisherCount()}, which probes at once — removes the dead publisher's segment file while one wait of
 * {@link Await#HANG} (hundreds of probe intervals) is still under way. The other actors of these tests do not probe:
 * the killed child is the only other participant.
 */
class PublisherCrashTest extends MultiProcessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RECOVERY_TIMEOUT = Duration.ofSeconds(10);
    private static final long MB = 1024 * 1024;

    @Test
    @Timeout(90)
    void shouldReceiveFromRestartedPublisherAfterKill() {
        restartAfterKill(1 * MB, 1 * MB, Qos.queue(8));
    }

    @Test
    @Timeout(90)
    void shouldReceiveLargerMessagesFromPublisherRestartedAfterKill() {
        restartAfterKill(1 * MB, 8 * MB, Qos.queue(8));
    }

    @Test
    @Timeout(90)
    void shouldReceiveLargerMessagesFromPublisherRestartedAfterKillWithLatestQos() {
        restartAfterKill(1 * MB, 8 * MB, Qos.latest());
    }

    private void restartAfterKill(long firstSize, long secondSize, Qos qos) {
        sluice = Sluice.open("test", root.options());
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/camera/rgb", TYPE, qos);

        ChildJvm first = children.start("publisher-1", ParticipantChild.class, root.path().toString());
        first.request("PUB /camera/rgb 4 " + firstSize + " 1000 0", "PUB-READY", CHILD_TIMEOUT);
        assertEquals(1, subscriber.publisherCount());
        assertEquals("PUBLISHED 0 0", first.request("PUBLISH 1 " + firstSize, "PUBLISHED", CHILD_TIMEOUT));
        expectSample(subscriber, 0, firstSize);
        assertEquals(List.of("camera.rgb.1.seg", "camera.rgb.topic"), root.domainFiles());

        long killed = System.nanoTime(); // the SIGKILL is sent now; kill() returns once it is reaped
        first.kill();
        // as a consumer would: take with a timeout, again and again; the probes in take remove the dead segment
        Await.until("the taking subscriber noticed the death and removed the segment", () -> {
            try (Sample<MemorySegment> nothing = subscriber.take(Duration.ofMillis(100))) {
                assertNull(nothing, "nothing is left to take from the dead publisher");
            }
            return !root.domainFiles().contains("camera.rgb.1.seg");
        });
        System.out.printf("subscriber saw the publisher's death %.1f ms after the SIGKILL%n",
            (System.nanoTime() - killed) / 1e6);
        assertEquals(List.of("camera.rgb.topic"), root.domainFiles(), "the dead publisher's segment is removed");
        try (Sample<MemorySegment> nothing = subscriber.take(Duration.ofMillis(100))) {
            assertEquals(null, nothing, "nothing is left to take from the dead publisher");
        }

        ChildJvm second = children.start("publisher-2", ParticipantChild.class, root.path().toString());
        second.request("PUB /camera/rgb 4 " + secondSize + " 1000 0", "PUB-READY", CHILD_TIMEOUT);
        assertEquals("PUBLISHED 0 2", second.request("PUBLISH 3 " + secondSize, "PUBLISHED", CHILD_TIMEOUT));
        if (qos.kind() == Qos.Kind.LATEST) {
            expectSample(subscriber, 2, secondSize);
        } else {
            for (long sequence = 0; sequence < 3; sequence++) {
                expectSample(subscriber, sequence, secondSize);
            }
            assertEquals(0, subscriber.lostCount());
        }
        assertEquals(1, subscriber.publisherCount());
        assertEquals(List.of("camera.rgb.2.seg", "camera.rgb.topic"), root.domainFiles());

        assertEquals("BYE", second.request("EXIT", "BYE", CHILD_TIMEOUT));
        second.awaitExit(CHILD_TIMEOUT);
        sluice.close();
        sluice = null;
        assertEquals(List.of(), root.domainFiles(), "the last participant to leave removes the topic's files");
    }

    @ParameterizedTest
    @EnumSource(Waiting.class)
    @Timeout(120)
    void shouldNoticeADeadPublisherWithoutBeingAsked(Waiting waiting) throws Exception {
        sluice = Sluice.open("test", root.options());
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/camera/rgb", TYPE,
            Qos.queue(8).withWaitStrategy(waiting.strategy));
        ChildJvm child = children.start("publisher", ParticipantChild.class, root.path().toString());
        child.request("PUB /camera/rgb 4 4096 1000 0", "PUB-READY", CHILD_TIMEOUT);
        assertEquals("PUBLISHED 0 0", child.request("PUBLISH 1 4096", "PUBLISHED", CHILD_TIMEOUT));
        expectSample(subscriber, 0, 4096); // attached, by taking
        assertEquals(List.of("camera.rgb.1.seg", "camera.rgb.topic"), root.domainFiles());

        try (Waiting.Waiter waiter = waiting.start(subscriber)) {
            long killed = System.nanoTime(); // the SIGKILL is sent now; kill() returns once it is reaped
            child.kill();
            Await.until(() -> "the " + waiting + " subscriber removed the dead publisher's segment: "
                    + root.domainFiles(),
                () -> !root.domainFiles().contains("camera.rgb.1.seg") || waiter.firstTaken.isDone(), Await.HANG);
            long noticed = System.nanoTime();
            assertFalse(waiter.firstTaken.isDone(), () -> "the subscriber's wait ended before it noticed the death: "
                + waiter.outcome());
            assertEquals(List.of("camera.rgb.topic"), root.domainFiles(), "the dead publisher's row and segment are gone");
            System.out.printf("a %s subscriber removed the dead publisher's segment %.1f ms after the SIGKILL%n", waiting,
                (noticed - killed) / 1e6);

            // the waiting subscriber receives from the next publisher, without being restarted
            try (Publisher<MemorySegment> restarted = sluice.publisher("/camera/rgb", TYPE)) {
                SubscriberCrashTest.publish(restarted, 0, 64);
                assertEquals(0L, waiter.firstTaken.get(Await.HANG.toSeconds(), TimeUnit.SECONDS));
                waiter.thread.join(Await.HANG.toMillis());
            }
        }
    }

    @Test
    @Timeout(90)
    void shouldRemoveEverySegmentFileOfPublisherKilledAfterGrowing() {
        Subscriber<MemorySegment> lagging = killPublisherAfterGrowing();
        assertEquals(List.of("grown.topic"), root.domainFiles(),
            "every segment file of the dead publisher is removed, not only its current generation");
        assertEquals(0, lagging.publisherCount());
    }

    @Test
    @Timeout(90)
    void shouldDeliverOrCountEverySampleOfPublisherKilledAfterGrowing() {
        Subscriber<MemorySegment> lagging = killPublisherAfterGrowing();
        // what the dead publisher published is either delivered or counted lost, never dropped silently
        List<Long> taken = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() - deadline < 0) {
            try (Sample<MemorySegment> sample = lagging.take(Duration.ofMillis(100))) {
                if (sample != null) {
                    assertTrue(Payload.verify(sample.segment(), sample.sequence()));
                    taken.add(sample.sequence());
                }
            }
        }
        System.out.println("after the kill: taken=" + taken + " lostCount=" + lagging.lostCount());
        assertEquals(4, taken.size() + lagging.lostCount(),
            "samples 0..3 must be taken or counted lost: taken=" + taken + ", lostCount=" + lagging.lostCount());
    }

    @Test
    @Timeout(90)
    void shouldCountSamplesOfPublisherKilledBeforeTheSubscriberEverLooked() {
        sluice = Sluice.open("test", root.options());
        Subscriber<MemorySegment> early = sluice.subscriber("/unseen", TYPE, Qos.queue(16));
        ChildJvm publisher = children.start("publisher", ParticipantChild.class, root.path().toString());
        publisher.request("PUB /unseen 8 65536 1000 0", "PUB-READY", CHILD_TIMEOUT);
        assertEquals("PUBLISHED 0 2", publisher.request("PUBLISH 3 1000", "PUBLISHED", CHILD_TIMEOUT));
        publisher.kill();
        assertEquals(0, early.publisherCount(), "the death is seen and the files reclaimed");
        try (Sample<MemorySegment> sample = early.take()) {
            assertNull(sample, "nothing of the dead publisher can be read any more");
        }
        assertEquals(3, early.lostCount(), "what it published before the subscriber attached is counted lost");
        assertEquals(List.of("unseen.topic"), root.domainFiles());
    }

    /**
     * A publisher child publishes 2 small samples, grows with 2 larger ones while a queue subscriber here takes
     * nothing, and is killed; returns once the subscriber has seen the death.
     */
    private Subscriber<MemorySegment> killPublisherAfterGrowing() {
        sluice = Sluice.open("test", root.options());
        Subscriber<MemorySegment> lagging = sluice.subscriber("/grown", TYPE, Qos.queue(16));
        ChildJvm publisher = children.start("publisher", ParticipantChild.class, root.path().toString());
        publisher.request("PUB /grown 4 65536 1000 0", "PUB-READY", CHILD_TIMEOUT);
        assertEquals(1, lagging.publisherCount());
        assertEquals("PUBLISHED 0 1", publisher.request("PUBLISH 2 1000", "PUBLISHED", CHILD_TIMEOUT));
        assertEquals("PUBLISHED 2 3", publisher.request("PUBLISH 2 200000", "PUBLISHED", CHILD_TIMEOUT));
        System.out.println("before the kill: " + root.domainFiles());
        assertTrue(root.domainFiles().contains("grown.2.seg"), "the publisher grew: " + root.domainFiles());

        long killed = System.nanoTime(); // the SIGKILL is sent now; kill() returns once it is reaped
        publisher.kill();
        while (lagging.publisherCount() != 0) {
            assertTrue(System.nanoTime() - killed < RECOVERY_TIMEOUT.toNanos(), "the publisher's death went unseen");
            SubscriberCrashTest.sleep(10);
        }
        System.out.println("after the death was seen: " + root.domainFiles());
        return lagging;
    }

    private static void expectSample(Subscriber<MemorySegment> subscriber, long sequence, long size) {
        try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(10))) {
            assertNotNull(sample, "sample " + sequence + " did not arrive");
            assertEquals(sequence, sample.sequence());
            assertEquals(size, sample.segment().byteSize());
            assertTrue(Payload.verify(sample.segment(), sequence), "sample " + sequence + " is torn");
        }
    }
}

package io.sluice.shm;

import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import io.sluice.it.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a subscriber's samples say and keep: the publisher each came from, and the mapping of a generation the
 * subscriber has moved past, unmapped once no open sample is on it (and not before).
 */
@Timeout(60)
class HeldSamplesTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;

    private final Participants participants = new Participants();
    private final TestRoot root = participants.root;

    @AfterEach
    void cleanUp() throws Exception {
        participants.close();
    }

    private static void publish(Publisher<MemorySegment> publisher, long sequence, long size) {
        Participants.publish(publisher, sequence, size);
    }

    @Test
    void shouldSayWhichPublisherSentEachSample() {
        Subscriber<MemorySegment> subscriber = participants.open("viewer").subscriber("/two", TYPE, Qos.queue(16));
        Publisher<MemorySegment> left = participants.open("left").publisher("/two", TYPE);
        Publisher<MemorySegment> right = participants.open("right").publisher("/two", TYPE);
        for (long sequence = 0; sequence < 3; sequence++) {
            publish(left, sequence, 100);   // the size tells the test who sent it
            publish(right, sequence, 200);
        }
        Set<Integer> fromLeft = new HashSet<>();
        Set<Integer> fromRight = new HashSet<>();
        for (int taken = 0; taken < 6; taken++) {
            try (Sample<MemorySegment> sample = subscriber.take()) {
                assertTrue(sample != null, "sample " + taken + " is there");
                (sample.segment().byteSize() == 100 ? fromLeft : fromRight).add(sample.publisherIndex());
            }
        }
        assertEquals(1, fromLeft.size(), "one index for every sample of one publisher: " + fromLeft);
        assertEquals(1, fromRight.size(), "one index for every sample of the other: " + fromRight);
        assertNotEquals(fromLeft, fromRight, "two publishers, two indices");
        for (int index : List.of(fromLeft.iterator().next(), fromRight.iterator().next())) {
            assertTrue(index >= 0 && index < TopicLayout.MAX_PUBLISHERS, "index " + index);
        }
    }

    @Test
    void shouldUnmapAnOldGenerationWhenTheLastSampleOnItCloses() throws IOException {
        Cloud cloud = cloud();
        Subscriber<MemorySegment> subscriber = cloud.subscriber();
        Publisher<MemorySegment> publisher = cloud.publisher();
        publish(publisher, 0, 1024);
        publish(publisher, 1, 1024);
        Sample<MemorySegment> old = subscriber.take();
        publish(publisher, 2, 1024 * 1024); // generation 2
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(1, sample.sequence());
        }
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(2, sample.sequence(), "the subscriber moved to generation 2 and retired generation 1");
        }
        assertTrue(mappings("cloud.1.seg") > 0, "the open sample keeps generation 1 mapped");
        assertTrue(Payload.verify(old.segment(), 0), "and readable");
        old.close();
        assertEquals(0, mappings("cloud.1.seg"), "generation 1 unmapped with its last sample");
    }

    @Test
    void shouldUnmapAnOldGenerationAtOnceWhenNoSampleIsOnIt() throws IOException {
        Cloud cloud = cloud();
        Subscriber<MemorySegment> subscriber = cloud.subscriber();
        Publisher<MemorySegment> publisher = cloud.publisher();
        publish(publisher, 0, 1024);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(0, sample.sequence());
        }
        assertTrue(mappings("cloud.1.seg") > 0, "generation 1 is mapped while it is the newest");
        publish(publisher, 1, 1024 * 1024);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(1, sample.sequence());
        }
        assertEquals(0, mappings("cloud.1.seg"), "generation 1 unmapped when the subscriber left it");
    }

    /**
     * A latest subscriber of two publishers: each take hands the newest sample, by publish time, that it has not
     * seen, over both; a publisher's older unseen sample comes after the other's newer one, then nothing.
     */
    @Test
    void shouldHandTheNewestUnseenSampleOverAllPublishersToALatestSubscriber() {
        Subscriber<MemorySegment> latest = participants.open("viewer").subscriber("/two", TYPE, Qos.latest());
        Publisher<MemorySegment> left = participants.open("left").publisher("/two", TYPE);
        Publisher<MemorySegment> right = participants.open("right").publisher("/two", TYPE);
        publish(left, 0, 100);
        publish(left, 1, 100);
        publish(right, 0, 200); // the newest of all
        List<String> taken = new java.util.ArrayList<>();
        for (Sample<MemorySegment> sample = latest.take(); sample != null; sample = latest.take()) {
            taken.add((sample.segment().byteSize() == 100 ? "left " : "right ") + sample.sequence());
            sample.close();
        }
        assertEquals(List.of("right 0", "left 1"), taken, "newest first; left's 0 is older than its 1: skipped");
        publish(left, 2, 100);
        try (Sample<MemorySegment> newest = latest.latest()) {
            assertEquals(100, newest.segment().byteSize());
            assertEquals(2, newest.sequence(), "latest() looks at both publishers too");
        }
        assertEquals(0, latest.lostCount(), "skipping is what latest does");
    }

    /**
     * A publisher stuck in the claim of the slot a subscriber wants (stopped, preempted, or dead there) leaves it
     * CLAIMING: the take gives up without skipping the sample or counting it, since it may yet be kept for the
     * subscriber; once the publisher took the slot, the next take counts the sample lost and goes on.
     */
    @Test
    void shouldNeitherSkipNorCountASampleWhoseSlotItsPublisherIsClaiming() throws Exception {
        Subscriber<MemorySegment> subscriber = participants.open("viewer").subscriber("/claim", TYPE, Qos.queue(8));
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/claim", TYPE,
            PublisherOptions.defaults().withSlots(2));
        publish(publisher, 0, 64);
        publish(publisher, 1, 64);
        List<String> inClaim = new java.util.ArrayList<>();
        Runnable takeDuringTheClaim = () -> {
            if (inClaim.isEmpty()) {
                try (Sample<MemorySegment> sample = subscriber.take()) {
                    inClaim.add(sample == null ? "nothing, lost " + subscriber.lostCount()
                        : "sample " + sample.sequence());
                }
            }
        };
        try (AutoCloseable hook = FaultPoint.PUBLISHER_CLAIMING.install(takeDuringTheClaim)) {
            publish(publisher, 2, 64); // reuses the slot of sample 0, which nobody pins
        }
        assertEquals(List.of("nothing, lost 0"), inClaim, "the take met sample 0's slot CLAIMING");
        assertEquals(List.of(1L, 2L), Participants.drain(subscriber), "then sample 0 was gone");
        assertEquals(1, subscriber.lostCount(), "and counted");
    }

    /** A queue subscriber of /cloud and, in the same participant, a publisher whose slots start at 1 KiB. */
    private record Cloud(Subscriber<MemorySegment> subscriber, Publisher<MemorySegment> publisher) {
    }

    private Cloud cloud() {
        Sluice node = participants.open("node");
        Subscriber<MemorySegment> subscriber = node.subscriber("/cloud", TYPE, Qos.queue(8));
        return new Cloud(subscriber, node.publisher("/cloud", TYPE, PublisherOptions.defaults().withInitialSize(1024)));
    }

    private long mappings(String name) throws IOException {
        return participants.mappings(name);
    }
}

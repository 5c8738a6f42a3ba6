package io.sluice.shm;

import io.sluice.Await;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Subscriber;
import io.sluice.it.Payload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static io.sluice.shm.Participants.drain;
import static io.sluice.shm.Participants.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber moving between a publisher's generations: when the publisher may remove an old generation's file (once
 * every in-order subscriber has switched past it), and what {@code latest()} of an in-order subscriber maps aside
 * while the subscriber still drains an older generation (kept while it is the newest, released when a newer one or
 * the subscriber's own switch makes it useless).
 */
@Timeout(60)
class GenerationSwitchTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;

    private final Participants participants = new Participants();

    @AfterEach
    void cleanUp() throws Exception {
        participants.close();
    }


    private Publisher<MemorySegment> publisher(String topic) {
        return participants.open("camera").publisher(topic, TYPE,
            PublisherOptions.defaults().withSlots(4).withInitialSize(1024));
    }

    @ParameterizedTest
    @ValueSource(strings = {"queue", "reliable"})
    void shouldRemoveAnOldGenerationOnlyOnceEveryInOrderSubscriberSwitchedPastIt(String qos) {
        Subscriber<MemorySegment> inOrder = participants.open("viewer").subscriber("/depth", TYPE,
            qos.equals("queue") ? Qos.queue(16) : Qos.reliable(16));
        Subscriber<MemorySegment> latest = participants.open("glance").subscriber("/depth", TYPE, Qos.latest());
        Publisher<MemorySegment> publisher = publisher("/depth");
        publish(publisher, 0, 1000);
        assertEquals(List.of(0L), drain(inOrder));
        publish(publisher, 1, 64 * 1024); // generation 2
        try (Sample<MemorySegment> newest = latest.take()) {
            assertEquals(1, newest.sequence(), "the latest subscriber is in generation 2 already");
        }
        // the in-order subscriber has read generation 1 to its end but not switched: the file stays, through many
        // of the publisher's upkeeps (every 20 ms at most), so that a close or death can still seal it
        for (long sequence = 2; sequence < 5; sequence++) { // no more than the slots: a reliable one takes nothing
            LockSupport.parkNanos(30_000_000);
            publish(publisher, sequence, 64 * 1024);
            assertTrue(participants.files().contains("depth.1.seg"), "generation 1 is kept for the subscriber still in it");
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), drain(inOrder), "the subscriber switched to generation 2");
        long[] next = {1_000};
        Await.until("generation 1 is removed once its last in-order subscriber switched past it: " + participants.files(), () -> {
            publish(publisher, next[0]++, 64 * 1024);
            return !participants.files().contains("depth.1.seg");
        });
        assertEquals(List.of("depth.2.seg", "depth.topic"), participants.files());
    }

    @Test
    void shouldGiveTheNewestSampleToLatestOnAQueueSubscriberWithoutMovingIt() {
        Subscriber<MemorySegment> queue = participants.open("viewer").subscriber("/rgb", TYPE, Qos.queue(16));
        Publisher<MemorySegment> publisher = publisher("/rgb");
        for (long sequence = 0; sequence < 3; sequence++) {
            publish(publisher, sequence, 100);
        }
        for (int look = 0; look < 2; look++) {
            try (Sample<MemorySegment> newest = queue.latest()) {
                assertNotNull(newest);
                assertEquals(2, newest.sequence(), "the newest, seen or not (look " + look + ")");
                assertTrue(Payload.verify(newest.segment(), 2));
            }
        }
        assertEquals(List.of(0L, 1L, 2L), drain(queue), "latest() did not move the queue's place");
    }

    @Test
    void shouldKeepTheNewestGenerationMappedAsideOnlyWhileItHelps() throws IOException {
        Subscriber<MemorySegment> queue = participants.open("viewer").subscriber("/cloud", TYPE, Qos.queue(16));
        Publisher<MemorySegment> publisher = publisher("/cloud");
        publish(publisher, 0, 1000);
        publish(publisher, 1, 64 * 1024); // generation 2
        publish(publisher, 2, 64 * 1024);
        for (int look = 0; look < 2; look++) {
            try (Sample<MemorySegment> newest = queue.latest()) {
                assertEquals(2, newest.sequence(), "generation 2, mapped aside (look " + look + ")");
                assertTrue(Payload.verify(newest.segment(), 2));
            }
            assertEquals(1, mappings("cloud.2.seg"), "mapped aside once, however often latest() looks");
        }
        publish(publisher, 3, 1024 * 1024); // generation 3
        try (Sample<MemorySegment> newest = queue.latest()) {
            assertEquals(3, newest.sequence());
            assertTrue(Payload.verify(newest.segment(), 3));
        }
        assertEquals(0, mappings("cloud.2.seg"), "a newer generation replaced the one mapped aside: unmapped");
        assertEquals(1, mappings("cloud.3.seg"), "the newer one is mapped aside");
        assertEquals(List.of(0L, 1L, 2L, 3L), drain(queue), "the queue's place did not move");
        assertEquals(0, mappings("cloud.1.seg"));
        assertEquals(0, mappings("cloud.2.seg"));
        assertEquals(1, mappings("cloud.3.seg"), "the generation mapped aside became the subscriber's own");
        assertEquals(0, queue.lostCount());
    }

    /**
     * This process's mappings of {@code name}: the subscriber's (a publisher maps its segments before naming them,
     * so /proc/self/maps shows its mappings under another name).
     */
    private long mappings(String name) throws IOException {
        return participants.mappings(name);
    }

}

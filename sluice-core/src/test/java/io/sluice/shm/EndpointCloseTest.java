package io.sluice.shm;

import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TopicStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.sluice.shm.Participants.drain;
import static io.sluice.shm.Participants.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a publisher's or subscriber's close leaves while the others of the topic stay: its row free at once (a look
 * shows it gone, without anybody probing), its files removed, every mapping and descriptor of its own released.
 */
@Timeout(60)
class EndpointCloseTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;

    private final Participants participants = new Participants();

    @AfterEach
    void cleanUp() throws Exception {
        participants.close();
    }

    @Test
    void shouldFreeTheRowAndReleaseEverythingOfAClosedPublisherWhileItsSubscriberStays() throws Exception {
        Sluice viewer = participants.open("viewer");
        Subscriber<MemorySegment> subscriber = viewer.subscriber("/depth", TYPE, Qos.queue(16));
        Sluice camera = participants.open("camera");
        long before = participants.root.heldUnderRoot();
        Publisher<MemorySegment> publisher = camera.publisher("/depth", TYPE,
            PublisherOptions.defaults().withInitialSize(1024));
        publish(publisher, 0, 1000);
        assertEquals(List.of(0L), drain(subscriber), "attached, in generation 1");
        publish(publisher, 1, 64 * 1024); // generation 2: generation 1 is kept for the subscriber still in it
        assertTrue(participants.root.heldUnderRoot() > before, "the publisher maps and opens files");
        assertEquals(List.of("depth.1.seg", "depth.2.seg", "depth.topic"), participants.files());

        publisher.close();
        assertEquals(List.of("depth.topic"), participants.files(), "every generation's file removed by the close");
        TopicStatus status = camera.topicStatus("/depth").orElseThrow();
        assertEquals(List.of(), status.publishers(), "its row is free: a look, which reclaims nothing, sees none");
        assertEquals(1, status.subscribers().size());
        // generation 1 is still mapped and read to its end; generation 2, which it never mapped, is gone with the
        // publisher, and what it held is counted from the end sealed into generation 1
        assertEquals(List.of(), drain(subscriber));
        assertEquals(1, subscriber.lostCount(), "taken + lost = published");
        assertEquals(0, subscriber.publisherCount());
        assertEquals(before, participants.root.heldUnderRoot(), "no mapping or descriptor of the publisher's is left");

        Publisher<MemorySegment> next = camera.publisher("/depth", TYPE);
        publish(next, 0, 64);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(0, sample.publisherIndex(), "the freed row is taken by the next publisher");
        }
    }

    @Test
    void shouldFreeTheRowAndReleaseEverythingOfAClosedSubscriberWhileItsPublisherStays() throws Exception {
        Sluice camera = participants.open("camera");
        Publisher<MemorySegment> publisher = camera.publisher("/rgb", TYPE);
        Sluice viewer = participants.open("viewer");
        long before = participants.root.heldUnderRoot();
        Subscriber<MemorySegment> subscriber = viewer.subscriber("/rgb", TYPE, Qos.reliable(4));
        publish(publisher, 0, 64);
        Sample<MemorySegment> held = subscriber.take();
        assertTrue(participants.root.heldUnderRoot() > before, "the subscriber maps and opens files");

        subscriber.close();
        assertEquals(List.of(), camera.topicStatus("/rgb").orElseThrow().subscribers(), "its row is free at once");
        assertEquals(before, participants.root.heldUnderRoot(), "its mappings and descriptors are released");
        assertEquals(0, publisher.subscriberCount());
        for (long sequence = 1; sequence < 12; sequence++) {
            publish(publisher, sequence, 64); // its pin and reliable cursor went with its row: nothing holds these
        }
        assertEquals(List.of("rgb.1.seg", "rgb.topic"), participants.files());
        held.close(); // closing a sample after its subscriber is harmless
        Subscriber<MemorySegment> next = viewer.subscriber("/rgb", TYPE, Qos.queue(4));
        assertNull(next.take(), "a new subscriber starts from now");
    }
}

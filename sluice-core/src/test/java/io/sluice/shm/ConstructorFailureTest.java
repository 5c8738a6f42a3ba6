package io.sluice.shm;

import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.sluice.shm.Participants.drain;
import static io.sluice.shm.Participants.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A publisher or subscriber whose construction fails midway (here: an exception thrown at one of its fault points)
 * undoes what it did: its row is free, its files are gone, the registry lock is let go, nothing of it stays mapped
 * or open, and the topic works for the next one.
 */
@Timeout(60)
class ConstructorFailureTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;

    private final Participants participants = new Participants();

    @AfterEach
    void cleanUp() throws Exception {
        participants.close();
    }

    @ParameterizedTest
    @EnumSource(value = FaultPoint.class, names = {"PUBLISHER_ROW_ACTIVE", "PUBLISHER_CREATED_SEGMENT"})
    void shouldUndoAPublisherWhoseConstructionFails(FaultPoint point) throws Exception {
        Sluice viewer = participants.open("viewer");
        Subscriber<MemorySegment> subscriber = viewer.subscriber("/depth", TYPE, Qos.queue(8));
        Sluice camera = participants.open("camera");
        try (AutoCloseable hook = Participants.throwAt(point)) {
            assertThrows(Participants.Fault.class, () -> camera.publisher("/depth", TYPE));
        }
        assertEquals(List.of("depth.topic"), participants.files(), "no segment of it is left");
        assertEquals(List.of(), viewer.topicStatus("/depth").orElseThrow().publishers(), "its row is free");
        Publisher<MemorySegment> next = camera.publisher("/depth", TYPE); // the registry lock was let go
        publish(next, 0, 64);
        assertEquals(List.of(0L), drain(subscriber));
        assertEquals(0, subscriber.lostCount());
    }

    @Test
    void shouldRemoveTheTopicFileOfAPublisherWhoseConstructionFailsAlone() throws Exception {
        Sluice camera = participants.open("camera");
        try (AutoCloseable hook = Participants.throwAt(FaultPoint.PUBLISHER_CREATED_SEGMENT)) {
            assertThrows(Participants.Fault.class, () -> camera.publisher("/alone", TYPE));
        }
        assertEquals(List.of(), participants.files(), "nobody else uses the topic: nothing is left of it");
    }

    @Test
    void shouldUndoASubscriberWhoseAttachFailsWithAnError() throws Exception {
        Sluice camera = participants.open("camera");
        Publisher<MemorySegment> publisher = camera.publisher("/rgb", TYPE);
        Sluice viewer = participants.open("viewer");
        try (AutoCloseable hook = FaultPoint.SUBSCRIBER_ATTACH_CURSOR_STORED.install(() -> {
            throw new InternalError("a fault in the mapping, as a SIGBUS would be");
        })) {
            assertThrows(InternalError.class, () -> viewer.subscriber("/rgb", TYPE, Qos.reliable(4)));
        }
        assertEquals(List.of(), camera.topicStatus("/rgb").orElseThrow().subscribers(), "its row is free");
        assertEquals(0, publisher.subscriberCount());
        for (long sequence = 0; sequence < 10; sequence++) {
            publish(publisher, sequence, 64); // no reliable cursor of it holds the publisher back
        }
        Subscriber<MemorySegment> next = viewer.subscriber("/rgb", TYPE, Qos.queue(4));
        publish(publisher, 10, 64);
        try (Sample<MemorySegment> sample = next.take()) {
            assertEquals(10, sample.sequence(), "the registry lock was let go: the next subscriber joins");
        }
    }

    /**
     * A subscriber's attach to a publisher that was there first fails after it stored its cursor (here at a fault
     * point; a fault in the mapping would do the same): the cursor entry goes with the failed attach, so that the
     * publisher is not held back by a reliable subscriber that is not attached, and the next take attaches.
     */
    @Test
    void shouldNotLeaveACursorBehindWhenAnAttachFails() throws Exception {
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/rgb", TYPE,
            io.sluice.PublisherOptions.defaults().withSlots(4).withReliableTimeout(java.time.Duration.ofSeconds(30)));
        Subscriber<MemorySegment> reliable;
        try (AutoCloseable hook = Participants.throwAt(FaultPoint.SUBSCRIBER_ATTACH_CURSOR_STORED)) {
            reliable = participants.open("viewer").subscriber("/rgb", TYPE, Qos.reliable(4));
        }
        for (long sequence = 0; sequence < 12; sequence++) {
            publish(publisher, sequence, 64); // three times the slots: a stale cursor would block the fourth
        }
        assertEquals(List.of(), drain(reliable), "the take attaches now; what came before is not owed");
        publish(publisher, 12, 64);
        assertEquals(List.of(12L), drain(reliable));
        assertEquals(0, reliable.lostCount());
    }
}

package io.sluice.shm;

import io.sluice.Await;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import static io.sluice.shm.Participants.drain;
import static io.sluice.shm.Participants.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber that dies, inside this JVM ({@link Participants#crash}: its row lock drops as a killed process's
 * would; its row, cursors, bits and pins stay): the publisher it cost something finds it without anybody else
 * looking, and takes back what it held. The multi-process {@code it/SubscriberCrashTest} kills real processes; these
 * run in one JVM, so that a mutation test reaches the publisher's side of a death.
 */
@Timeout(60)
class SubscriberDeathTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;

    private final Participants participants = new Participants();

    @AfterEach
    void cleanUp() throws Exception {
        participants.close();
    }


    private int subscriberRows(Sluice look, String topic) {
        return look.topicStatus(topic).orElseThrow().subscribers().size();
    }

    @Test
    void shouldReclaimADeadReliableSubscriberThatHoldsThePublisherBack() {
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/depth", TYPE,
            PublisherOptions.defaults().withSlots(4).withReliableTimeout(Duration.ofSeconds(30)));
        Subscriber<MemorySegment> reliable = participants.open("logger").subscriber("/depth", TYPE, Qos.reliable(4));
        Subscriber<MemorySegment> queue = participants.open("viewer").subscriber("/depth", TYPE, Qos.queue(16));
        publish(publisher, 0, 64);
        reliable.take().close(); // attached; its cursor now holds the publisher back
        Participants.crash(reliable);
        List<Long> taken = new ArrayList<>();
        for (long sequence = 1; sequence < 12; sequence++) { // three times the slots: it would block on a live one
            publish(publisher, sequence, 64);
            taken.addAll(drain(queue));
        }
        assertEquals(12, taken.size(), "the live subscriber got everything: " + taken);
        assertEquals(0, queue.lostCount());
        assertEquals(1, publisher.subscriberCount(), "the dead reliable subscriber's row is reclaimed");
    }

    @Test
    void shouldTakeBackTheSlotsADeadSubscriberHeld() {
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/cloud", TYPE,
            PublisherOptions.defaults().withSlots(4));
        Subscriber<MemorySegment> holding = participants.open("holder").subscriber("/cloud", TYPE, Qos.queue(8));
        Subscriber<MemorySegment> queue = participants.open("viewer").subscriber("/cloud", TYPE, Qos.queue(16));
        for (long sequence = 0; sequence < 3; sequence++) {
            publish(publisher, sequence, 4096);
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(holding.take() != null, "held, never closed"); // 3 of the 4 slots pinned
        }
        Participants.crash(holding);
        List<Long> taken = new ArrayList<>(drain(queue));
        for (long sequence = 3; sequence < 12; sequence++) {
            publish(publisher, sequence, 4096);
            taken.addAll(drain(queue));
        }
        assertEquals(12, taken.size(), "every sample published and intact: " + taken);
        assertEquals(0, queue.lostCount(), "the dead subscriber's pins cost the live one nothing");
        assertEquals(1, publisher.subscriberCount());
    }

    @Test
    void shouldReclaimASubscriberThatDiedAsleepByPublishingAlone() {
        Sluice camera = participants.open("camera");
        Publisher<MemorySegment> publisher = camera.publisher("/rgb", TYPE);
        ShmSubscriber<MemorySegment> sleeper = (ShmSubscriber<MemorySegment>) participants.open("sleeper")
            .subscriber("/rgb", TYPE, Qos.latest());
        TopicFile file = Participants.topicFile(publisher);
        SubscriberRow row = file.subscriber(Participants.row(sleeper));
        row.bitAtomic(TopicLayout.SLEEPING_SUBSCRIBERS_OFFSET, true); // as a subscriber killed in its futex wait
        Participants.crash(sleeper);
        assertEquals(1, subscriberRows(camera, "/rgb"), "nobody looked yet");
        long[] next = {0};
        Await.until("the publisher reclaimed the subscriber that died asleep", () -> {
            publish(publisher, next[0]++, 64);
            LockSupport.parkNanos(1_000_000);
            return subscriberRows(camera, "/rgb") == 0;
        });
        assertTrue(!file.anySleeping(), "its SLEEPING bit no longer makes every publish wake somebody");
    }

    @Test
    void shouldRemoveTheGenerationsADeadInOrderSubscriberWasBehindOn() {
        Sluice camera = participants.open("camera");
        Publisher<MemorySegment> publisher = camera.publisher("/grown", TYPE,
            PublisherOptions.defaults().withInitialSize(1024));
        Subscriber<MemorySegment> behind = participants.open("behind").subscriber("/grown", TYPE, Qos.queue(16));
        publish(publisher, 0, 1000);
        behind.take().close(); // in generation 1
        publish(publisher, 1, 64 * 1024); // generation 2
        for (long sequence = 2; sequence < 5; sequence++) {
            LockSupport.parkNanos(30_000_000); // several upkeeps of the publisher (every 20 ms at most)
            publish(publisher, sequence, 64 * 1024);
            assertTrue(participants.files().contains("grown.1.seg"), "generation 1 is kept for the live subscriber in it");
        }
        Participants.crash(behind);
        long[] next = {5};
        Await.until("generation 1 is removed once its subscriber is found dead: " + participants.files(), () -> {
            publish(publisher, next[0]++, 64 * 1024);
            LockSupport.parkNanos(1_000_000);
            return !participants.files().contains("grown.1.seg");
        });
        assertEquals(0, subscriberRows(camera, "/grown"), "and its row reclaimed");
    }

}

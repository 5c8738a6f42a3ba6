package io.sluice.shm;

import io.sluice.Await;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TopicStatus;
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
    void shouldNotWaitInItsCloseForADeadReliableSubscriber() {
        Duration timeout = Duration.ofSeconds(30);
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/depth", TYPE,
            PublisherOptions.defaults().withSlots(4).withReliableTimeout(timeout));
        Subscriber<MemorySegment> reliable = participants.open("logger").subscriber("/depth", TYPE, Qos.reliable(4));
        publish(publisher, 0, 64);
        reliable.take().close();
        publish(publisher, 1, 64);
        publish(publisher, 2, 64); // never taken: a live reliable subscriber would hold the close up to the timeout
        Participants.crash(reliable);
        long start = System.nanoTime();
        publisher.close();
        long waited = System.nanoTime() - start;
        assertTrue(waited < timeout.toNanos(), "the close found the subscriber dead instead of waiting it out: "
            + waited / 1_000_000 + " ms");
    }

    /**
     * The registry lock is held by somebody who does not let go (a stopped participant; here a descriptor of this
     * test): the dead reliable subscriber cannot be reclaimed, so it is passed over, its cursor no longer holding
     * the publisher back; once the lock is free, its row is reclaimed.
     */
    @Test
    void shouldPassOverADeadReliableSubscriberWhileTheRegistryLockIsHeld() {
        Sluice camera = participants.open("camera");
        Publisher<MemorySegment> publisher = camera.publisher("/depth", TYPE,
            PublisherOptions.defaults().withSlots(4).withReliableTimeout(Duration.ofSeconds(30)));
        Subscriber<MemorySegment> reliable = participants.open("logger").subscriber("/depth", TYPE, Qos.reliable(4));
        Subscriber<MemorySegment> queue = participants.open("viewer").subscriber("/depth", TYPE, Qos.queue(16));
        publish(publisher, 0, 64);
        reliable.take().close();
        TopicFile holder = TopicFile.openLocked(Domain.open(participants.root.path(), 0), "/depth", TYPE);
        try {
            Participants.crash(reliable); // after the lock is taken: its taker reclaims the dead it finds
            List<Long> taken = new ArrayList<>(drain(queue));
            for (long sequence = 1; sequence < 12; sequence++) {
                publish(publisher, sequence, 64);
                taken.addAll(drain(queue));
            }
            assertEquals(12, taken.size(), "the publisher went on past the dead subscriber's cursor: " + taken);
            assertEquals(List.of(false, true), camera.topicStatus("/depth").orElseThrow().subscribers().stream()
                .map(TopicStatus.SubscriberStatus::alive).sorted().toList(), "its row stays while the lock is held");
        } finally {
            holder.unlockAdmin();
            holder.close();
        }
        assertEquals(1, publisher.subscriberCount(), "reclaimed once the lock is free");
    }

    /**
     * While the registry lock stays with a holder that cannot be judged (ADMIN_HOLDER 0), counting gives up on the
     * lock after 2 s and counts the live by probing their locks, reclaiming nothing: the dead are not counted.
     */
    @Test
    void shouldCountOnlyTheLiveWhileTheRegistryLockStaysTaken() {
        Sluice camera = participants.open("camera");
        Publisher<MemorySegment> publisher = camera.publisher("/depth", TYPE);
        Publisher<MemorySegment> dying = participants.open("lidar").publisher("/depth", TYPE);
        Subscriber<MemorySegment> live = participants.open("viewer").subscriber("/depth", TYPE, Qos.queue(4));
        Subscriber<MemorySegment> dead = participants.open("logger").subscriber("/depth", TYPE, Qos.queue(4));
        TopicFile holder = TopicFile.openLocked(Domain.open(participants.root.path(), 0), "/depth", TYPE);
        try {
            TopicFile.INT.setRelease(holder.memory, (long) TopicLayout.ADMIN_HOLDER_OFFSET, 0);
            Participants.crash(dying);
            Participants.crash(dead);
            assertEquals(1, publisher.subscriberCount(), "the live subscriber; the dead one not");
            assertEquals(1, live.publisherCount(), "the live publisher; the dead one not");
            assertEquals(List.of(false, false, true, true), java.util.stream.Stream.concat(
                    camera.topicStatus("/depth").orElseThrow().publishers().stream()
                        .map(TopicStatus.PublisherStatus::alive),
                    camera.topicStatus("/depth").orElseThrow().subscribers().stream()
                        .map(TopicStatus.SubscriberStatus::alive)).sorted().toList(),
                "nothing was reclaimed without the lock");
        } finally {
            holder.unlockAdmin();
            holder.close();
        }
        assertEquals(1, publisher.subscriberCount(), "with the lock: reclaimed");
        assertEquals(1, live.publisherCount());
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

package io.sluice.shm;

import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TopicStatus;
import io.sluice.TopicStatus.PublisherStatus;
import io.sluice.TopicStatus.SubscriberStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a topic's rows tell a look from outside ({@link Sluice#topicStatus}; {@code sluice topic list}): every field a
 * publisher or subscriber writes into its row for other processes and tools, a row reused over a dirty one, and a
 * participant that died (inside this JVM, {@link Participants#crash}) shown as dead until somebody reclaims it. The
 * multi-process {@code it/TopicSurveyTest} does the same with a killed process.
 */
@Timeout(60)
class RowSurveyTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;
    private static final int PID = (int) ProcessHandle.current().pid();

    private final Participants participants = new Participants();

    @AfterEach
    void cleanUp() throws Exception {
        participants.close();
    }

    @Test
    void shouldShowEveryRowWithWhatItsOwnerWroteAndTellTheDeadFromTheLive() {
        Sluice camera = participants.open("camera");
        Publisher<MemorySegment> publisher = camera.publisher("/rgb", TYPE, PublisherOptions.defaults().withHistory(3));
        for (long sequence = 0; sequence < 5; sequence++) {
            Participants.publish(publisher, sequence, 64);
        }
        Sluice viewer = participants.open("viewer");
        Subscriber<MemorySegment> queue = viewer.subscriber("/rgb", TYPE, Qos.queue(7));
        Subscriber<MemorySegment> reliable = participants.open("logger").subscriber("/rgb", TYPE, Qos.reliable(5));
        Subscriber<MemorySegment> latest = participants.open("glance").subscriber("/rgb", TYPE, Qos.latest());

        Subscriber<MemorySegment> left = viewer.subscriber("/camera/left", TYPE, Qos.latest());
        assertEquals(List.of("/camera/left", "/rgb"), viewer.topicNames(), "sorted, with their slashes back");
        assertEquals(List.of("/camera/left", "/rgb"), viewer.topics().stream().map(TopicStatus::topic).toList());
        left.close();
        TopicStatus status = viewer.topicStatus("/rgb").orElseThrow();
        PublisherStatus row = status.publishers().getFirst();
        assertEquals(List.of(new PublisherStatus(0, "camera", PID, true, 3, row.generation(), 5)), status.publishers());
        assertEquals(1, row.generation(), "its first generation");
        assertEquals(List.of(
                new SubscriberStatus("glance", PID, true, Qos.Kind.LATEST, 1),
                new SubscriberStatus("logger", PID, true, Qos.Kind.RELIABLE, 5),
                new SubscriberStatus("viewer", PID, true, Qos.Kind.QUEUE, 7)),
            sorted(status.subscribers()));
        assertEquals(1, status.livePublishers());
        assertEquals(3, status.liveSubscribers());

        Participants.crash(publisher);
        Participants.crash(reliable);
        status = camera.topicStatus("/rgb").orElseThrow(); // a look reclaims nothing
        assertEquals(List.of(new PublisherStatus(0, "camera", PID, false, 3, 1, 5)), status.publishers());
        assertEquals(List.of(
                new SubscriberStatus("glance", PID, true, Qos.Kind.LATEST, 1),
                new SubscriberStatus("logger", PID, false, Qos.Kind.RELIABLE, 5),
                new SubscriberStatus("viewer", PID, true, Qos.Kind.QUEUE, 7)),
            sorted(status.subscribers()));
        assertEquals(0, status.livePublishers());
        assertEquals(2, status.liveSubscribers());

        assertEquals(0, queue.publisherCount(), "a subscriber probes, and reclaims the dead");
        status = camera.topicStatus("/rgb").orElseThrow();
        assertEquals(List.of(), status.publishers());
        assertEquals(List.of(
                new SubscriberStatus("glance", PID, true, Qos.Kind.LATEST, 1),
                new SubscriberStatus("viewer", PID, true, Qos.Kind.QUEUE, 7)),
            sorted(status.subscribers()), "the dead subscriber's row is reclaimed with the publisher's");
        latest.close();
    }

    @Test
    void shouldStartAReusedRowFromNothingWhateverItsLastOwnerLeftInIt() {
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/depth", TYPE);
        Subscriber<MemorySegment> first = participants.open("viewer").subscriber("/depth", TYPE, Qos.reliable(4));
        Participants.publish(publisher, 0, 64);
        first.take().close(); // attached: its row names the publisher, its cursor and generation
        TopicFile file = Participants.topicFile(publisher);
        SubscriberRow row = file.subscriber(0);
        assertEquals(1, row.cursorAcquire(0), "the reliable subscriber's cursor is in its row");
        Participants.crash(first);
        // once the dead subscriber's row is reclaimed, fill it with garbage, as a participant that died setting up a
        // row leaves it: a new owner must not take any of it for its own
        assertEquals(0, publisher.subscriberCount(), "the publisher probes, and reclaims the dead subscriber");
        long base = TopicLayout.subscriberRow(0);
        file.memory.asSlice(base, TopicLayout.SUBSCRIBER_ROW_LENGTH).fill((byte) 0x5a);
        INT_STATE.setVolatile(file.memory, base + TopicLayout.S_STATE, TopicLayout.STATE_FREE);

        Subscriber<MemorySegment> second = participants.open("viewer2").subscriber("/depth", TYPE, Qos.queue(4));
        SubscriberRow reused = file.subscriber(0);
        assertEquals(TopicLayout.STATE_ACTIVE, reused.stateVolatile(), "the new subscriber took row 0");
        for (int publisherRow = 0; publisherRow < TopicLayout.MAX_PUBLISHERS; publisherRow++) {
            if (publisherRow == 0) {
                continue; // the live publisher's entry: the new subscriber attached and wrote its own
            }
            assertEquals(0, reused.cursorIncarnationAcquire(publisherRow), "no stale cursor entry " + publisherRow);
            assertEquals(0, reused.cursorGenerationAcquire(publisherRow), "no stale generation " + publisherRow);
        }
        assertEquals(0, reused.bellPidAcquire(), "no stale doorbell");
        assertEquals(0, reused.bellSlotAcquire());
        assertEquals(0, reused.bellFileIdAcquire());
        assertEquals(List.of(new SubscriberStatus("viewer2", PID, true, Qos.Kind.QUEUE, 4)),
            participants.open("look").topicStatus("/depth").orElseThrow().subscribers());
        Participants.publish(publisher, 1, 64);
        try (var sample = second.take()) {
            assertEquals(1, sample.sequence(), "and it takes what is published from now on");
            assertEquals(true, io.sluice.it.Payload.verify(sample.segment(), 1));
        }
    }

    @Test
    void shouldReportTheFilesAndBytesACleanRemovesOfADeadParticipantAndNothingOfALiveOne() throws Exception {
        Sluice camera = participants.open("camera");
        Publisher<MemorySegment> dead = camera.publisher("/depth", TYPE, PublisherOptions.defaults().withSlots(2)
            .withInitialSize(1 << 20));
        Participants.publish(dead, 0, 64);
        Publisher<MemorySegment> live = participants.open("imu").publisher("/imu", TYPE);
        java.nio.file.Path directory = camera.directory();
        long bytes = java.nio.file.Files.size(directory.resolve("depth.1.seg"))
            + java.nio.file.Files.size(directory.resolve("depth.topic"));
        assertEquals(true, bytes > 2 << 20, "two slots of 1 MiB and the topic file: " + bytes);
        Participants.crash(dead);

        assertEquals(new io.sluice.CleanReport(1, 2, bytes, 0), Sluice.clean(participants.root.path()),
            "the dead publisher's two files, and the domain kept: a live participant uses it");
        assertEquals(List.of("imu.1.seg", "imu.topic"), participants.files());
        assertEquals(new io.sluice.CleanReport(1, 0, 0, 0), Sluice.clean(participants.root.path()));
        live.close();
        assertEquals(List.of(), participants.files(), "the last one out removed its files");
        assertEquals(new io.sluice.CleanReport(1, 0, 0, 1), Sluice.clean(participants.root.path()),
            "and a clean removes the empty domain directory");
        assertEquals(new io.sluice.CleanReport(0, 0, 0, 0), Sluice.clean(participants.root.path()));
    }

    /** Rows past the first 64 live in the second word of each subscriber bitmap: they count, take and leave alike. */
    @Test
    void shouldServeAndCountSubscribersInTheSecondWordOfTheBitmaps() {
        Publisher<MemorySegment> publisher = participants.open("camera").publisher("/wide", TYPE);
        Sluice viewers = participants.open("viewers");
        List<Subscriber<MemorySegment>> subscribers = new java.util.ArrayList<>();
        for (int i = 0; i < 70; i++) {
            subscribers.add(viewers.subscriber("/wide", TYPE, i % 2 == 0 ? Qos.queue(4) : Qos.reliable(4)));
        }
        assertEquals(70, publisher.subscriberCount());
        Participants.publish(publisher, 0, 64);
        for (Subscriber<MemorySegment> subscriber : subscribers) {
            assertEquals(List.of(0L), Participants.drain(subscriber));
        }
        subscribers.remove(66).close();
        subscribers.remove(65).close(); // a reliable one of the second word: it must no longer hold the publisher
        assertEquals(68, publisher.subscriberCount());
        assertEquals(68, viewers.topicStatus("/wide").orElseThrow().subscribers().size());
        for (long sequence = 1; sequence < 4; sequence++) {
            Participants.publish(publisher, sequence, 64);
        }
        Participants.crash(subscribers.remove(67)); // the last row, 69: dead, found by the publisher's count
        assertEquals(67, publisher.subscriberCount());
        for (Subscriber<MemorySegment> subscriber : subscribers) {
            assertEquals(List.of(1L, 2L, 3L), Participants.drain(subscriber));
        }
    }

    private static final java.lang.invoke.VarHandle INT_STATE = java.lang.foreign.ValueLayout.JAVA_INT.varHandle();

    private static List<SubscriberStatus> sorted(List<SubscriberStatus> subscribers) {
        return subscribers.stream().sorted(Comparator.comparing(SubscriberStatus::participant)).toList();
    }
}

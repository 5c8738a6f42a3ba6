package io.sluice.it;

import io.sluice.CorruptDataException;
import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TopicInfo;
import io.sluice.TopicStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import io.sluice.shm.TopicLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.sluice.it.ParticipantChild.TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Sluice#topics()} and {@link Sluice#topicStatus}: who uses which topic, seen from outside, dead rows too. */
class TopicSurveyTest extends MultiProcessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);

    @Test
    @Timeout(90)
    void shouldListEveryTopicWithItsTypeRowsAndCountsAndTellTheDeadFromTheLive() throws Exception {
        sluice = Sluice.open("surveyor", root.options());
        Publisher<MemorySegment> publisher = sluice.publisher("/camera/rgb", TYPE,
            PublisherOptions.defaults().withHistory(2));
        for (int i = 0; i < 5; i++) {
            try (Loan<MemorySegment> loan = publisher.loan(64)) {
                loan.publish();
            }
        }
        ChildJvm child = children.start("viewer", ParticipantChild.class, root.path().toString());
        child.request("SUBS 1 /camera/rgb QUEUE 8", "SUBS-READY 1 publishers=1", CHILD_TIMEOUT);
        Subscriber<MemorySegment> latest = sluice.subscriber("/status", MessageType.raw("acme/msg/Status"),
            Qos.latest());
        Files.writeString(sluice.directory().resolve("not.a..topic.topic"), "foreign"); // skipped, not a topic name
        byte[] garbage = new byte[TopicLayout.FILE_LENGTH];
        java.util.Arrays.fill(garbage, (byte) 0x5a); // a file under a topic's name that is not a topic file
        Path broken = sluice.directory().resolve("broken.topic");
        Files.write(broken, garbage);
        Files.setPosixFilePermissions(broken, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));

        assertEquals(List.of("/broken", "/camera/rgb", "/status"), sluice.topicNames());
        assertThrows(CorruptDataException.class, () -> sluice.topicStatus("/broken"));
        List<TopicStatus> topics = sluice.topics(); // the broken one left out
        assertEquals(2, topics.size());
        TopicStatus camera = topics.getFirst();
        assertEquals(new TopicInfo("/camera/rgb", TYPE.name(), TYPE.schema(), TYPE.hash()), camera.info());
        assertEquals(List.of(new TopicStatus.PublisherStatus(0, "surveyor", (int) ProcessHandle.current().pid(), true, 2,
            camera.publishers().getFirst().generation(), 5)), camera.publishers());
        assertEquals(1, camera.subscribers().size());
        TopicStatus.SubscriberStatus viewer = camera.subscribers().getFirst();
        assertEquals(new TopicStatus.SubscriberStatus("child-" + child.pid(), (int) child.pid(), true, Qos.Kind.QUEUE, 8), viewer);
        TopicStatus status = topics.get(1);
        assertEquals("acme/msg/Status", status.info().typeName());
        assertEquals(0, status.publishers().size());
        assertEquals(List.of(Qos.Kind.LATEST), status.subscribers().stream().map(TopicStatus.SubscriberStatus::qos)
            .toList());

        child.kill(); // its row stays until someone reclaims it, shown as dead
        TopicStatus afterKill = sluice.topicStatus("/camera/rgb").orElseThrow();
        assertEquals(1, afterKill.subscribers().size());
        assertFalse(afterKill.subscribers().getFirst().alive());
        assertEquals(0, afterKill.liveSubscribers());
        assertEquals(1, afterKill.livePublishers());
        assertTrue(sluice.topicStatus("/absent").isEmpty());
        latest.close();
    }
}

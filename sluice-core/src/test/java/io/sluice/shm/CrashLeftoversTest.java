package io.sluice.shm;

import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import static io.sluice.shm.BadInputFiles.TYPE;
import static io.sluice.shm.BadInputFiles.assertHealthyTopicWorks;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a participant killed at an unlucky point leaves behind, laid out exactly as the kill would leave it, and the
 * cleanup that must follow (invariant 3): the sweep of the next participant that opens the domain, or the reclaim
 * that a live participant of the topic runs when it notices the death.
 */
class CrashLeftoversTest extends OpenSluiceTest {
    @Test
    @Timeout(30)
    void shouldSweepTopicFileLeftEmptyByCreatorKilledBeforeSizingIt() throws Exception {
        // killed between open(O_CREAT) and posix_fallocate: an empty file
        BadInputFiles.write(directory.resolve("empty.topic"), ByteBuffer.allocate(0));
        try (Sluice joining = Sluice.open("joining", root.options())) {
            assertEquals(List.of(), root.domainFiles(), "the sweep removes an empty topic file nobody holds");
            assertHealthyTopicWorks(joining);
        }
    }

    @Test
    @Timeout(30)
    void shouldSweepTopicFileWhoseCreatorWasKilledBeforeWritingItsHeader() throws Exception {
        // killed between posix_fallocate and the release-store of the magic: full length, all zero
        BadInputFiles.write(directory.resolve("zeros.topic"), ByteBuffer.allocate(TopicLayout.FILE_LENGTH));
        try (Sluice joining = Sluice.open("joining", root.options())) {
            assertEquals(List.of(), root.domainFiles(), "the sweep of " + joining.name() + " removes it");
        }
    }

    @Test
    @Timeout(30)
    void shouldReuseTopicFileLeftEmptyByKilledCreator() throws Exception {
        BadInputFiles.write(directory.resolve("empty.topic"), ByteBuffer.allocate(0));
        // the participant that opens the topic itself must recover the file, whatever the sweep did
        assertHealthyTopicWorksOn("/empty");
    }

    @Test
    @Timeout(30)
    void shouldSweepSegmentOfPublisherKilledBeforeRegistering() throws Exception {
        // a live subscriber keeps the topic; a publisher was killed after creating its segment, before its row
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/orphan", TYPE, Qos.queue(4));
        BadInputFiles.write(directory.resolve("orphan.7.seg"), ByteBuffer.allocate(8192));
        try (Sluice joining = Sluice.open("joining", root.options())) {
            assertEquals(List.of("orphan.topic"), root.domainFiles(), "the sweep of " + joining.name() + " removes it");
        }
        assertEquals(0, subscriber.publisherCount());
    }

    @Test
    @Timeout(30)
    void shouldRemoveSegmentsOfDeadPublisherRowWithoutRestart() throws Exception {
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/dead", TYPE, Qos.queue(4));
        writeDeadPublisherRow("dead", 0, 3);
        BadInputFiles.write(directory.resolve("dead.3.seg"), ByteBuffer.allocate(8192));
        assertEquals(0, subscriber.publisherCount(), "the row's lock is free: its owner is dead");
        assertEquals(List.of("dead.topic"), root.domainFiles(), "its segment went with it");
    }

    @Test
    @Timeout(30)
    void shouldRemoveHalfMadeGenerationOfPublisherKilledWhileGrowing() throws Exception {
        // killed inside grow(): the next generation's file exists (here only partly allocated), the row still
        // names the old one. A live subscriber notices the death; no participant restarts.
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/growing", TYPE, Qos.queue(4));
        writeDeadPublisherRow("growing", 0, 1);
        BadInputFiles.write(directory.resolve("growing.1.seg"), ByteBuffer.allocate(8192));
        BadInputFiles.write(directory.resolve("growing.2.seg"), ByteBuffer.allocate(4096));
        assertEquals(0, subscriber.publisherCount());
        assertEquals(List.of("growing.topic"), root.domainFiles(),
            "every segment file of the dead publisher is reclaimed by the live participant, without a restart");
    }

    /**
     * Writes publisher row {@code row} of {@code base}'s topic as its owner would (STATE ACTIVE, its generation, an
     * incarnation), without holding the row's lock: exactly what a SIGKILL of the owner leaves.
     */
    private void writeDeadPublisherRow(String base, int row, int generation) throws Exception {
        Path topic = directory.resolve(base + ".topic");
        long offset = TopicLayout.publisherRow(row);
        ByteBuffer bytes = ByteBuffer.allocate(TopicLayout.P_NAME).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(TopicLayout.P_STATE, TopicLayout.STATE_ACTIVE);
        bytes.putInt(TopicLayout.P_GENERATION, generation);
        bytes.putInt(TopicLayout.P_FIRST_GENERATION, generation);
        bytes.putInt(TopicLayout.P_INCARNATION, 1000);
        bytes.putInt(TopicLayout.P_PID, Integer.MAX_VALUE);
        try (var channel = java.nio.channels.FileChannel.open(topic, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(bytes, offset);
        }
        BadInputFiles.putInt(topic, TopicLayout.NEXT_GENERATION_OFFSET, generation + 2);
    }

    private void assertHealthyTopicWorksOn(String topic) {
        var subscriber = sluice.subscriber(topic, TYPE, Qos.queue(4));
        var publisher = sluice.publisher(topic, TYPE);
        publisher.publishCopy(new byte[] {1, 2, 3});
        try (var sample = subscriber.take(java.time.Duration.ofSeconds(5))) {
            assertEquals(3, sample.segment().byteSize());
        }
        publisher.close();
        subscriber.close();
        assertEquals(List.of(), root.domainFiles());
    }
}

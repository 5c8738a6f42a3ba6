package io.sluice.shm;

import io.sluice.Allocations;
import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.PublishTimeoutException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TestRoot;
import io.sluice.it.Payload;
import io.sluice.msg.MalformedMessageException;
import io.sluice.msg.sensor_msgs.CompressedImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static io.sluice.shm.Participants.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Defects of the transport found by reading it and trying it as a user would, each reproduced in one process
 * (issue "A transport you can trust", section 1): every test failed before its fix.
 */
@Timeout(60)
class TransportDefectTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;

    private final Participants participants = new Participants();
    private final TestRoot root = participants.root;

    @AfterEach
    void cleanUp() throws Exception {
        participants.close();
    }

    private Sluice participant(String name) {
        return participants.open(name);
    }

    private static void publish(Publisher<MemorySegment> publisher, long sequence, long size) {
        Participants.publish(publisher, sequence, size);
    }


    /** A queue subscriber of {@code topic} in one participant, a publisher of 4 slots in another. */
    private record Stream(Subscriber<MemorySegment> queue, Publisher<MemorySegment> publisher) {
    }

    /** {@link Stream}: the subscriber joins first; the publisher has published 0, 1, 2 at 64 bytes (generation 1). */
    private Stream threeSmallSamples(String topic) {
        Subscriber<MemorySegment> queue = participant("viewer").subscriber(topic, TYPE, Qos.queue(16));
        Publisher<MemorySegment> publisher = participant("camera").publisher(topic, TYPE,
            PublisherOptions.defaults().withSlots(4).withInitialSize(64));
        for (long sequence = 0; sequence < 3; sequence++) {
            publish(publisher, sequence, 64);
        }
        return new Stream(queue, publisher);
    }

    // ------------------------------------------------------------------------------------------ defect 1

    @Test
    void shouldCountWhatLaterGenerationsHeldWhenThePublisherClosesWhileASubscriberSitsAtAGenerationEnd() {
        Stream stream = threeSmallSamples("/cloud"); // generation A
        Subscriber<MemorySegment> queue = stream.queue();
        Publisher<MemorySegment> publisher = stream.publisher();
        assertEquals(List.of(0L, 1L, 2L), drain(queue));
        publish(publisher, 3, 128); // grows to B
        publish(publisher, 4, 128);
        publish(publisher, 5, 1024); // grows to C
        publish(publisher, 6, 1024);
        publisher.close();

        List<Long> after = drain(queue);
        assertEquals(7, 3 + after.size() + queue.lostCount(),
            "taken + lost == published: taken after close " + after + ", lost " + queue.lostCount());
        assertEquals(List.of(), drain(queue), "nothing more once the publisher is gone");
    }

    @Test
    void shouldNotAllocateOnIdleTakesAfterThePublisherLeftFromBehindAGenerationEnd() {
        Sluice camera = participant("camera");
        Sluice viewer = participant("viewer");
        Subscriber<MemorySegment> queue = viewer.subscriber("/cloud", TYPE, Qos.queue(16));
        Publisher<MemorySegment> publisher = camera.publisher("/cloud", TYPE,
            PublisherOptions.defaults().withSlots(4).withInitialSize(64));
        publish(publisher, 0, 64);
        drain(queue);
        publish(publisher, 1, 128);
        publish(publisher, 2, 1024);
        publisher.close();
        drain(queue);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 5 && least > 0; round++) {
            for (int i = 0; i < 2_000; i++) {
                assertNull(queue.take());
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1_000; i++) {
                queue.take();
            }
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertTrue(least < 1_000, "bytes allocated by 1,000 idle takes: " + least);
    }

    // ------------------------------------------------------------------------------------------ defect 2

    @Test
    void shouldLoseNothingWhenAReliableSubscriberAttachesWhileThePublisherRuns() throws Exception {
        Sluice camera = participant("camera");
        Sluice viewer = participant("viewer");
        Publisher<MemorySegment> publisher = camera.publisher("/points", TYPE,
            PublisherOptions.defaults().withSlots(4).withReliableTimeout(Duration.ofMillis(50)));
        for (long sequence = 0; sequence < 6; sequence++) {
            publish(publisher, sequence, 256);
        }
        // the publisher runs on between the subscriber's look at the tail and the store of its start cursor
        List<Long> published = new ArrayList<>();
        Runnable burst = () -> {
            if (!published.isEmpty()) {
                return;
            }
            published.add(-1L);
            for (int i = 0; i < 20; i++) {
                long sequence = publisher.publishedCount();
                try {
                    publish(publisher, sequence, 256);
                } catch (PublishTimeoutException e) {
                    break; // the subscriber's cursor holds it back: exactly what it must do
                }
                published.add(sequence);
            }
        };
        Subscriber<MemorySegment> reliable;
        try (AutoCloseable hook = FaultPoint.SUBSCRIBER_ATTACH_TAIL_READ.install(burst)) {
            reliable = viewer.subscriber("/points", TYPE, Qos.reliable(4));
        }
        assertTrue(published.size() > 1, "the burst ran inside the attach: " + published);
        long first = publisher.publishedCount();
        for (long sequence = first; sequence < first + 10; sequence++) {
            try {
                publish(publisher, sequence, 256);
            } catch (PublishTimeoutException e) {
                List<Long> taken = drain(reliable);
                assertTrue(!taken.isEmpty(), "a blocked publisher means the subscriber has something to take");
                publish(publisher, sequence, 256);
            }
        }
        drain(reliable);
        assertEquals(0, reliable.lostCount(), "a reliable subscriber loses nothing from the moment it is created");
    }

    // ------------------------------------------------------------------------------------------ defect 4

    /** Raw bytes whose view rejects a message starting with 0x7F, as a CDR type rejects a malformed message. */
    private static final MessageType<MemorySegment> PICKY = new MessageType<>() {
        @Override
        public String name() {
            return "sluice_test/msg/Picky";
        }

        @Override
        public String schema() {
            return "uint8[] data\n";
        }

        @Override
        public String hash() {
            return MessageType.defaultHash(name(), schema());
        }

        @Override
        public MemorySegment wrap(MemorySegment message) {
            if (message.byteSize() > 0 && message.get(JAVA_BYTE, 0) == 0x7F) {
                throw new MalformedMessageException(name(), "data", 0, "poison byte 0x7f");
            }
            return message;
        }

        @Override
        public MemorySegment rewrap(MemorySegment view, MemorySegment message) {
            return wrap(message);
        }
    };

    private static void publishByte(Publisher<MemorySegment> publisher, int first, long size) {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            loan.segment().fill((byte) 1);
            loan.segment().set(JAVA_BYTE, 0, (byte) first);
            loan.publish();
        }
    }

    @Test
    void shouldSkipCountAndReportEveryPoisonSampleWithoutWedgingAQueueSubscriber() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> queue = sluice.subscriber("/picky", PICKY, Qos.queue(8));
        Publisher<MemorySegment> publisher = sluice.publisher("/picky", PICKY);
        for (int round = 0; round < 40; round++) { // more rounds than a subscriber may hold samples
            publishByte(publisher, 1, 32 + round); // lengths vary: a view is re-made for each
            publishByte(publisher, 0x7F, 40 + round);
            try (Sample<MemorySegment> good = queue.take()) {
                assertNotNull(good, "round " + round + ": the good sample");
                assertEquals(2L * round, good.sequence());
            }
            MalformedMessageException reported = assertThrows(MalformedMessageException.class, queue::take,
                "round " + round + ": the poison sample is reported");
            assertTrue(reported.getMessage().contains("data"), reported.getMessage());
            assertNull(queue.take(), "round " + round + ": the poison sample is not offered again");
        }
        assertEquals(40, queue.malformedCount());
        assertEquals(40, queue.lostCount(), "a skipped sample counts as lost for a queue subscriber");
        publishByte(publisher, 1, 32);
        try (Sample<MemorySegment> good = queue.take()) {
            assertNotNull(good, "still takes after 40 poison samples");
        }
    }

    @Test
    void shouldReportAPoisonSampleOnceToALatestSubscriberAndGoOn() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> latest = sluice.subscriber("/picky", PICKY, Qos.latest());
        Publisher<MemorySegment> publisher = sluice.publisher("/picky", PICKY);
        for (int round = 0; round < 20; round++) {
            publishByte(publisher, 0x7F, 32);
            assertThrows(MalformedMessageException.class, latest::latest, "round " + round);
            assertNull(latest.latest(), "round " + round + ": latest() does not offer the poison sample again");
            assertNull(latest.take(), "round " + round + ": nor does take()");
            publishByte(publisher, 1, 32);
            try (Sample<MemorySegment> good = latest.take()) {
                assertNotNull(good, "round " + round + ": the next good sample");
            }
        }
        assertEquals(20, latest.malformedCount());
    }

    // ------------------------------------------------------------------------------------------ counters at their wrap

    @Test
    void shouldKeepJoinOrderGenerationsAndAccountingAcrossTheWrapOfTheTopicsCounters() throws Exception {
        Sluice camera = participant("camera");
        Sluice viewer = participant("viewer");
        Subscriber<MemorySegment> first = viewer.subscriber("/wrap", TYPE, Qos.queue(16));
        java.nio.file.Path topicFile = viewer.directory().resolve("wrap.topic");
        // the registry version two bumps before its wrap, the generation counter three before 0
        BadInputFiles.putInt(topicFile, TopicLayout.REGISTRY_VERSION_OFFSET, Integer.MAX_VALUE - 1);
        BadInputFiles.putInt(topicFile, TopicLayout.NEXT_GENERATION_OFFSET, -3);
        Subscriber<MemorySegment> before = viewer.subscriber("/wrap", TYPE, Qos.reliable(16)); // MAX_VALUE
        Publisher<MemorySegment> publisher = camera.publisher("/wrap", TYPE,
            PublisherOptions.defaults().withSlots(4).withHistory(2).withInitialSize(64)); // MIN_VALUE
        for (long sequence = 0; sequence < 4; sequence++) {
            publish(publisher, sequence, 64 << sequence); // generations -3, -2, -1 and then 1: 0 is skipped
        }
        assertEquals(List.of(0L, 1L, 2L, 3L), drain(first), "joined before the publisher: everything");
        assertEquals(List.of(0L, 1L, 2L, 3L), drain(before), "joined before, across the wrap of the versions");
        Subscriber<MemorySegment> late = viewer.subscriber("/wrap", TYPE, Qos.queue(16));
        assertEquals(List.of(2L, 3L), drain(late), "joined after: its history");
        publish(publisher, 4, 4096);
        for (Subscriber<MemorySegment> subscriber : List.of(first, before, late)) {
            assertEquals(List.of(4L), drain(subscriber));
            assertEquals(0, subscriber.lostCount());
        }
        publisher.close();
        assertEquals(0, first.publisherCount());
    }

    // ------------------------------------------------------------------------------------------ defect 13

    @Test
    void shouldRefuseTheViewsOfASpentLoanOrAClosedSampleAndFailAKeptSegmentOnceItsMappingGoes() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> queue = sluice.subscriber("/bytes", TYPE, Qos.queue(8));
        Publisher<MemorySegment> publisher = sluice.publisher("/bytes", TYPE,
            PublisherOptions.defaults().withInitialSize(64));
        Loan<MemorySegment> loan = publisher.loan(64);
        MemorySegment kept = loan.segment();
        Payload.fill(kept, 0);
        loan.publish();
        assertThrows(IllegalStateException.class, loan::segment);
        assertThrows(IllegalStateException.class, loan::message);
        Sample<MemorySegment> sample = queue.take();
        assertNotNull(sample);
        MemorySegment read = sample.segment();
        sample.close();
        assertThrows(IllegalStateException.class, sample::segment);
        assertThrows(IllegalStateException.class, sample::message);
        publish(publisher, 1, 4096); // the publisher moves to a larger generation: its old mapping goes
        assertThrows(IllegalStateException.class, () -> kept.get(JAVA_BYTE, 0));
        drain(queue); // and the subscriber follows: it unmaps the old one
        assertThrows(IllegalStateException.class, () -> read.get(JAVA_BYTE, 0));
    }

    // ------------------------------------------------------------------------------------------ found writing SHM-FORMAT.md

    @Test
    void shouldGiveAShallowQueueJoinerTheHistoryItsDepthHoldsWithoutCountingTheRestAsLost() {
        Sluice camera = participant("camera");
        Sluice viewer = participant("viewer");
        Publisher<MemorySegment> publisher = camera.publisher("/map", TYPE,
            PublisherOptions.defaults().withHistory(6).withInitialSize(64));
        for (long sequence = 0; sequence < 8; sequence++) {
            publish(publisher, sequence, 64);
        }
        Subscriber<MemorySegment> shallow = viewer.subscriber("/map", TYPE, Qos.queue(2));
        assertEquals(List.of(6L, 7L), drain(shallow));
        assertEquals(0, shallow.lostCount(), "samples it was never owed are not losses");
    }

    @Test
    void shouldReportADamagedRingEntryOnceToALatestSubscriberAndGoOn() throws Exception {
        Sluice camera = participant("camera");
        Sluice viewer = participant("viewer");
        Subscriber<MemorySegment> latest = viewer.subscriber("/ring", TYPE, Qos.latest());
        Publisher<MemorySegment> publisher = camera.publisher("/ring", TYPE,
            PublisherOptions.defaults().withInitialSize(64));
        publish(publisher, 0, 64);
        java.nio.file.Path segment = camera.directory().resolve("ring.1.seg");
        long entry = SegmentLayout.RING_OFFSET; // the ring entry of sequence 0
        BadInputFiles.putInt(segment, entry, 1_000_000);
        io.sluice.CorruptDataException damaged = assertThrows(io.sluice.CorruptDataException.class, latest::take);
        assertTrue(damaged.getMessage().contains("slot=1000000"), damaged.getMessage());
        assertNull(latest.take(), "the damaged sample is not offered again");
        assertNull(latest.latest());
        publish(publisher, 1, 64);
        try (Sample<MemorySegment> next = latest.take()) {
            assertNotNull(next, "the next sample comes through");
            assertEquals(1, next.sequence());
        }
        assertEquals(1, latest.malformedCount());
    }

    // ------------------------------------------------------------------------------------------ defect 9

    @Test
    void shouldGiveALateJoinerItsWholeHistoryAfterTheSlotsGrew() {
        Sluice camera = participant("camera");
        Sluice viewer = participant("viewer");
        Publisher<MemorySegment> publisher = camera.publisher("/map", TYPE,
            PublisherOptions.defaults().withHistory(3).withInitialSize(64));
        for (long sequence = 0; sequence < 5; sequence++) {
            publish(publisher, sequence, 64);
        }
        publish(publisher, 5, 4096); // grows the slots
        Subscriber<MemorySegment> late = viewer.subscriber("/map", TYPE, Qos.queue(8));
        assertEquals(List.of(3L, 4L, 5L), drain(late), "the 3 newest, two of them from before the growth");
        publish(publisher, 6, 64);
        assertEquals(List.of(6L), drain(late));
        assertEquals(0, late.lostCount());

        publish(publisher, 7, 64 * 1024); // grows again, carrying 5, 6 and 7
        Subscriber<MemorySegment> later = viewer.subscriber("/map", TYPE, Qos.reliable(8));
        assertEquals(List.of(5L, 6L, 7L), drain(later));
        assertEquals(List.of(7L), drain(late), "a subscriber that was there gets each sample once");
        assertEquals(0, late.lostCount() + later.lostCount());
    }

    // ------------------------------------------------------------------ SHM-FORMAT open point 3: sealing lowers no end

    /**
     * A reclaimer died after it had sealed a gone publisher's older generation with the true end (7, learnt from the
     * newer generation) and unlinked the newer one. The next reclaimer finds only the older file, whose TAIL says 3:
     * it must keep the end at 7, or a subscriber still in the older generation under-counts its loss by 4.
     */
    @Test
    void shouldNeverLowerTheEndOfAStreamWhenAReclaimerFindsOnlyOlderGenerations() {
        Domain domain = Domain.open(root.path(), 0);
        TopicFile topic = TopicFile.openLocked(domain, "/sealed", TYPE);
        try {
            // publisher row 0, incarnation 5, nowhere in the registry: gone. Generation 1 ends at 3, generation 2 at 7
            SegmentMapping<MemorySegment> older = SegmentMapping.draft(domain.directory(), 4, 64, 0, TYPE)
                .publishAs(domain.segmentPath(topic.topicBase(), 1), 1, 0, 5);
            SlotProtocol.commitTail(older.memory, 3);
            SegmentMapping<MemorySegment> newer = SegmentMapping.draft(domain.directory(), 4, 64, 3, TYPE)
                .publishAs(domain.segmentPath(topic.topicBase(), 2), 2, 0, 5);
            SlotProtocol.commitTail(newer.memory, 7);
            SegmentMapping<MemorySegment> reader = SegmentMapping.open(older.path, 1, TYPE); // a subscriber in it

            SegmentMapping.seal(older.path, 7); // the first reclaimer, which then unlinked the newer file and died
            domain.unlinkQuietly(newer.path);
            SegmentMapping.seal(older.path, 3); // a seal from less knowledge lowers nothing
            assertEquals(7, reader.finalEnd(), "a later seal that knows less does not lower FINAL_END");

            domain.removeUnownedSegments(topic, 0); // the next reclaimer
            assertEquals(7, reader.finalEnd(), "the end the older file already knew stays");
            assertTrue(java.nio.file.Files.notExists(older.path), "the gone publisher's file is removed");
            reader.release();
            older.release();
            newer.release();
        } finally {
            topic.removeTopicFiles();
            topic.unlockAdmin();
            topic.close();
        }
    }

    // ------------------------------------------------- SHM-FORMAT open point 7: orphaned segments and new topics

    @Test
    void shouldNameANewTopicsSegmentsOverOrphansOfAnEarlierTopicOfTheSameName() throws Exception {
        Sluice camera = participant("camera");
        java.nio.file.Path directory = Domain.open(root.path(), 0).directory();
        // a crash of an earlier /depth left its first segment behind, after this participant's sweep ran
        BadInputFiles.write(directory.resolve("depth.1.seg"), java.nio.ByteBuffer.allocate(8192));
        Publisher<MemorySegment> publisher = camera.publisher("/depth", TYPE);
        Subscriber<MemorySegment> subscriber = camera.subscriber("/depth", TYPE, Qos.queue(4));
        publish(publisher, 0, 64);
        assertEquals(List.of(0L), drain(subscriber));
    }

    @Test
    void shouldSweepOrphanedSegmentsUnderTheirTopicsLockAndLeaveNoTopicFileBehind() throws Exception {
        java.nio.file.Path directory = Domain.open(root.path(), 0).directory();
        BadInputFiles.write(directory.resolve("depth.1.seg"), java.nio.ByteBuffer.allocate(8192));
        BadInputFiles.write(directory.resolve("depth.2.seg"), java.nio.ByteBuffer.allocate(8192));
        participant("sweeper"); // opening a domain sweeps it
        assertEquals(List.of(), root.domainFiles(), "the orphans are gone, and so is the empty topic file the sweep "
            + "locked them under");
    }

    // ------------------------------------------- SHM-FORMAT open point 13: subscriber rows a publisher cannot trust

    @Test
    void shouldTreatOnlyQueueAndReliableRowsAsOwedEverySample() {
        Domain domain = Domain.open(root.path(), 0);
        TopicFile topic = TopicFile.openLocked(domain, "/qos", TYPE);
        try {
            SubscriberRow row = topic.claimSubscriberRow();
            row.activate(1, Qos.Kind.QUEUE, 4, 1, "written by another implementation");
            long qos = TopicLayout.SUBSCRIBER_ROWS_OFFSET + (long) row.index * TopicLayout.SUBSCRIBER_ROW_LENGTH
                + TopicLayout.S_QOS;
            List<Boolean> inOrder = new ArrayList<>();
            for (int value : new int[] {0, 1, 2, 3, 4, -1}) {
                topic.memory.set(java.lang.foreign.ValueLayout.JAVA_INT, qos, value);
                inOrder.add(row.inOrderVolatile());
            }
            assertEquals(List.of(false, false, true, true, false, false), inOrder,
                "S_QOS 0, 1 (latest), 2 (queue), 3 (reliable), 4, -1");
            row.clear();
        } finally {
            topic.removeTopicFiles();
            topic.unlockAdmin();
            topic.close();
        }
    }

    // ---------------------------------------- SHM-FORMAT open point 10: latest() of an in-order subscriber after growth

    @Test
    void shouldGiveTheNewestSampleToLatestOnAQueueSubscriberStillDrainingAnOlderGeneration() {
        Stream stream = threeSmallSamples("/depth");
        Subscriber<MemorySegment> queue = stream.queue();
        Publisher<MemorySegment> publisher = stream.publisher();
        try (Sample<MemorySegment> first = queue.take()) {
            assertEquals(0, first.sequence(), "the queue subscriber now reads generation 1");
        }
        publish(publisher, 3, 1024); // grows to generation 2
        publish(publisher, 4, 1024);
        try (Sample<MemorySegment> newest = queue.latest()) {
            assertNotNull(newest);
            assertEquals(4, newest.sequence(), "the newest sample, in the newest generation");
            assertTrue(Payload.verify(newest.segment(), 4));
        }
        publish(publisher, 5, 4096); // grows again, past the generation latest() mapped aside
        try (Sample<MemorySegment> newest = queue.latest()) {
            assertEquals(5, newest.sequence());
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), drain(queue), "latest() did not move the queue's place");
        assertEquals(0, queue.lostCount());
    }

    // ------------------------------------------------------------------------------------------ defect 10

    /** CompressedImage as a publisher that sends {@code cut} bytes fewer than the message takes (a buggy encoder). */
    private static final class Truncating implements MessageType<CompressedImage> {
        int cut;

        @Override
        public String name() {
            return CompressedImage.TYPE.name();
        }

        @Override
        public String schema() {
            return CompressedImage.TYPE.schema();
        }

        @Override
        public String hash() {
            return CompressedImage.TYPE.hash();
        }

        @Override
        public CompressedImage wrap(MemorySegment message) {
            return CompressedImage.TYPE.wrap(message);
        }

        @Override
        public long encodedSize(MemorySegment message) {
            return CompressedImage.TYPE.encodedSize(message) - cut;
        }
    }

    @Test
    void shouldRejectAMessageWhoseDataRunsPastItsLengthThoughItsSlotHoldsTheRestOfALongerOne() {
        Sluice sluice = participant("node");
        Subscriber<CompressedImage> subscriber = sluice.subscriber("/jpeg", CompressedImage.TYPE, Qos.queue(8));
        Truncating type = new Truncating();
        Publisher<CompressedImage> publisher = sluice.publisher("/jpeg", type);
        CompressedImage.Shape shape = CompressedImage.sized("jpeg", 64).frameId("cam");
        for (int round = 0; round < 24; round++) { // every slot holds a whole message, then one cut short of it
            type.cut = round % 2 == 0 ? 0 : 1 + round;
            try (Loan<CompressedImage> loan = publisher.loan(shape)) {
                loan.message().data(63, (byte) round);
                loan.publish();
            }
            try (Sample<CompressedImage> sample = subscriber.take()) {
                assertNotNull(sample, "round " + round);
                CompressedImage image = sample.message();
                assertEquals("cam", image.header().frameId());
                assertEquals("jpeg", image.format());
                if (type.cut == 0) {
                    assertEquals(64, image.dataCount());
                    assertEquals((byte) round, image.data(63));
                    continue;
                }
                assertEquals(4 + 8 + 8 + 4 + 5 + 3 + 4 + 64 - type.cut, sample.segment().byteSize());
                MalformedMessageException e = assertThrows(MalformedMessageException.class, image::dataCount,
                    "round " + round + ": the data runs past the message");
                assertEquals("data", e.field());
                assertThrows(MalformedMessageException.class, image::data);
                assertThrows(MalformedMessageException.class, () -> image.data(63));
            }
        }
    }

    @Test
    void shouldTakeRawMessagesAlternatingAmongAFewLengthsWithoutAllocatingOnceWarm() {
        Sluice sluice = participant("node");
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/blob", TYPE, Qos.queue(4));
        Publisher<MemorySegment> publisher = sluice.publisher("/blob", TYPE);
        long[] lengths = {16, 24, 40};
        long[] sink = {0};
        int[] round = {0};
        Allocations.assertNoneOnceWarm("a publish/take round of raw messages of three lengths in turn", 5_000, 500,
            () -> {
                int i = round[0]++;
                try (Loan<MemorySegment> loan = publisher.loan(lengths[i % 3])) {
                    loan.segment().set(JAVA_BYTE, 0, (byte) i);
                    loan.publish();
                }
                try (Sample<MemorySegment> sample = subscriber.take()) {
                    sink[0] += sample.message().byteSize() + sample.segment().get(JAVA_BYTE, 0);
                }
            });
        assertTrue(sink[0] != 0);
    }
}

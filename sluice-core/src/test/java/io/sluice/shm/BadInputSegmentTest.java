package io.sluice.shm;

import io.sluice.CorruptDataException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.it.Payload;
import io.sluice.it.ShmRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.sluice.shm.BadInputFiles.TYPE;
import static io.sluice.shm.BadInputFiles.assertContains;
import static io.sluice.shm.BadInputFiles.assertHealthyTopicWorks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 4 for segments: a subscriber attaching to a damaged segment, or meeting a damaged descriptor or slot
 * header in a live one, gets a {@link CorruptDataException} naming the file and the field, never a crash or a
 * hang; other topics, and other publishers of the same topic, keep working.
 *
 * <p>The damage is done in place to a real publisher's segment with positional writes (tmpfs keeps them coherent
 * with every mapping). The publisher is never used to write again after its file is truncated: touching a mapped
 * page past the end of a file would be a SIGBUS in this JVM.
 */
class BadInputSegmentTest {
    private ShmRoot root;
    private Sluice publishing;
    private Sluice subscribing;

    @BeforeEach
    void setUp() {
        root = ShmRoot.create();
        publishing = Sluice.open("publishing", root.options());
        subscribing = Sluice.open("subscribing", root.options());
    }

    @AfterEach
    void tearDown() {
        subscribing.close();
        publishing.close();
        root.close();
    }

    private Path segment(String base, int generation) {
        return publishing.directory().resolve(base + "." + generation + ".seg");
    }

    @ParameterizedTest(name = "truncated to {0} bytes")
    @ValueSource(longs = {0, 100, 4096, 8192})
    @Timeout(30)
    void shouldRejectTruncatedSegmentFile(long size) throws Exception {
        Publisher<MemorySegment> publisher = publishing.publisher("/cut", TYPE, PublisherOptions.defaults());
        BadInputFiles.truncate(segment("cut", 1), size);
        Subscriber<MemorySegment> subscriber = subscribing.subscriber("/cut", TYPE, Qos.queue(4));
        CorruptDataException e = assertThrows(CorruptDataException.class, subscriber::take);
        assertContains(e.getMessage(), "segment file truncated", "size=" + size, segment("cut", 1).toString());
        assertHealthyTopicWorks(subscribing);
        publisher.close(); // closing writes nothing into the truncated slots
    }

    @Test
    @Timeout(30)
    void shouldRejectSegmentFileWithWrongMagic() throws Exception {
        Publisher<MemorySegment> publisher = publishing.publisher("/bad", TYPE, PublisherOptions.defaults());
        BadInputFiles.putLong(segment("bad", 1), SegmentLayout.MAGIC_OFFSET, 0x1122334455667788L);
        Subscriber<MemorySegment> subscriber = subscribing.subscriber("/bad", TYPE, Qos.latest());
        CorruptDataException e = assertThrows(CorruptDataException.class, subscriber::take);
        assertContains(e.getMessage(), "wrong magic", "magic=0x1122334455667788", segment("bad", 1).toString());
        assertHealthyTopicWorks(subscribing);
        publish(publisher, 0, 10); // the publisher itself carries on
    }

    @ParameterizedTest(name = "{0}={2}")
    @CsvSource({
        "version,        8,  4, 7,      'unsupported version', 'version=7'",
        "generation,     12, 4, 99,     'another generation', 'generation=99'",
        "slotCount,      24, 4, 0,      'slotCount out of range', 'slotCount=0'",
        "ringCapacity,   28, 4, 3,      'ringCapacity does not fit', 'ringCapacity=3'",
        "slotCapacity,   32, 8, -5,     'slotCapacity out of range', 'slotCapacity=-5'",
        "slotStride,     40, 8, 12345,  'slotStride does not fit', 'slotStride=12345'",
        "fileLength,     16, 8, 999999, 'fileLength does not fit', 'fileLength=999999'",
        "startSequence,  48, 8, -1,     'startSequence < 0', 'startSequence=-1'",
        "publisherIndex, 56, 4, 99,     'publisherIndex out of range', 'publisherIndex=99'",
        "incarnation,    60, 4, 12345,  'belongs to another publisher', 'incarnation=12345'",
    })
    @Timeout(30)
    void shouldRejectSegmentHeaderWithWrongField(String field, long offset, int width, long value, String problem,
                                                 String named) throws Exception {
        publishing.publisher("/bad", TYPE, PublisherOptions.defaults());
        if (width == 4) {
            BadInputFiles.putInt(segment("bad", 1), offset, (int) value);
        } else {
            BadInputFiles.putLong(segment("bad", 1), offset, value);
        }
        Subscriber<MemorySegment> subscriber = subscribing.subscriber("/bad", TYPE, Qos.queue(4));
        CorruptDataException e = assertThrows(CorruptDataException.class, subscriber::take);
        assertContains(e.getMessage(), problem, named, segment("bad", 1).toString());
        assertHealthyTopicWorks(subscribing);
    }

    @ParameterizedTest(name = "slot {0}")
    @ValueSource(ints = {8, 1000, -1, Integer.MIN_VALUE})
    @Timeout(30)
    void shouldRejectDescriptorPointingOutsideSlotPool(int slot) throws Exception {
        Publisher<MemorySegment> publisher = publishing.publisher("/ring", TYPE,
            PublisherOptions.defaults().withSlots(8));
        Subscriber<MemorySegment> queue = subscribing.subscriber("/ring", TYPE, Qos.queue(4));
        Subscriber<MemorySegment> latest = subscribing.subscriber("/ring", TYPE, Qos.latest());
        assertEquals(1, queue.publisherCount());
        assertEquals(1, latest.publisherCount());
        publish(publisher, 0, 100);
        BadInputFiles.putInt(segment("ring", 1), SegmentLayout.RING_OFFSET, slot); // the descriptor of sequence 0

        for (Subscriber<MemorySegment> subscriber : List.of(queue, latest)) {
            CorruptDataException e = assertThrows(CorruptDataException.class, subscriber::take,
                subscriber.qos().kind() + " subscriber");
            assertContains(e.getMessage(), "outside the slot pool", "slot=" + slot, "slotCount=8",
                segment("ring", 1).toString());
        }
        assertHealthyTopicWorks(subscribing);
    }

    @ParameterizedTest(name = "length {0}")
    @ValueSource(longs = {65537, -1, Long.MAX_VALUE})
    @Timeout(30)
    void shouldRejectSampleLengthOutsideItsSlot(long length) throws Exception {
        Publisher<MemorySegment> publisher = publishing.publisher("/len", TYPE,
            PublisherOptions.defaults().withInitialSize(65536));
        Subscriber<MemorySegment> subscriber = subscribing.subscriber("/len", TYPE, Qos.queue(4));
        assertEquals(1, subscriber.publisherCount());
        Path file = segment("len", 1);
        // more damaged samples than a subscriber may hold: each refusal must release the slot it pinned
        for (long sequence = 0; sequence <= Subscriber.MAX_HELD; sequence++) {
            publish(publisher, sequence, 100);
            int ringCapacity = SegmentLayout.ringCapacity(8);
            int slot = BadInputFiles.getInt(file, SegmentLayout.RING_OFFSET
                + (sequence & (ringCapacity - 1)) * Integer.BYTES);
            long slotOffset = SegmentLayout.slotsOffset(ringCapacity) + slot * SegmentLayout.slotStride(65536);
            BadInputFiles.putLong(file, slotOffset + SegmentLayout.SLOT_LENGTH, length);

            CorruptDataException e = assertThrows(CorruptDataException.class, subscriber::take, "sample " + sequence);
            assertContains(e.getMessage(), "sample length out of range", "length=" + length, "slotCapacity=65536");
        }
        publish(publisher, Subscriber.MAX_HELD + 1, 100);
        try (Sample<MemorySegment> sample = subscriber.take()) {
            assertEquals(Subscriber.MAX_HELD + 1, sample.sequence(), "the next healthy sample is taken");
        }
        assertHealthyTopicWorks(subscribing);
    }

    @Test
    @Timeout(30)
    void shouldKeepReceivingHealthyPublisherWhenAnotherPublisherSegmentIsCorrupt() throws Exception {
        Publisher<MemorySegment> broken = publishing.publisher("/mixed", TYPE, PublisherOptions.defaults());
        Publisher<MemorySegment> healthy;
        try (Sluice third = Sluice.open("third", root.options())) {
            healthy = third.publisher("/mixed", TYPE, PublisherOptions.defaults());
            BadInputFiles.putLong(segment("mixed", 1), SegmentLayout.MAGIC_OFFSET, 0x0BADL);
            Subscriber<MemorySegment> subscriber = subscribing.subscriber("/mixed", TYPE, Qos.queue(8));
            CorruptDataException first = assertThrows(CorruptDataException.class, subscriber::take);
            assertContains(first.getMessage(), "wrong magic", segment("mixed", 1).toString());
            for (long sequence = 0; sequence < 3; sequence++) {
                publish(healthy, sequence, 64);
            }
            List<Long> received = new ArrayList<>();
            int reported = 1;
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (received.size() < 3 && System.nanoTime() - deadline < 0) {
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(100))) {
                    if (sample != null) {
                        assertTrue(Payload.verify(sample.segment(), sample.sequence()));
                        received.add(sample.sequence());
                    }
                } catch (CorruptDataException e) {
                    reported++;
                    assertContains(e.getMessage(), "wrong magic", segment("mixed", 1).toString());
                }
            }
            assertEquals(1, reported, "the corrupt segment is reported once, then retried quietly");
            assertEquals(List.of(0L, 1L, 2L), received, "the healthy publisher of the same topic still delivers");

            // repaired, it is attached at a retry (every 100 ms): a late joiner, owed what it publishes from then on
            BadInputFiles.putLong(segment("mixed", 1), SegmentLayout.MAGIC_OFFSET, SegmentLayout.MAGIC);
            long[] next = {0};
            io.sluice.Await.until("the repaired publisher is attached", () -> {
                publish(broken, next[0]++, 128);
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(10))) {
                    return sample != null && sample.segment().byteSize() == 128
                        && Payload.verify(sample.segment(), sample.sequence());
                }
            });
            assertEquals(2, subscriber.publisherCount());
        }
        broken.close();
    }

    @Test
    @Timeout(30)
    void shouldNotHangOnImplausibleTailInSegment() throws Exception {
        Publisher<MemorySegment> publisher = publishing.publisher("/tail", TYPE, PublisherOptions.defaults());
        Subscriber<MemorySegment> subscriber = subscribing.subscriber("/tail", TYPE, Qos.queue(4));
        assertEquals(1, subscriber.publisherCount());
        publish(publisher, 0, 64);
        BadInputFiles.putLong(segment("tail", 1), SegmentLayout.TAIL_OFFSET, Long.MAX_VALUE);
        long start = System.nanoTime();
        try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(200))) {
            // any sample handed out must still be a whole one
            if (sample != null) {
                assertTrue(Payload.verify(sample.segment(), sample.sequence()));
            }
        } catch (CorruptDataException e) {
            assertContains(e.getMessage(), segment("tail", 1).toString());
        }
        System.out.printf("take on a segment with TAIL=Long.MAX_VALUE returned after %.1f ms, lostCount=%d%n",
            (System.nanoTime() - start) / 1e6, subscriber.lostCount());
        assertHealthyTopicWorks(subscribing);
    }

    private static void publish(Publisher<MemorySegment> publisher, long sequence, long size) {
        try (var loan = publisher.loan(size)) {
            Payload.fill(loan.segment(), sequence);
            loan.publish();
        }
    }
}

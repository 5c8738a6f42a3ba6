package io.sluice.shm;

import io.sluice.CorruptDataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SegmentLayout#validate} at each limit of a header another process wrote: the extreme values it allows
 * pass, one past each is refused with the field named. And {@link SegmentLayout#initialize} writes every field it
 * owns, whatever the memory held before.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SegmentValidateTest {
    private static final String FILE = "seg-0-1";

    private static void accept(SegmentLayout.Header header, long fileSize, long fileSystemSize) {
        SegmentLayout.validate(header, FILE, fileSize, header.generation(), fileSystemSize);
    }

    private static void refuse(SegmentLayout.Header header, long fileSize, long fileSystemSize, String says) {
        CorruptDataException e = assertThrows(CorruptDataException.class,
            () -> SegmentLayout.validate(header, FILE, fileSize, header.generation(), fileSystemSize));
        assertTrue(e.getMessage().contains(says) && e.getMessage().contains("file=" + FILE), e.getMessage());
    }

    @Test
    void shouldAcceptEachExtremeAndRefuseOnePast() {
        SegmentLayout.Header small = SegmentLayout.Header.of(1, 1, 0, 0, 0, 1); // one slot of 0 bytes
        accept(small, small.fileLength(), small.fileLength()); // a file and a file system exactly that large
        refuse(small, small.fileLength() - 1, -1, "fileLength=" + small.fileLength());
        refuse(small, SegmentLayout.RING_OFFSET - 1, -1, "minimum=" + SegmentLayout.RING_OFFSET);
        refuse(small, SegmentLayout.RING_OFFSET, -1, "fileLength=" + small.fileLength()); // past the first check
        refuse(small, small.fileLength(), small.fileLength() - 1, "exceeds its file system");

        SegmentLayout.Header most = SegmentLayout.Header.of(1, SegmentLayout.MAX_SLOTS,
            SegmentLayout.MAX_SLOT_CAPACITY, 0, TopicLayout.MAX_PUBLISHERS - 1, 1);
        accept(most, most.fileLength(), -1); // a file system that does not say its size
        refuse(SegmentLayout.Header.of(1, SegmentLayout.MAX_SLOTS + 1, 0, 0, 0, 1), Long.MAX_VALUE, -1,
            "slotCount out of range");
        refuse(SegmentLayout.Header.of(1, 0, 0, 0, 0, 1), Long.MAX_VALUE, -1, "slotCount out of range");
        refuse(SegmentLayout.Header.of(1, 1, SegmentLayout.MAX_SLOT_CAPACITY + 1, 0, 0, 1), Long.MAX_VALUE, -1,
            "slotCapacity out of range");
        SegmentLayout.Header negative = new SegmentLayout.Header(small.magic(), small.version(), 1,
            small.fileLength(), 1, small.ringCapacity(), -1, small.slotStride(), 0, 0, 1);
        refuse(negative, Long.MAX_VALUE, -1, "slotCapacity out of range");
        refuse(SegmentLayout.Header.of(1, 1, 0, 0, TopicLayout.MAX_PUBLISHERS, 1), Long.MAX_VALUE, -1,
            "publisherIndex out of range");
        refuse(SegmentLayout.Header.of(1, 1, 0, 0, -1, 1), Long.MAX_VALUE, -1, "publisherIndex out of range");
        refuse(SegmentLayout.Header.of(1, 1, 0, -1, 0, 1), Long.MAX_VALUE, -1, "startSequence < 0");
    }

    /**
     * The arithmetic of the layout (docs/SHM-FORMAT.md, segment file): the ring holds the smallest power of two of
     * entries not below the slot count, slots start on the page after it, a slot of less than a page is packed on
     * cache lines and one of a page or more starts on a page. Another process computes the same numbers from the
     * format, so each is pinned here by value.
     */
    @Test
    void shouldLayTheSegmentOutAsTheFormatSays() {
        assertEquals(java.util.List.of(1, 1, 2, 4, 4, 8, 8, SegmentLayout.MAX_SLOTS),
            java.util.stream.IntStream.of(0, 1, 2, 3, 4, 5, 8, SegmentLayout.MAX_SLOTS)
                .map(SegmentLayout::ringCapacity).boxed().toList());
        assertEquals(0, SegmentLayout.alignLong(0, 64));
        assertEquals(64, SegmentLayout.alignLong(1, 64));
        assertEquals(64, SegmentLayout.alignLong(64, 64));
        assertEquals(128, SegmentLayout.alignLong(65, 64));
        assertEquals(64, SegmentLayout.slotStride(0), "the 64-byte slot header alone");
        assertEquals(192, SegmentLayout.slotStride(100), "164 bytes, on cache lines");
        assertEquals(4096, SegmentLayout.slotStride(4096 - 64), "exactly a page");
        assertEquals(8192, SegmentLayout.slotStride(4096 - 63), "a byte more than a page: the next page");
        assertEquals(8192, SegmentLayout.slotsOffset(1), "the page after the ring's first page");
        assertEquals(8192, SegmentLayout.slotsOffset(1024), "a ring of 1024 entries fills its page");
        assertEquals(12288, SegmentLayout.slotsOffset(1025));
        assertEquals(8192 + 3 * 192, SegmentLayout.fileLength(3, 100));
    }

    /**
     * The topic file's layout as docs/SHM-FORMAT.md draws it (section 4): another process, or the Python package,
     * computes these offsets from the document, so each is pinned here by value.
     */
    @Test
    void shouldLayTheTopicFileOutAsTheFormatSays() {
        assertEquals(135168, TopicLayout.FILE_LENGTH);
        assertEquals(66304, TopicLayout.PUBLISHER_ROWS_OFFSET);
        assertEquals(67328, TopicLayout.SUBSCRIBER_ROWS_OFFSET);
        assertEquals(512, TopicLayout.SUBSCRIBER_ROW_LENGTH);
        assertEquals(384, TopicLayout.S_PINS);
        assertEquals(66304 + 3 * 64, TopicLayout.publisherRow(3));
        assertEquals(67328 + 70 * 512, TopicLayout.subscriberRow(70));
        assertEquals(67328 + 70 * 512 + 128 + 5 * 16, TopicLayout.cursor(70, 5));
        assertEquals(67328 + 70 * 512 + 384 + 7 * 8, TopicLayout.pin(70, 7));
        assertEquals((9L << 32) | 4, TopicLayout.pinValue(9, 3), "generation << 32 | (slot + 1)");
        assertEquals(128, TopicLayout.align(65, 64));
        assertEquals(64, TopicLayout.align(64, 64));
    }

    /**
     * A segment's file is new (zero) when it is initialised, so a store of a zero field would go unnoticed there;
     * over memory full of other bytes each field must read back as written: the header, TAIL at the start sequence,
     * and every slot marked WRITING (never a sequence a subscriber could accept).
     */
    @Test
    void shouldWriteEveryFieldItOwnsOverMemoryThatWasNotZero() {
        SegmentLayout.Header header = SegmentLayout.Header.of(3, 5, 100, 1_000, 7, 9);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(header.fileLength(), 8);
            memory.fill((byte) 0x5A);
            SegmentLayout.initialize(memory, header);
            assertEquals(header, SegmentLayout.Header.read(memory));
            SegmentLayout.validate(SegmentLayout.Header.read(memory), FILE, header.fileLength(), 3, -1);
            assertEquals(1_000, memory.get(JAVA_LONG, SegmentLayout.TAIL_OFFSET), "TAIL");
            for (int slot = 0; slot < header.slotCount(); slot++) {
                long offset = header.slotsOffset() + slot * header.slotStride() + SegmentLayout.SLOT_SEQUENCE;
                assertEquals(SegmentLayout.WRITING, memory.get(JAVA_LONG, offset), "slot " + slot);
            }
        }
    }
}

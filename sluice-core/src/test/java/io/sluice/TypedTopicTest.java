package io.sluice;

import io.sluice.exec.SensorMultiplexer;
import io.sluice.msg.Cdr;
import io.sluice.msg.CdrReader;
import io.sluice.msg.CdrTree;
import io.sluice.msg.CdrType;
import io.sluice.msg.MalformedMessageException;
import io.sluice.msg.std_msgs.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CDR messages over the shared-memory transport: loans sized with room, topics decoded from their schema alone. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TypedTopicTest {
    private final TestRoot root = new TestRoot();

    @AfterEach
    void removeRoot() {
        root.close();
    }

    @Test
    void shouldSendOnlyTheBytesTheMessageTakesOfALargerLoan() {
        try (Sluice sluice = Sluice.open("typed", root.options())) {
            Subscriber<Header> subscriber = sluice.subscriber("/header", Header.TYPE, Qos.queue(4));
            Publisher<Header> publisher = sluice.publisher("/header", Header.TYPE);
            try (Loan<Header> loan = publisher.loan(Header.TYPE.withCapacity(1024))) {
                loan.message().frameId("base_link").stamp().sec(42).nanosec(7);
                loan.publish();
            }
            try (Sample<Header> sample = subscriber.take(Duration.ofSeconds(5))) {
                assertNotNull(sample);
                assertEquals(4 + 8 + 4 + "base_link".length() + 1, sample.segment().byteSize());
                assertEquals("base_link", sample.message().frameId());
                assertEquals(42, sample.message().stamp().sec());
                assertEquals(7, sample.message().stamp().nanosec());
            }
        }
    }

    @Test
    void shouldDecodeATopicFromTheSchemaItCarries() {
        try (Sluice camera = Sluice.open("camera", root.options()); Sluice tool = Sluice.open("tool", root.options())) {
            Publisher<Header> publisher = camera.publisher("/header", Header.TYPE);
            TopicInfo info = tool.topicInfo("/header").orElseThrow();
            assertEquals("std_msgs/msg/Header", info.typeName());
            assertEquals(Header.TYPE.schema(), info.schema());
            assertEquals(Header.TYPE.hash(), info.typeHash());

            CdrType<MemorySegment> dynamic = CdrType.dynamic(info.typeName(), info.schema());
            Subscriber<MemorySegment> subscriber = tool.subscriber("/header", dynamic, Qos.queue(4));
            try (Loan<Header> loan = publisher.loan(Header.TYPE.withCapacity(256))) {
                loan.message().frameId("map").stamp().sec(-3);
                loan.publish();
            }
            try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(5))) {
                CdrTree tree = CdrReader.read(dynamic.msgSchema(), sample.message());
                assertEquals("map", tree.get("frame_id"));
                assertEquals(-3L, tree.get("stamp.sec"));
            }
        }
    }

    @Test
    void shouldTreatSchemasThatDifferOnlyInCommentsAsTheSameType() {
        String commented = "# a stamp and a frame, described otherwise\nbuiltin_interfaces/Time stamp  # when\n\n"
            + "string frame_id\n" + "=".repeat(80) + "\nMSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n";
        CdrType<MemorySegment> other = CdrType.dynamic("std_msgs/msg/Header", commented);
        assertEquals(Header.TYPE.hash(), other.hash());
        try (Sluice sluice = Sluice.open("tool", root.options())) {
            sluice.publisher("/header", Header.TYPE);
            sluice.subscriber("/header", other, Qos.latest()); // compatible: no exception
            CdrType<MemorySegment> changed = CdrType.dynamic("std_msgs/msg/Header",
                commented.replace("string frame_id", "string<=8 frame_id"));
            assertThrows(IncompatibleTypeException.class, () -> sluice.subscriber("/header", changed, Qos.latest()));
        }
    }

    @Test
    void shouldKeepOneFlyweightPerSlotWhenMessageLengthsVary() {
        try (Sluice sluice = Sluice.open("typed", root.options())) {
            Subscriber<Header> subscriber = sluice.subscriber("/header", Header.TYPE, Qos.queue(4));
            Publisher<Header> publisher = sluice.publisher("/header", Header.TYPE,
                PublisherOptions.defaults().withSlots(2));
            java.util.Set<Header> views = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (int i = 0; i < 40; i++) {
                String frame = "frame_" + "x".repeat(i % 7);
                try (Loan<Header> loan = publisher.loan(Header.TYPE.withCapacity(128))) {
                    loan.message().frameId(frame).stamp().sec(i);
                    loan.publish();
                }
                try (Sample<Header> sample = subscriber.take(Duration.ofSeconds(5))) {
                    assertEquals(frame, sample.message().frameId());
                    assertEquals(i, sample.message().stamp().sec());
                    assertEquals(Header.TYPE.encodedSize(sample.segment()), sample.segment().byteSize());
                    views.add(sample.message());
                }
            }
            assertTrue(views.size() <= 2, "one view per slot, re-pointed when the length changes: " + views.size());
        }
    }

    @Test
    void shouldSummariseLongArraysOfMessagesWithoutDecodingThemAll() {
        CdrType<MemorySegment> type = CdrType.dynamic("test_msgs/msg/Flags",
            "Flag[] flags\nstring[] names\nint32 after\n" + "=".repeat(80) + "\nMSG: test_msgs/Flag\nbool on\n");
        int count = 1_000_000;
        MemorySegment message = MemorySegment.ofArray(new byte[16 + count + 8 * count + 16]);
        io.sluice.msg.Cdr.writeHeader(message);
        long p = io.sluice.msg.Cdr.write32(message, io.sluice.msg.Cdr.ORIGIN, count);
        for (int i = 0; i < count; i++) {
            p = io.sluice.msg.Cdr.write8(message, p, i & 1);
        }
        p = io.sluice.msg.Cdr.write32(message, p, count);
        for (int i = 0; i < count; i++) {
            p = io.sluice.msg.Cdr.writeString(message, p, "");
        }
        io.sluice.msg.Cdr.write32(message, p, 42);

        CdrTree tree = CdrReader.read(type.msgSchema(), message);
        CdrTree.Bulk flags = (CdrTree.Bulk) tree.get("flags");
        assertEquals(count, flags.length());
        assertEquals(CdrReader.DEFAULT_BULK_LIMIT, flags.first().size());
        assertEquals(true, ((CdrTree) flags.first().get(1)).get("on"));
        assertEquals(count, ((CdrTree.Bulk) tree.get("names")).length());
        assertEquals(42L, tree.get("after"), "the elements not shown are still walked and checked");
    }

    @Test
    void shouldSayThereIsNoTopicWhenNobodyCreatedIt() {
        try (Sluice sluice = Sluice.open("tool", root.options())) {
            assertFalse(sluice.topicInfo("/nothing").isPresent());
        }
    }

    /**
     * README: bad data raises {@code MalformedMessageException} naming type, field and byte offset. A publish of bytes
     * that are not the message is refused so, and the loan's slot is not lost.
     */
    @Test
    void shouldKeepTheLoanWhenTheMessageIsNotValidCdr() {
        try (Sluice sluice = Sluice.open("typed", root.options())) {
            Subscriber<Header> subscriber = sluice.subscriber("/header", Header.TYPE, Qos.queue(4));
            Publisher<Header> publisher = sluice.publisher("/header", Header.TYPE, PublisherOptions.defaults());
            Loan<Header> loan = publisher.loan(64);
            loan.segment().fill((byte) 0x7f); // not even an encapsulation header
            assertMalformed("(encapsulation)", 0, assertThrows(MalformedMessageException.class, loan::publish));
            loan.close(); // the slot goes back: the publisher can loan every slot again

            Loan<Header> overlong = publisher.loan(64);
            Cdr.writeHeader(overlong.segment());
            Cdr.write32(overlong.segment(), FRAME_ID_OFFSET, 1000); // frame_id: 1000 bytes in a 64-byte loan
            assertMalformed("frame_id", FRAME_ID_OFFSET,
                assertThrows(MalformedMessageException.class, overlong::publish));
            overlong.close();
            assertNull(subscriber.take(), "nothing of the refused messages was published");

            for (int i = 0; i < 20; i++) {
                try (Loan<Header> next = publisher.loan(Header.TYPE.withCapacity(64))) {
                    next.publish();
                }
            }
            assertEquals(20, publisher.publishedCount());
        }
    }

    /** The same promise on the in-process transport. */
    @Test
    void shouldRefuseAMessageThatIsNotValidCdrOnTheSensorMultiplexer() {
        try (SensorMultiplexer<Header> mux = SensorMultiplexer.create(Header.TYPE, 64, 1)) {
            Subscriber<Header> subscriber = mux.subscriber();
            Loan<Header> overlong = mux.publisher().loan(64);
            Cdr.writeHeader(overlong.segment());
            Cdr.write32(overlong.segment(), FRAME_ID_OFFSET, 1000);
            assertMalformed("frame_id", FRAME_ID_OFFSET,
                assertThrows(MalformedMessageException.class, overlong::publish));
            overlong.close();
            assertNull(subscriber.take(), "nothing was published");
            try (Loan<Header> next = mux.publisher().loan(Header.TYPE.withCapacity(64))) {
                next.message().frameId("map");
                next.publish();
            }
            try (Sample<Header> sample = subscriber.take()) {
                assertEquals("map", sample.message().frameId());
            }
        }
    }

    /** Where std_msgs/Header's frame_id starts: after the encapsulation header and the stamp's sec and nanosec. */
    private static final long FRAME_ID_OFFSET = Cdr.ORIGIN + 8;

    private static void assertMalformed(String field, long offset, MalformedMessageException e) {
        assertEquals(field, e.field(), e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().startsWith("std_msgs/msg/Header." + field + " at offset " + offset + ": "),
            "the message names type, field and offset: " + e.getMessage());
    }
}

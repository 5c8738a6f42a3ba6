package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class McapWriterReaderTest {
    @TempDir
    Path dir;

    private static McapWriterOptions small(McapCompression compression) {
        return McapWriterOptions.defaults().withCompression(compression).withChunkSize(8 * 1024);
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    void shouldReadBackEveryMessageInLogTimeOrder(McapCompression compression) throws IOException {
        Written written = Written.write(dir.resolve("run.mcap"), small(compression), 400, 1);
        try (McapReader reader = McapReader.open(written.file())) {
            assertEquals("ros2", reader.profile());
            assertEquals("sluice", reader.library());
            assertEquals(1, reader.schemas().size());
            assertEquals(Written.SCHEMA_TEXT, reader.schemas().get(1).text());
            assertEquals(2, reader.channels().size());
            assertEquals("queue(4)", reader.channels().get(1).metadata().get("sluice_qos"));
            assertTrue(reader.chunkIndexes().size() > 10, "chunks: " + reader.chunkIndexes().size());
            for (McapChunkIndex index : reader.chunkIndexes()) {
                assertEquals(compression.wireName(), index.compression());
            }
            List<Written.Message> expected = written.inLogTimeOrder();
            List<McapMessage> read = all(reader.messages());
            assertEquals(expected.size(), read.size());
            for (int i = 0; i < read.size(); i++) {
                expected.get(i).assertSame(read.get(i));
            }
            McapStatistics statistics = reader.statistics().orElseThrow();
            assertEquals(400, statistics.messageCount());
            assertEquals(reader.chunkIndexes().size(), statistics.chunkCount());
            assertEquals(expected.getFirst().logTime(), statistics.messageStartTime());
            assertEquals(expected.getLast().logTime(), statistics.messageEndTime());
            long left = written.messages().stream().filter(m -> m.topic().equals("/camera/left")).count();
            assertEquals(left, statistics.channelMessageCounts().get(1));
            assertEquals(400 - left, statistics.channelMessageCounts().get(2));
        }
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    void shouldReadOnlyTheTopicsAndTimesAskedFor(McapCompression compression) throws IOException {
        Written written = Written.write(dir.resolve("run.mcap"), small(compression), 300, 2);
        List<Written.Message> sorted = written.inLogTimeOrder();
        long from = sorted.get(100).logTime();
        long to = sorted.get(200).logTime();
        List<Written.Message> expected = sorted.stream()
            .filter(m -> m.topic().equals("/camera/right") && m.logTime() >= from && m.logTime() < to).toList();
        try (McapReader reader = McapReader.open(written.file())) {
            List<McapMessage> read = all(reader.messages(from, to, Set.of("/camera/right")));
            assertEquals(expected.size(), read.size());
            for (int i = 0; i < read.size(); i++) {
                expected.get(i).assertSame(read.get(i));
            }
            assertEquals(0, all(reader.messages(0, -1, Set.of("/nobody"))).size());
        }
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    void shouldStreamEveryMessageInFileOrderAndSayTheFileIsFinished(McapCompression compression) throws IOException {
        Written written = Written.write(dir.resolve("run.mcap"), small(compression), 250, 3);
        List<Written.Message> expected = written.messages();
        List<Integer> seen = new ArrayList<>();
        McapStreamReader.Result result = McapStreamReader.read(written.file(), message -> {
            expected.get(seen.size()).assertSame(message);
            seen.add(1);
        });
        assertTrue(result.finished(), result.toString());
        assertEquals(250, result.messages());
        assertEquals(250, seen.size());
        assertEquals(null, result.stop());
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    void shouldWriteCrcsOfTheDataSectionAndTheSummaryThatMatchTheBytes(McapCompression compression)
        throws IOException {
        Written written = Written.write(dir.resolve("run.mcap"), small(compression), 120, 4);
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(written.file())).order(ByteOrder.LITTLE_ENDIAN);
        int footer = file.limit() - 8 - 29;
        int summaryStart = (int) file.getLong(footer + 9);
        int dataEnd = summaryStart - 13;
        assertEquals(0x0F, file.get(dataEnd), "a Data End record right before the summary");
        assertEquals(crc(file, 0, dataEnd), file.getInt(dataEnd + 9) & 0xFFFF_FFFFL, "data section CRC");
        assertEquals(crc(file, summaryStart, footer + 25), file.getInt(footer + 25) & 0xFFFF_FFFFL, "summary CRC");
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    void shouldIndexEveryMessageOfEveryChunkWhereItIs(McapCompression compression) throws IOException {
        Written written = Written.write(dir.resolve("run.mcap"), small(compression), 200, 6);
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(written.file())).order(ByteOrder.LITTLE_ENDIAN);
        long indexed = 0;
        try (McapReader reader = McapReader.open(written.file())) {
            for (McapChunkIndex chunk : reader.chunkIndexes()) {
                // the chunk's records, uncompressed (the Chunk record: prefix 9, three u64, u32 CRC, the compression
                // string, the u64 length of its records)
                int at = (int) chunk.chunkStartOffset();
                int nameLength = file.getInt(at + 9 + 28);
                int recordsAt = at + 9 + 32 + nameLength + 8;
                MemorySegment stored = MemorySegment.ofArray(file.array()).asSlice(recordsAt, chunk.compressedSize());
                ByteBuffer records = compression.decompress(stored, chunk.uncompressedSize()).asByteBuffer()
                    .order(ByteOrder.LITTLE_ENDIAN);
                long indexLength = 0;
                for (var entry : chunk.messageIndexOffsets().entrySet()) {
                    int index = (int) (long) entry.getValue();
                    assertEquals(0x07, file.get(index), "a Message Index record where the chunk index says");
                    long length = file.getLong(index + 1);
                    indexLength += 9 + length;
                    assertEquals((int) entry.getKey(), file.getShort(index + 9) & 0xFFFF, "its channel");
                    int pairs = file.getInt(index + 11) / 16;
                    assertEquals(length, 2 + 4 + 16L * pairs);
                    for (int k = 0; k < pairs; k++) {
                        long logTime = file.getLong(index + 15 + 16 * k);
                        int offset = (int) file.getLong(index + 15 + 16 * k + 8);
                        assertEquals(0x05, records.get(offset), "a Message record at the indexed offset");
                        assertEquals((int) entry.getKey(), records.getShort(offset + 9) & 0xFFFF, "on its channel");
                        assertEquals(logTime, records.getLong(offset + 9 + 6), "with the indexed log time");
                        indexed++;
                    }
                }
                assertEquals(chunk.messageIndexLength(), indexLength, "the message index records' length");
            }
        }
        assertEquals(200, indexed, "every message indexed once");
    }

    @Test
    void shouldReadAMessageAtTheLastPossibleTimeWhenAskedForAllTimes() throws IOException {
        Path file = dir.resolve("late.mcap");
        try (McapWriter writer = McapWriter.create(file, McapWriterOptions.defaults())) {
            int channel = writer.channel("/late", 0, "cdr", java.util.Map.of());
            writer.write(channel, 0, -1L, -1L, new byte[] {42}); // 2^64 - 1 ns, unsigned
        }
        try (McapReader reader = McapReader.open(file)) {
            List<McapMessage> all = all(reader.messages());
            assertEquals(1, all.size());
            assertEquals(-1L, all.getFirst().logTime());
        }
    }

    @Test
    void shouldWriteZerosForCrcsWhenAskedNotToAndStillReadBack() throws IOException {
        Written written = Written.write(dir.resolve("run.mcap"), small(McapCompression.NONE).withCrc(false), 50, 5);
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(written.file())).order(ByteOrder.LITTLE_ENDIAN);
        int footer = file.limit() - 8 - 29;
        assertEquals(0, file.getInt(footer + 25), "summary CRC");
        int dataEnd = (int) file.getLong(footer + 9) - 13;
        assertEquals(0x0F, file.get(dataEnd));
        assertEquals(0, file.getInt(dataEnd + 9), "data section CRC");
        try (McapReader reader = McapReader.open(written.file())) {
            assertEquals(50, all(reader.messages()).size());
            for (McapChunkIndex index : reader.chunkIndexes()) {
                assertEquals(0, file.getInt((int) index.chunkStartOffset() + 9 + 24), "chunk CRC");
            }
        }
    }

    @Test
    void shouldWriteTheSameSchemaAndChannelOnceWhateverHowOftenTheyAreAskedFor() throws IOException {
        Path file = dir.resolve("once.mcap");
        try (McapWriter writer = McapWriter.create(file, McapWriterOptions.defaults())) {
            int a = writer.schema("pkg/msg/A", "ros2msg", "int32 a\n".getBytes());
            assertEquals(a, writer.schema("pkg/msg/A", "ros2msg", "int32 a\n".getBytes()));
            int b = writer.schema("pkg/msg/A", "ros2msg", "int32 b\n".getBytes());
            assertTrue(a != b, "another text is another schema");
            int channel = writer.channel("/a", a, "cdr", java.util.Map.of());
            assertEquals(channel, writer.channel("/a", a, "cdr", java.util.Map.of()));
            writer.write(channel, 7, 100, 90, MemorySegment.ofArray(new byte[] {1, 2, 3}));
        }
        try (McapReader reader = McapReader.open(file)) {
            assertEquals(2, reader.schemas().size());
            assertEquals(1, reader.channels().size());
            assertEquals(1, reader.statistics().orElseThrow().messageCount());
        }
    }

    @Test
    void shouldRefuseToOverwriteAFile() throws IOException {
        Path file = dir.resolve("exists.mcap");
        Files.writeString(file, "precious");
        org.junit.jupiter.api.Assertions.assertThrows(java.nio.file.FileAlreadyExistsException.class,
            () -> McapWriter.create(file, McapWriterOptions.defaults()));
        assertEquals("precious", Files.readString(file));
    }

    @Test
    void shouldRejectAMessageOnAChannelItNeverWrote() throws IOException {
        try (McapWriter writer = McapWriter.create(dir.resolve("x.mcap"), McapWriterOptions.defaults())) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> writer.write(3, 0, 0, 0, new byte[1]));
            assertEquals("no such channel in this file: channelId=3", e.getMessage());
        }
    }

    private static long crc(ByteBuffer file, int from, int to) {
        CRC32 crc = new CRC32();
        crc.update(file.duplicate().position(from).limit(to));
        return crc.getValue();
    }

    static List<McapMessage> all(Iterator<McapMessage> messages) {
        List<McapMessage> list = new ArrayList<>();
        messages.forEachRemaining(list::add);
        return list;
    }
}

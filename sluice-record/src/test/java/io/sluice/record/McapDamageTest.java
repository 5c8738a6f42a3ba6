package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Files cut short, with a bad byte, or no MCAP at all: every reader says what and where, none hands out garbage. */
class McapDamageTest {
    @TempDir
    Path dir;

    private Written written(McapCompression compression, int count) throws IOException {
        return Written.write(dir.resolve("good-" + compression + ".mcap"),
            McapWriterOptions.defaults().withCompression(compression).withChunkSize(8 * 1024), count, 11);
    }

    private Path copy(Path file, byte[] bytes) throws IOException {
        Path damaged = dir.resolve("damaged-" + System.nanoTime() + ".mcap");
        Files.write(damaged, bytes);
        return damaged;
    }

    @Test
    void shouldSayAFileWithoutTheMagicIsNoMcapFile() throws IOException {
        Path file = copy(null, "PK\u0003\u0004 this is a zip, not a recording".getBytes());
        McapFormatException indexed = assertThrows(McapFormatException.class, () -> McapReader.open(file));
        assertTrue(indexed.getMessage().contains("not an MCAP file"), indexed.getMessage());
        assertEquals(0, indexed.offset());
        McapFormatException streamed = assertThrows(McapFormatException.class,
            () -> McapStreamReader.read(file, message -> { }));
        assertTrue(streamed.getMessage().contains("not an MCAP file"), streamed.getMessage());
        Path empty = copy(null, new byte[0]);
        assertThrows(McapFormatException.class, () -> McapReader.open(empty));
        assertThrows(McapFormatException.class, () -> McapStreamReader.read(empty, message -> { }));
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    void shouldHandOutOnlyWholeMessagesOfAFileCutShortAnywhere(McapCompression compression) throws IOException {
        Written written = written(compression, 60);
        byte[] bytes = Files.readAllBytes(written.file());
        ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long dataEndStart = view.getLong(bytes.length - 8 - 29 + 9) - 13; // right before the summary
        int step = Math.max(1, bytes.length / 400);
        for (int cut = 0; cut < bytes.length; cut += step) {
            Path file = copy(written.file(), Arrays.copyOf(bytes, cut));
            McapFormatException refused = assertThrows(McapFormatException.class, () -> McapReader.open(file),
                "cut at " + cut);
            assertTrue(refused.getMessage().contains(file.toString()), refused.getMessage());
            for (boolean salvage : new boolean[] {false, true}) {
                List<McapMessage> seen = new ArrayList<>();
                McapStreamReader.Result result;
                if (cut < 8) {
                    assertThrows(McapFormatException.class, () -> McapStreamReader.read(file, message -> { }));
                    continue;
                }
                McapStreamReader.Visitor visitor = message -> {
                    written.messages().get(seen.size()).assertSame(message); // a prefix of what was written
                    seen.add(message);
                };
                result = salvage ? McapStreamReader.salvage(file, visitor) : McapStreamReader.read(file, visitor);
                assertEquals(cut >= dataEndStart + 13, result.finished(), "cut at " + cut + ": " + result);
                if (!result.finished()) {
                    assertTrue(result.stop() != null, result.toString());
                }
                assertEquals(seen.size(), result.messages());
                assertTrue(result.readUpTo() <= cut, result.toString());
            }
            Files.delete(file);
        }
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    void shouldNameTheChunkWhoseBytesChangedAndSkipOnlyItWhenSalvaging(McapCompression compression)
        throws IOException {
        Written written = written(compression, 80);
        McapChunkIndex victim;
        int chunks;
        try (McapReader reader = McapReader.open(written.file())) {
            chunks = reader.chunkIndexes().size();
            victim = reader.chunkIndexes().get(chunks / 2);
        }
        byte[] bytes = Files.readAllBytes(written.file());
        int at = (int) (victim.chunkStartOffset() + victim.chunkLength() - 3); // in the records' last bytes
        bytes[at] ^= 0x5A;
        Path file = copy(written.file(), bytes);

        try (McapReader reader = McapReader.open(file)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> McapWriterReaderTest.all(reader.messages()));
            McapFormatException cause = (McapFormatException) e.getCause();
            assertEquals(victim.chunkStartOffset(), cause.offset(), cause.getMessage());
            assertEquals("Chunk", cause.record());
            String message = cause.getMessage();
            assertTrue(message.contains("offset " + victim.chunkStartOffset()), message);
            assertTrue(message.contains("bad CRC of the records")
                || (compression != McapCompression.NONE && message.contains("do not decompress")), message);
        }
        McapFormatException strict = assertThrows(McapFormatException.class,
            () -> McapStreamReader.read(file, message -> { }));
        assertEquals(victim.chunkStartOffset(), strict.offset(), strict.getMessage());

        List<McapMessage> salvaged = new ArrayList<>();
        McapStreamReader.Result result = McapStreamReader.salvage(file, salvaged::add);
        assertTrue(result.finished(), result.toString());
        assertEquals(1, result.damagedChunks());
        assertEquals(chunks - 1, result.chunks());
        assertTrue(salvaged.size() < 80 && salvaged.size() > 40, "salvaged " + salvaged.size());
    }

    @ParameterizedTest
    @EnumSource(value = McapCompression.class, names = {"ZSTD", "LZ4"})
    void shouldRefuseAChunkThatClaimsMoreThanItHoldsWithoutTakingTheMemoryItClaims(McapCompression compression)
        throws IOException {
        Written written = written(compression, 40);
        McapChunkIndex first;
        try (McapReader reader = McapReader.open(written.file())) {
            first = reader.chunkIndexes().get(1); // not the first: that one holds the schema and the channels
        }
        byte[] bytes = Files.readAllBytes(written.file());
        // uncompressed_size of the second chunk: 2 GiB less a little, over a frame of a few KiB
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong((int) first.chunkStartOffset() + 9 + 16,
            Integer.MAX_VALUE - 100);
        Path file = copy(written.file(), bytes);
        McapFormatException e = assertThrows(McapFormatException.class,
            () -> McapStreamReader.read(file, message -> { }));
        assertEquals(first.chunkStartOffset(), e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("where the chunk says " + (Integer.MAX_VALUE - 100)), e.getMessage());
        List<McapMessage> salvaged = new ArrayList<>();
        McapStreamReader.Result result = McapStreamReader.salvage(file, salvaged::add);
        assertEquals(1, result.damagedChunks(), result.toString());
    }

    @Test
    void shouldLeaveNoOutputWhenWhatItRecoversFromIsNoMcapFile() throws IOException {
        Path notMcap = copy(null, "not a recording at all".getBytes());
        Path output = dir.resolve("recovered.mcap");
        assertThrows(McapFormatException.class,
            () -> McapRecovery.recover(notMcap, output, McapWriterOptions.defaults()));
        assertFalse(Files.exists(output), "a failed recovery leaves nothing that looks finished");
    }

    @Test
    void shouldNameABadSummaryCrc() throws IOException {
        Written written = written(McapCompression.NONE, 30);
        byte[] bytes = Files.readAllBytes(written.file());
        ByteBuffer view = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int footer = bytes.length - 8 - 29;
        int summaryStart = (int) view.getLong(footer + 9);
        bytes[summaryStart + 20] ^= 1;
        Path file = copy(written.file(), bytes);
        McapFormatException e = assertThrows(McapFormatException.class, () -> McapReader.open(file));
        assertTrue(e.getMessage().contains("bad CRC of the summary"), e.getMessage());
        assertEquals(footer, e.offset());
    }

    @Test
    void shouldNameARecordWhoseLengthRunsPastTheEnd() throws IOException {
        Written written = Written.write(dir.resolve("nocrc.mcap"),
            McapWriterOptions.defaults().withChunkSize(8 * 1024).withCrc(false), 30, 12);
        byte[] bytes = Files.readAllBytes(written.file());
        McapChunkIndex first;
        try (McapReader reader = McapReader.open(written.file())) {
            first = reader.chunkIndexes().getFirst();
        }
        // the first record in the first chunk: its length becomes larger than the chunk
        int record = (int) first.chunkStartOffset() + Mcap.CHUNK_FIXED;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(record + 1, 1L << 40);
        Path file = copy(written.file(), bytes);
        McapFormatException e = assertThrows(McapFormatException.class,
            () -> McapStreamReader.read(file, message -> { }));
        assertTrue(e.getMessage().contains("runs past the end") && e.getMessage().contains("at offset 0 of the records"),
            e.getMessage());
        assertEquals(first.chunkStartOffset(), e.offset());
    }
}

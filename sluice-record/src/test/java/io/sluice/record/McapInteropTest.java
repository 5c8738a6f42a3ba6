package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.msg.geometry_msgs.Point;
import io.sluice.msg.sensor_msgs.Image;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sluice's files as Foxglove's {@code @mcap/core} reads them (every record, every CRC, the messages decoded by
 * {@code @foxglove/rosmsg2-serialization}), and {@code @mcap/core}'s files as Sluice reads them.
 */
class McapInteropTest {
    @TempDir
    Path dir;

    /** A std_msgs/msg/String in CDR: encapsulation (little endian), length with the NUL, bytes, NUL. */
    static byte[] stringCdr(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        ByteBuffer cdr = ByteBuffer.allocate(4 + 4 + utf8.length + 1).order(ByteOrder.LITTLE_ENDIAN);
        cdr.put(new byte[] {0, 1, 0, 0}).putInt(utf8.length + 1).put(utf8).put((byte) 0);
        return cdr.array();
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    void shouldBeReadByMcapCoreWithEveryRecordAndCrcChecked(McapCompression compression) throws IOException {
        Path file = dir.resolve("sluice-" + compression + ".mcap");
        List<String> strings = new ArrayList<>();
        List<Long> imageSums = new ArrayList<>();
        int chunks;
        try (Arena arena = Arena.ofConfined();
             McapWriter writer = McapWriter.create(file, McapWriterOptions.defaults().withCompression(compression)
                 .withChunkSize(64 * 1024))) {
            int stringSchema = writer.schema(io.sluice.msg.std_msgs.String.NAME, "ros2msg",
                io.sluice.msg.std_msgs.String.TYPE.schema().getBytes(StandardCharsets.UTF_8));
            int imageSchema = writer.schema(Image.NAME, "ros2msg", Image.TYPE.schema().getBytes(StandardCharsets.UTF_8));
            int chatter = writer.channel("/chatter", stringSchema, "cdr", Map.of("offered_qos_profiles", ""));
            int camera = writer.channel("/camera/rgb", imageSchema, "cdr", Map.of("sluice_qos", "reliable(4)"));
            Image.Shape shape = Image.sized(64, 48, "rgb8").frameId("zed_left");
            MemorySegment frame = arena.allocate(shape.byteSize());
            for (int i = 0; i < 30; i++) {
                String text = "frame " + i + " — ✓";
                strings.add(text);
                writer.write(chatter, i, 1_000_000L * i, 1_000_000L * i - 10, stringCdr(text));
                shape.initialize(frame);
                Image image = new Image(frame);
                MemorySegment pixels = image.data();
                long sum = 0;
                for (long k = 0; k < pixels.byteSize(); k++) {
                    byte value = (byte) (k * 13 + i);
                    pixels.set(ValueLayout.JAVA_BYTE, k, value);
                    sum += value & 0xFF;
                }
                imageSums.add(sum);
                image.header().stamp().sec(i).nanosec(500);
                writer.write(camera, i, 1_000_000L * i + 1, 1_000_000L * i, frame.asSlice(0,
                    Image.TYPE.encodedSize(frame)));
            }
        }
        try (McapReader reader = McapReader.open(file)) {
            chunks = reader.chunkIndexes().size();
        }
        JsonNode read = McapOracle.check(file);
        assertEquals("ros2", read.at("/header/profile").asText());
        assertEquals("sluice", read.at("/header/library").asText());
        assertEquals("ok", read.at("/crcs/dataSection").asText(), read.get("crcs").toString());
        assertEquals("ok", read.at("/crcs/summary").asText(), read.get("crcs").toString());
        assertEquals(2, read.get("schemas").size());
        assertEquals(Image.TYPE.schema(), read.at("/schemas/1/data").asText());
        assertEquals("reliable(4)", read.at("/channels/1/metadata/sluice_qos").asText());
        assertEquals("60", read.at("/statistics/messageCount").asText());
        assertEquals(chunks, read.get("chunkIndexes").asInt());
        JsonNode counts = read.get("counts");
        assertEquals(1, counts.get("Header").asInt());
        assertEquals(chunks, counts.get("Chunk").asInt());
        assertEquals(chunks, counts.get("ChunkIndex").asInt());
        assertTrue(counts.get("MessageIndex").asInt() >= chunks, counts.toString());
        assertEquals(60, counts.get("Message").asInt());
        assertEquals(1, counts.get("Statistics").asInt());
        assertEquals(4, counts.get("SummaryOffset").asInt()); // schemas, channels, statistics, chunk indexes
        assertEquals(1, counts.get("DataEnd").asInt());
        assertEquals(1, counts.get("Footer").asInt());
        assertEquals(4, read.get("summaryOffsets").asInt());
        JsonNode messages = read.get("messages");
        assertEquals(60, messages.size());
        for (int i = 0; i < 30; i++) {
            JsonNode text = messages.get(2 * i);
            assertEquals("/chatter", text.get("topic").asText());
            assertEquals(i, text.get("sequence").asInt());
            assertEquals(Long.toString(1_000_000L * i), text.get("logTime").asText());
            assertEquals(strings.get(i), text.at("/decoded/data").asText());
            JsonNode image = messages.get(2 * i + 1);
            assertEquals("/camera/rgb", image.get("topic").asText());
            assertEquals(64, image.at("/decoded/width").asInt());
            assertEquals(48, image.at("/decoded/height").asInt());
            assertEquals("rgb8", image.at("/decoded/encoding").asText());
            assertEquals("zed_left", image.at("/decoded/header/frame_id").asText());
            assertEquals(i, image.at("/decoded/header/stamp/sec").asInt());
            assertEquals(64 * 48 * 3, image.at("/decoded/data/length").asInt());
            assertEquals(Long.toString(imageSums.get(i)), image.at("/decoded/data/sum").asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void shouldReadWhatMcapCoreWrote(String compression) throws IOException {
        Path file = dir.resolve("mcap-core-" + compression + ".mcap");
        JsonNode written = McapOracle.write(file, compression).get("messages");
        List<McapMessage> read = new ArrayList<>();
        try (McapReader reader = McapReader.open(file)) {
            assertEquals("ros2", reader.profile());
            assertTrue(reader.chunkIndexes().size() > 1, "chunks: " + reader.chunkIndexes().size());
            if (compression.equals("zstd")) {
                assertEquals("zstd", reader.chunkIndexes().getFirst().compression());
            }
            Iterator<McapMessage> messages = reader.messages();
            messages.forEachRemaining(read::add);
            assertEquals(written.size(), read.size());
            for (int i = 0; i < read.size(); i++) {
                assertSame(written.get(i), read.get(i));
            }
        }
        List<McapMessage> streamed = new ArrayList<>();
        McapStreamReader.Result result = McapStreamReader.read(file, message -> {
            assertSame(written.get(streamed.size()), message);
            streamed.add(message);
        });
        assertTrue(result.finished(), result.toString());
        assertEquals(written.size(), streamed.size());
    }

    private static void assertSame(JsonNode expected, McapMessage message) {
        assertEquals(expected.get("topic").asText(), message.channel().topic());
        assertEquals(expected.get("sequence").asLong(), message.sequence());
        assertEquals(expected.get("logTime").asText(), Long.toUnsignedString(message.logTime()));
        assertEquals(expected.get("publishTime").asText(), Long.toUnsignedString(message.publishTime()));
        assertEquals(expected.get("size").asInt(), message.data().byteSize());
        if (message.channel().topic().equals("/chatter")) {
            assertEquals(expected.at("/decoded/data").asText(),
                new io.sluice.msg.std_msgs.String(message.data()).data());
        } else {
            Point point = new Point(message.data());
            assertEquals(expected.at("/decoded/x").asDouble(), point.x());
            assertEquals(expected.at("/decoded/y").asDouble(), point.y());
            assertEquals(expected.at("/decoded/z").asDouble(), point.z());
        }
    }
}

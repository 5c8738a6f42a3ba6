package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A test file and what was written into it: two topics of raw bytes, messages of random sizes (empty ones and ones
 * larger than a chunk among them) whose log times mostly rise but now and then step back.
 *
 * @param file     the file
 * @param messages what was written, in file order
 */
record Written(Path file, List<Message> messages) {
    static final String SCHEMA_TEXT = "# raw bytes\nuint8[] data\n";

    /** One message as written. */
    record Message(String topic, long sequence, long logTime, long publishTime, byte[] data) {
        void assertSame(McapMessage read) {
            assertEquals(topic, read.channel().topic(), "topic");
            assertEquals(sequence & 0xFFFF_FFFFL, read.sequence(), "sequence of " + this);
            assertEquals(logTime, read.logTime(), "log time of " + this);
            assertEquals(publishTime, read.publishTime(), "publish time of " + this);
            assertArrayEquals(data, read.data().toArray(ValueLayout.JAVA_BYTE), "data of " + this);
        }

        @Override
        public String toString() {
            return topic + "#" + sequence + "@" + logTime + " (" + data.length + " bytes)";
        }
    }

    /** Writes {@code count} messages with {@code options}, closing the file. */
    static Written write(Path file, McapWriterOptions options, int count, long seed) throws IOException {
        try (McapWriter writer = McapWriter.create(file, options)) {
            return writeInto(writer, file, count, seed);
        }
    }

    /** Writes {@code count} messages into {@code writer}, leaving it open. */
    static Written writeInto(McapWriter writer, Path file, int count, long seed) throws IOException {
        Random random = new Random(seed);
        int schema = writer.schema("sluice/msg/Raw", "ros2msg", SCHEMA_TEXT.getBytes(StandardCharsets.UTF_8));
        int left = writer.channel("/camera/left", schema, "cdr", Map.of("sluice_qos", "queue(4)"));
        int right = writer.channel("/camera/right", schema, "cdr", Map.of());
        List<Message> written = new ArrayList<>();
        long time = 1_700_000_000_000_000_000L;
        for (int i = 0; i < count; i++) {
            boolean onLeft = random.nextInt(3) != 0;
            int size = switch (random.nextInt(10)) {
                case 0 -> 0;
                case 1 -> 20_000 + random.nextInt(20_000); // larger than the tests' chunks
                default -> random.nextInt(2_000);
            };
            byte[] data = new byte[size];
            random.nextBytes(data);
            time += random.nextInt(10) == 0 ? -3_000_000 : 10_000_000; // now and then one steps back in time
            long logTime = time + i; // + i: no two log times are equal, so the log-time order is one order
            Message message = new Message(onLeft ? "/camera/left" : "/camera/right", i, logTime, logTime - 1_000,
                data);
            writer.write(onLeft ? left : right, message.sequence(), message.logTime(), message.publishTime(), data);
            written.add(message);
        }
        return new Written(file, written);
    }

    /** The messages in log-time order, file order among equal times. */
    List<Message> inLogTimeOrder() {
        List<Message> sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.comparingLong(Message::logTime)); // stable
        return sorted;
    }
}

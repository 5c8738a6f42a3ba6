package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the three ways of reading an MCAP file with bytes no writer made: whatever they hold, each reader hands
 * out what it can, every byte of it readable, and throws only {@link McapFormatException} (from an iterator: wrapped
 * in {@link UncheckedIOException}), never another exception. (Memory taken for what a file only claims shows only
 * if the allocation fails; {@code McapDamageTest} tests that case directly.)
 *
 * <p>{@code mvn test} replays the inputs in {@code McapFuzzTestInputs/<method>/} under the test resources: files
 * {@link McapWriter} wrote in each compression ({@link #writeSeeds}), and damaged copies of them. To fuzz (new
 * inputs land in {@code .cifuzz-corpus/}): {@code tools/fuzz McapFuzzTest}, or
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl sluice-record test -Dtest='McapFuzzTest#readersHandOutWhatTheyCanOrRefuseTheFile'
 * </pre>
 */
class McapFuzzTest {
    private static final Path NAME = Path.of("fuzz-input.mcap");

    @FuzzTest(maxDuration = "3m")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void readersHandOutWhatTheyCanOrRefuseTheFile(byte[] input) throws IOException {
        MemorySegment bytes = MemorySegment.ofArray(input);
        try (McapReader reader = McapReader.of(NAME, bytes)) {
            Iterator<McapMessage> messages = reader.messages();
            long sum = 0;
            while (messages.hasNext()) {
                sum += touch(messages.next().data());
            }
            assertTrue(sum >= 0);
        } catch (McapFormatException refused) {
            assertEquals(NAME, refused.file());
        } catch (UncheckedIOException refused) {
            assertTrue(refused.getCause() instanceof McapFormatException, refused.toString());
        }
        for (boolean salvage : new boolean[] {false, true}) {
            long[] handedOut = {0};
            try {
                McapStreamReader.Result result = McapStreamReader.read(NAME, bytes, message -> {
                    touch(message.data());
                    handedOut[0]++;
                }, salvage);
                assertEquals(handedOut[0], result.messages());
                assertTrue(result.readUpTo() <= input.length, result.toString());
                assertTrue(result.finished() || result.stop() != null, result.toString());
            } catch (McapFormatException refused) {
                assertEquals(NAME, refused.file());
            }
        }
    }

    /** Reads every byte of a message (a slice past the mapping or a bad decompression would throw here). */
    private static long touch(MemorySegment data) {
        long sum = 0;
        for (long i = 0; i < data.byteSize(); i++) {
            sum += data.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) & 0xFF;
        }
        return sum;
    }

    /**
     * Writes the seed inputs: small files in each compression, with two topics, and cut and changed copies.
     * Run by hand when the format changes: {@code java -cp ... io.sluice.record.McapFuzzTest$Seeds DIR}.
     */
    static final class Seeds {
        public static void main(String[] args) throws IOException {
            Path dir = Path.of(args[0]);
            java.nio.file.Files.createDirectories(dir);
            for (McapCompression compression : McapCompression.values()) {
                Path file = dir.resolve("written-" + compression.name().toLowerCase(java.util.Locale.ROOT));
                java.nio.file.Files.deleteIfExists(file);
                try (McapWriter writer = McapWriter.create(file,
                    McapWriterOptions.defaults().withCompression(compression).withChunkSize(120))) {
                    int schema = writer.schema("std_msgs/msg/String", "ros2msg", "string data\n".getBytes());
                    int chatter = writer.channel("/chatter", schema, "cdr", java.util.Map.of("k", "v"));
                    int raw = writer.channel("/raw", 0, "cdr", java.util.Map.of());
                    for (int i = 0; i < 8; i++) {
                        byte[] data = new byte[7 * i];
                        java.util.Arrays.fill(data, (byte) i);
                        writer.write(i % 3 == 0 ? raw : chatter, i, 1000L * (8 - i), 1000L * i, data);
                    }
                }
                byte[] bytes = java.nio.file.Files.readAllBytes(file);
                java.nio.file.Files.write(dir.resolve(file.getFileName() + "-cut"),
                    java.util.Arrays.copyOf(bytes, bytes.length * 2 / 3));
                byte[] changed = bytes.clone();
                changed[bytes.length / 3] ^= 0x40;
                java.nio.file.Files.write(dir.resolve(file.getFileName() + "-changed"), changed);
            }
        }
    }
}

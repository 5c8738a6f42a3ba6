package io.sluice.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * The recorder {@link McapKillTest} kills. Arguments: the file, the compression ({@code NONE}, {@code ZSTD},
 * {@code LZ4}), the mode:
 * <ul>
 *   <li>{@code run}: writes messages until it is killed, printing {@code wrote N} after each write returned and
 *       {@code flushed N} after each flush (every 37 messages);</li>
 *   <li>{@code pause}: writes {@link #BEFORE_PAUSE} messages (flushing every 37 and after the last), then
 *       {@link #OPEN} small ones that stay in the open chunk, prints {@code ready}, and sleeps until killed.</li>
 * </ul>
 */
public final class KilledWriterChild {
    static final int BEFORE_PAUSE = 500;
    static final int OPEN = 3;
    /** A bound for a child the test never killed (a test JVM that died first). */
    private static final long MAX_MESSAGES = 1_000_000;

    private KilledWriterChild() {
    }

    /** The bytes of message {@code i}: 0 to 2999 of them (at most 100 past {@link #BEFORE_PAUSE}), known from i. */
    static byte[] message(long i) {
        byte[] data = new byte[(int) ((i * 7919) % (i < BEFORE_PAUSE ? 3000 : 100))];
        for (int k = 0; k < data.length; k++) {
            data[k] = (byte) (i * 31 + k);
        }
        return data;
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        McapWriterOptions options = McapWriterOptions.defaults().withCompression(McapCompression.valueOf(args[1]))
            .withChunkSize(16 * 1024);
        McapWriter writer = McapWriter.create(file, options); // never closed: the test kills this process
        int schema = writer.schema("sluice/msg/Raw", "ros2msg",
            Written.SCHEMA_TEXT.getBytes(StandardCharsets.UTF_8));
        int channel = writer.channel("/killed", schema, "cdr", Map.of());
        boolean pause = args[2].equals("pause");
        for (long i = 0; i < MAX_MESSAGES; i++) {
            writer.write(channel, i, 1_000_000_000L + i, 1_000_000_000L + i, message(i));
            System.out.println("wrote " + (i + 1));
            if ((i + 1) % 37 == 0 || (pause && i + 1 == BEFORE_PAUSE)) {
                writer.flush();
                System.out.println("flushed " + (i + 1));
            }
            if (pause && i + 1 == BEFORE_PAUSE + OPEN) {
                System.out.println("ready");
                System.out.flush();
                System.in.read(); // until killed; a test JVM that died first closes the pipe, and this returns
                return;
            }
            System.out.flush();
            if (System.out.checkError()) {
                return; // nobody reads any more: the test JVM is gone
            }
        }
    }
}

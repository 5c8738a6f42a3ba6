package io.sluice.shm;

import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.it.Payload;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Helpers of the bad-input and crash tests: crafting and damaging Sluice's files in place, and a health check. */
final class BadInputFiles {
    static final MessageType<MemorySegment> TYPE = MessageType.raw("sluice_test/msg/Payload");

    private BadInputFiles() {
    }

    /** The bytes of a valid, empty topic file for {@code type}, as its creator would write it. */
    static ByteBuffer validTopicFile(MessageType<?> type) {
        ByteBuffer file = ByteBuffer.allocate(TopicLayout.FILE_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = type.name().getBytes(StandardCharsets.UTF_8);
        byte[] schema = type.schema().getBytes(StandardCharsets.UTF_8);
        byte[] hash = type.hash().getBytes(StandardCharsets.UTF_8);
        file.putLong(TopicLayout.MAGIC_OFFSET, TopicLayout.MAGIC);
        file.putInt(TopicLayout.VERSION_OFFSET, TopicLayout.VERSION);
        file.putLong(TopicLayout.FILE_LENGTH_OFFSET, TopicLayout.FILE_LENGTH);
        file.putInt(TopicLayout.MAX_PUBLISHERS_OFFSET, TopicLayout.MAX_PUBLISHERS);
        file.putInt(TopicLayout.MAX_SUBSCRIBERS_OFFSET, TopicLayout.MAX_SUBSCRIBERS);
        file.putInt(TopicLayout.MAX_HELD_OFFSET, TopicLayout.MAX_HELD);
        file.putInt(TopicLayout.NEXT_GENERATION_OFFSET, 1);
        file.putInt(TopicLayout.TYPE_NAME_LENGTH_OFFSET, name.length);
        file.putInt(TopicLayout.SCHEMA_LENGTH_OFFSET, schema.length);
        file.putInt(TopicLayout.HASH_LENGTH_OFFSET, hash.length);
        file.put(TopicLayout.TYPE_NAME_OFFSET, name);
        file.put(TopicLayout.SCHEMA_OFFSET, schema);
        file.put(TopicLayout.TYPE_HASH_OFFSET, hash);
        return file;
    }

    /** Writes {@code bytes} (from position 0 to limit) as a new file with mode 0600. */
    static void write(Path file, ByteBuffer bytes) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer source = bytes.duplicate().position(0);
            while (source.hasRemaining()) {
                channel.write(source);
            }
        }
    }

    /** Overwrites an int in place (a positional write, seen at once by every mapping of a tmpfs file). */
    static void putInt(Path file, long offset, int value) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(bytes, offset);
        }
    }

    static void putLong(Path file, long offset, long value) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(bytes, offset);
        }
    }

    static int getInt(Path file, long offset) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(bytes, offset);
        }
        return bytes.getInt(0);
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** A topic nobody else uses still works in {@code sluice}: publish, take, check, leave. */
    static void assertHealthyTopicWorks(Sluice sluice) {
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/healthy", TYPE, Qos.queue(4));
        Publisher<MemorySegment> publisher = sluice.publisher("/healthy", TYPE);
        try {
            for (long sequence = 0; sequence < 3; sequence++) {
                try (var loan = publisher.loan(4096)) {
                    Payload.fill(loan.segment(), sequence);
                    loan.publish();
                }
            }
            for (long sequence = 0; sequence < 3; sequence++) {
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(5))) {
                    assertNotNull(sample, "the healthy topic delivers sample " + sequence);
                    assertEquals(sequence, sample.sequence());
                    assertTrue(Payload.verify(sample.segment(), sequence));
                }
            }
        } finally {
            publisher.close();
            subscriber.close();
        }
    }

    static void assertContains(String message, String... fragments) {
        for (String fragment : fragments) {
            assertTrue(message != null && message.contains(fragment),
                "the message should name " + fragment + ": " + message);
        }
    }
}

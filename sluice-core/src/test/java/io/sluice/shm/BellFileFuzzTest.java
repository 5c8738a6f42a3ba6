package io.sluice.shm;

import io.sluice.os.Doorbell;
import io.sluice.os.BellRinger;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.TestRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes what a publisher reads from another process's doorbell file (invariant 4): whatever the file and the
 * subscriber row that names it hold, {@link BellRinger#ring} returns without throwing, rings (adds one to the bell's
 * SEQUENCE) exactly when the file is a bell file with the id the row names and the slot is in range, and writes
 * nothing into any other file; nothing hangs, and no descriptor or mapping of the file stays open.
 *
 * <p>An input is a subscriber row's doorbell and the bell file it names, {@code bells-<pid>.bell} (mode 0600):
 * <pre>
 *   bytes 0-3    the row's BELL_PID, little endian (the file is written for it when positive, else for pid 1)
 *   bytes 4-5    the row's BELL_SLOT, little endian, signed
 *   bytes 6-9    the row's BELL_FILE_ID, little endian
 *   bytes 10-13  the file's size, little endian, unsigned, mod 2 Doorbell.FILE_LENGTH + 1
 *   then         the file from offset 0 (the header line, then the bells)
 * </pre>
 * A new ringer rings the bell twice (the second time through the mapping it keeps) and the next slot once.
 *
 * <p>{@code mvn test} replays the valid inputs of {@link #validBellFiles()} and
 * {@code BellFileFuzzTestInputs/<method>/} under the test resources; to fuzz (new inputs land in
 * {@code .cifuzz-corpus/}):
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl sluice-core test -Dtest='BellFileFuzzTest#anyBellFileIsRungOrLeftAlone'
 * </pre>
 */
class BellFileFuzzTest {
    private static final int CONTROL_LENGTH = 14;

    private final ShmFuzzing fuzzing = new ShmFuzzing();
    private TestRoot root;
    private Path directory;

    @BeforeEach
    void open() {
        root = new TestRoot();
        directory = Domain.open(root.path(), 0).directory();
    }

    @AfterEach
    void close() {
        fuzzing.close();
        root.close();
    }

    @MethodSource("validBellFiles")
    @FuzzTest(maxDuration = "5m")
    // bounds each replayed input, and the whole fuzzing run; ShmFuzzing bounds each fuzzed input
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anyBellFileIsRungOrLeftAlone(byte[] input) {
        fuzzing.runWithinDeadline(() -> exercise(input));
    }

    /** The valid seeds reach the deep path: each rings its bell twice. */
    @Test
    @Timeout(60)
    void shouldRingEveryValidSeed() {
        for (Seed seed : SEEDS) {
            fuzzing.runWithinDeadline(() -> assertEquals(2, exercise(seed.input()), seed.name() + ": rings"));
        }
    }

    /** Rings as the class comment says; returns how many times the bell of the row's slot was rung. */
    private int exercise(byte[] input) {
        ByteBuffer control = ByteBuffer.allocate(CONTROL_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        control.put(0, input, 0, Math.min(CONTROL_LENGTH, input.length));
        int pid = control.getInt(0);
        int slot = control.getShort(4);
        int fileId = control.getInt(6);
        long size = Integer.toUnsignedLong(control.getInt(10)) % (2 * Doorbell.FILE_LENGTH + 1);
        ByteBuffer content = ByteBuffer.wrap(input, Math.min(CONTROL_LENGTH, input.length),
            Math.max(0, input.length - CONTROL_LENGTH)).slice().order(ByteOrder.LITTLE_ENDIAN);
        Path file = Doorbell.path(directory, pid > 0 ? pid : 1);
        ShmFuzzing.writeFile(file, content, size);

        boolean bellFile = pid > 0 && fileId != 0 && size >= Doorbell.FILE_LENGTH
            && longAt(content, Doorbell.MAGIC_OFFSET) == Doorbell.MAGIC
            && intAt(content, Doorbell.VERSION_OFFSET) == Doorbell.VERSION
            && intAt(content, Doorbell.FILE_ID_OFFSET) == fileId;
        int[] rings = new int[Doorbell.SLOTS];
        try (BellRinger ringer = new BellRinger(directory)) {
            for (int next : new int[] {slot, slot, slot + 1}) {
                ringer.ring(pid, next, fileId);
                if (bellFile && next >= 0 && next < Doorbell.SLOTS) {
                    rings[next]++;
                }
            }
        }
        for (int bell = Math.max(0, slot); bell <= slot + 1 && bell < Doorbell.SLOTS; bell++) {
            long offset = Doorbell.offset(bell);
            int written = offset + 4 <= size ? intAt(content, offset) : 0;
            assertEquals(written + rings[bell], readInt(file, offset, size), "SEQUENCE of bell " + bell);
        }
        ShmFuzzing.removeFiles(directory);
        fuzzing.checkNothingLeftOpen(root.path());
        return slot >= 0 && slot < Doorbell.SLOTS ? rings[slot] : 0;
    }

    /** The int at {@code offset} of the bytes written, little endian (zeros past their end: the file's hole). */
    private static int intAt(ByteBuffer content, long offset) {
        return (int) bytesAt(content, offset, 4);
    }

    private static long longAt(ByteBuffer content, long offset) {
        return bytesAt(content, offset, 8);
    }

    private static long bytesAt(ByteBuffer content, long offset, int count) {
        long value = 0;
        for (int i = count - 1; i >= 0; i--) {
            long at = offset + i;
            value = (value << 8) | (at < content.limit() ? Byte.toUnsignedLong(content.get((int) at)) : 0);
        }
        return value;
    }

    private static int readInt(Path file, long offset, long size) {
        if (offset + 4 > size) {
            return 0;
        }
        ByteBuffer bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(bytes, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.getInt(0);
    }

    // ------------------------------------------------------------------------------------------ the valid seeds

    private record Seed(String name, byte[] input) {
    }

    /**
     * Valid doorbells: a bell nobody sleeps on, one with a sleeper (the ringer then wakes it), the last bell of a
     * file, and a file longer than a bell file (the ringer maps what it needs).
     */
    private static final List<Seed> SEEDS = List.of(
        new Seed("idle", input(4_194_305, 3, 0x5eed, Doorbell.FILE_LENGTH, 4, 0, 0)),
        new Seed("sleeper", input(4_194_305, 3, 0x5eed, Doorbell.FILE_LENGTH, 4, 41, 1)),
        new Seed("last-slot", input(77, Doorbell.SLOTS - 1, -2, Doorbell.FILE_LENGTH, Doorbell.SLOTS, 9, 0)),
        new Seed("longer-file", input(77, 0, 1, Doorbell.FILE_LENGTH + 4096, 1, 0, 0)));

    static Stream<Arguments> validBellFiles() {
        return SEEDS.stream().map(seed -> Arguments.of(Named.of(seed.name(), seed.input())));
    }

    /**
     * An input whose file holds the header and the first {@code bells} bells, as their owner leaves them; bell
     * {@code slot} (when among them) has SEQUENCE {@code sequence} and {@code waiters} sleepers.
     */
    private static byte[] input(int pid, int slot, int fileId, long size, int bells, int sequence, int waiters) {
        ByteBuffer input = ByteBuffer.allocate(CONTROL_LENGTH + (int) Doorbell.offset(bells))
            .order(ByteOrder.LITTLE_ENDIAN);
        input.putInt(0, pid).putShort(4, (short) slot).putInt(6, fileId).putInt(10, (int) size);
        input.putLong(CONTROL_LENGTH + (int) Doorbell.MAGIC_OFFSET, Doorbell.MAGIC)
            .putInt(CONTROL_LENGTH + (int) Doorbell.VERSION_OFFSET, Doorbell.VERSION)
            .putInt(CONTROL_LENGTH + (int) Doorbell.FILE_ID_OFFSET, fileId)
            .putInt(CONTROL_LENGTH + (int) Doorbell.SLOTS_OFFSET, Doorbell.SLOTS);
        if (slot < bells) {
            input.putInt(CONTROL_LENGTH + (int) Doorbell.offset(slot), sequence)
                .putInt(CONTROL_LENGTH + (int) Doorbell.offset(slot) + 4, waiters);
        }
        return input.array();
    }
}

package io.sluice.shm;

import io.sluice.os.Native;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
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
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.sluice.shm.BadInputFiles.TYPE;
import static io.sluice.shm.SegmentLayout.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes what a subscriber reads from a publisher's segment file (invariant 4): whatever the segment holds, attaching
 * to it and taking from it returns samples, or throws a {@link io.sluice.SluiceException} naming the file or the
 * topic; nothing hangs (see {@link ShmFuzzing#INPUT_DEADLINE}), and no descriptor or mapping of the files stays open.
 *
 * <p>The test writes a valid topic file whose publisher row 0 is alive — the test holds the row's lock through a
 * descriptor of its own, as a publisher in another process would — and names generation 1 of the topic; the input
 * is that generation's segment file (mode 0600):
 * <pre>
 *   byte 0     bits 0-1: the subscriber's QoS, 0 latest, 1 queue(4), 2 reliable(4), 3 queue(1024);
 *              bit 2: the subscriber was there before the publisher (the row's incarnation is after its join, so
 *              it attaches at the row's FIRST_GENERATION, 1); bit 3: the publisher is on generation 2, whose file
 *              is the same segment with GENERATION 2 and no SUCCESSOR
 *   byte 1     the row's HISTORY (signed)
 *   bytes 2-9  the file's size, little endian, unsigned, mod 64 MiB + 1
 *   then       the header page's first 256 bytes; then the ring, 4 x RING_CAPACITY bytes at RING_OFFSET when the
 *              header's RING_CAPACITY is in [1, 2^17] (none otherwise); then the slots, from slotsOffset(RING_CAPACITY)
 * </pre>
 * A subscriber joins (attaching to the publisher), takes until it gets nothing (six samples at most, reading every
 * byte of each), asks for the latest and counts the publishers; it closes, and the domain is swept with the row
 * alive and once it is released. The files are removed after every input.
 *
 * <p>{@code mvn test} replays the valid segments of {@link #validSegments()} and
 * {@code SegmentFuzzTestInputs/<method>/} under the test resources; to fuzz (new inputs land in
 * {@code .cifuzz-corpus/}):
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -pl sluice-core test -Dtest='SegmentFuzzTest#anySegmentIsRejectedOrRead'
 * </pre>
 */
class SegmentFuzzTest {
    static final String TOPIC = "/fuzzed";
    private static final int CONTROL_LENGTH = 10;
    private static final int HEADER_LENGTH = 256;
    private static final int MAX_RING_CAPACITY = 1 << 17;
    private static final long MAX_FILE_SIZE = 64L << 20;
    private static final int REGISTRY_VERSION = 2;
    /** The incarnation of the live publisher row: before the subscriber's join, or after it. */
    private static final int INCARNATION_BEFORE = 1;
    private static final int INCARNATION_AFTER = 5;

    private final ShmFuzzing fuzzing = new ShmFuzzing();
    private TestRoot root;
    private Sluice sluice;
    private Domain domain;
    private Path topicFile;
    private String base;

    @BeforeEach
    void open() {
        root = new TestRoot();
        sluice = Sluice.open("fuzz", root.options());
        domain = Domain.open(root.path(), 0);
        topicFile = domain.topicPath(TOPIC);
        base = Domain.base(TOPIC);
    }

    @AfterEach
    void close() {
        try {
            BadInputFiles.assertHealthyTopicWorks(sluice); // whatever the inputs were, the participant still works
        } finally {
            fuzzing.close();
            sluice.close();
            root.close();
        }
    }

    @MethodSource("validSegments")
    @FuzzTest(maxDuration = "5m")
    // bounds each replayed input, and the whole fuzzing run; ShmFuzzing bounds each fuzzed input
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void anySegmentIsRejectedOrRead(byte[] input) {
        fuzzing.runWithinDeadline(() -> exercise(input));
    }

    /** The valid seeds reach the deep paths: the subscriber takes every sample they hold. */
    @Test
    @Timeout(60)
    void shouldTakeEverySampleOfEveryValidSeed() {
        for (Seed seed : SEEDS) {
            fuzzing.runWithinDeadline(() -> assertEquals(seed.samples(), exercise(seed.input()).size(),
                seed.name() + ": samples taken"));
        }
    }

    /**
     * Issue 11, fixed: a segment whose SUCCESSOR named its own generation made an in-order subscriber's take()
     * switch to the same generation again and again, for ever. A successor must now come after its generation;
     * found by this fuzz test.
     */
    @Test
    @Timeout(60)
    void shouldNotLoopWhenSuccessorNamesItsOwnGeneration() {
        byte[] input = openFinding("successor-names-own-generation");
        fuzzing.runWithinDeadline(() -> exercise(input, false));
    }

    /** An input of an open finding: replayed by its disabled test, skipped while fuzzing (see {@link #exercise}). */
    private static byte[] openFinding(String name) {
        try (var in = SegmentFuzzTest.class.getResourceAsStream("SegmentFuzzTestOpenFindings/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Long> exercise(byte[] input) {
        return exercise(input, true);
    }

    /**
     * Runs the steps on {@code input}; returns the lengths of the samples the subscriber took. With
     * {@code skipOpenFindings}, an input that would only show an open finding again (a hang, which stops the run)
     * is skipped, so that fuzzing goes on to find others.
     */
    private List<Long> exercise(byte[] input, boolean skipOpenFindings) {
        Path directory = sluice.directory();
        int flags = input.length > 0 ? input[0] : 0;
        boolean first = (flags & 0b100) != 0;
        boolean grown = (flags & 0b1000) != 0;
        int history = input.length > 1 ? input[1] : 0;
        ShmFuzzing.writeFile(topicFile, topicFile(first ? INCARNATION_AFTER : INCARNATION_BEFORE, grown ? 2 : 1,
            history), TopicLayout.FILE_LENGTH);
        writeSegment(input, 1);
        if (grown) {
            writeSegment(input, 2);
        }
        int live = keepPublisherAlive();
        List<Long> taken = new ArrayList<>();
        try {
            Subscriber<MemorySegment> subscriber = attempt(() -> sluice.subscriber(TOPIC, TYPE, qos(flags)), directory);
            if (subscriber != null) {
                for (int i = 0; i < 6; i++) {
                    Long length = attempt(() -> read(subscriber.take()), directory);
                    if (length != null && length < 0) {
                        break;
                    }
                    if (length != null) {
                        taken.add(length);
                    }
                }
                attempt(() -> read(subscriber.latest()), directory);
                attempt(subscriber::publisherCount, directory);
                attempt(subscriber::lostCount, directory);
                attempt(() -> {
                    subscriber.close();
                    return null;
                }, directory);
            }
            domain.sweep();
        } finally {
            Native.close(live);
        }
        domain.sweep();
        ShmFuzzing.removeFiles(directory);
        fuzzing.checkNothingLeftOpen(root.path());
        return taken;
    }

    /** A valid topic file whose publisher row 0 is active on {@code generation}, started at generation 1. */
    private static ByteBuffer topicFile(int incarnation, int generation, int history) {
        ByteBuffer file = BadInputFiles.validTopicFile(TYPE);
        file.putInt(TopicLayout.REGISTRY_VERSION_OFFSET, REGISTRY_VERSION);
        file.putInt(TopicLayout.NEXT_GENERATION_OFFSET, generation + 1);
        int row = (int) TopicLayout.publisherRow(0);
        file.putInt(row + TopicLayout.P_STATE, TopicLayout.STATE_ACTIVE);
        file.putInt(row + TopicLayout.P_GENERATION, generation);
        file.putInt(row + TopicLayout.P_FIRST_GENERATION, 1);
        file.putInt(row + TopicLayout.P_INCARNATION, incarnation);
        file.putInt(row + TopicLayout.P_PID, 4_194_305); // above any pid_max: nobody's
        file.putInt(row + TopicLayout.P_HISTORY, history);
        return file;
    }

    /** The first {@link #HEADER_LENGTH} bytes of the input's segment: zeros past the end of the input. */
    private static ByteBuffer header(byte[] input) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.clamp(input.length - CONTROL_LENGTH, 0, HEADER_LENGTH);
        if (headerLength > 0) {
            header.put(0, input, CONTROL_LENGTH, headerLength);
        }
        return header;
    }

    /** Writes the input's segment as generation {@code generation} (for 2: GENERATION 2, no SUCCESSOR). */
    private void writeSegment(byte[] input, int generation) {
        ByteBuffer header = header(input);
        if (generation != 1) {
            header.putInt(GENERATION_OFFSET, generation).putInt(SUCCESSOR_OFFSET, 0);
        }
        int ringCapacity = header.getInt(RING_CAPACITY_OFFSET);
        int ringLength = ringCapacity >= 1 && ringCapacity <= MAX_RING_CAPACITY ? 4 * ringCapacity : 0;
        int ringFrom = CONTROL_LENGTH + HEADER_LENGTH;
        int ringBytes = Math.clamp(input.length - ringFrom, 0, ringLength);
        int slotsFrom = ringFrom + ringBytes;
        int slotBytes = Math.max(0, input.length - slotsFrom);
        ShmFuzzing.writeFile(domain.segmentPath(base, generation), size(input),
            new ShmFuzzing.Part(0, header),
            new ShmFuzzing.Part(RING_OFFSET,
                ByteBuffer.wrap(input, Math.min(ringFrom, input.length), ringBytes).slice()),
            new ShmFuzzing.Part(slotsOffset(ringLength == 0 ? 1 : ringCapacity),
                ByteBuffer.wrap(input, Math.min(slotsFrom, input.length), slotBytes).slice()));
    }

    private static long size(byte[] input) {
        if (input.length < CONTROL_LENGTH) {
            return 0;
        }
        long raw = ByteBuffer.wrap(input, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return Long.remainderUnsigned(raw, MAX_FILE_SIZE + 1);
    }

    /** Holds publisher row 0's lock through a descriptor of the test's own, which it returns. */
    private int keepPublisherAlive() {
        try {
            int fd = Native.openChecked(topicFile, Native.O_RDWR, Native.Creation.EXISTING).fd();
            assertTrue(Native.tryLock(fd, TopicLayout.PUBLISHER_LOCK_BASE));
            return fd;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code step}'s result, or null when it threw what bad data may make it throw (anything else fails). */
    private <R> R attempt(Supplier<R> step, Path named) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            ShmFuzzing.checkRejection(e, named, TOPIC);
            return null;
        }
    }

    /** Reads every byte of {@code sample} and closes it; its length, or -1 when there was none. */
    private static Long read(Sample<MemorySegment> sample) {
        if (sample == null) {
            return -1L;
        }
        try (sample) {
            byte[] bytes = sample.segment().toArray(JAVA_BYTE);
            return (long) bytes.length;
        }
    }

    private static Qos qos(int flags) {
        return switch (flags & 0b11) {
            case 0 -> Qos.latest();
            case 1 -> Qos.queue(4);
            case 2 -> Qos.reliable(4);
            default -> Qos.queue(1024);
        };
    }

    // ------------------------------------------------------------------------------------------ the valid seeds

    /** A valid input, and how many samples the subscriber takes from it. */
    private record Seed(String name, byte[] input, int samples) {
        Seed(String name, int flags, int history, MemorySegment segment, int samples) {
            this(name, SegmentFuzzTest.input(flags, history, segment), samples);
        }
    }

    /**
     * Valid segments as a publisher leaves them: empty; three samples of 16, 0 and 64 bytes; a segment whose ring has
     * wrapped (sequences 10 to 13, the oldest overwritten); a subscriber that was there first with a history of 2; a
     * publisher on its second generation; a slot the publisher is claiming; a publisher that has left and sealed its
     * segment.
     */
    private static final List<Seed> SEEDS = List.of(
        new Seed("empty-latest", 0, 0, segment(2, 64, 0, INCARNATION_BEFORE, 0), 0),
        new Seed("three-samples-queue", 1, 3, segment(4, 64, 0, INCARNATION_BEFORE, 3, 16, 0, 64), 3),
        new Seed("wrapped-latest", 0, 0, wrapped(), 1),
        new Seed("wrapped-queue-1024", 3, 1, wrapped(), 1),
        new Seed("first-reliable", 0b110, 2, segment(4, 64, 0, INCARNATION_AFTER, 3, 8, 8, 8), 3),
        new Seed("grown-first-queue", 0b1101, 0, grown(), 2),
        new Seed("claiming-queue", 1, 2, claiming(), 0),
        new Seed("sealed-first-queue", 0b101, 0, sealed(), 2));

    static Stream<Arguments> validSegments() {
        return SEEDS.stream().map(seed -> Arguments.of(Named.of(seed.name(), seed.input())));
    }

    /** The input for {@code segment}: control bytes, header, ring and slots (see the class comment). */
    static byte[] input(int flags, int history, MemorySegment segment) {
        int ringCapacity = segment.get(JAVA_INT, RING_CAPACITY_OFFSET);
        long slots = slotsOffset(ringCapacity);
        int length = (int) (CONTROL_LENGTH + HEADER_LENGTH + 4L * ringCapacity + segment.byteSize() - slots);
        ByteBuffer input = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        input.put((byte) flags).put((byte) history).putLong(segment.byteSize());
        input.put(segment.asSlice(0, HEADER_LENGTH).asByteBuffer());
        input.put(segment.asSlice(RING_OFFSET, 4L * ringCapacity).asByteBuffer());
        input.put(segment.asSlice(slots).asByteBuffer());
        return input.array();
    }

    /**
     * A segment of generation 1 of publisher row 0 with {@code published} samples from {@code startSequence} of the
     * given lengths, in slots 0, 1, …, written as {@link ShmPublisher} writes them.
     */
    private static MemorySegment segment(int slotCount, long slotCapacity, long startSequence, int incarnation,
                                         int published, long... lengths) {
        SegmentLayout.Header header = SegmentLayout.Header.of(1, slotCount, slotCapacity, startSequence, 0,
            incarnation);
        MemorySegment segment = Arena.ofAuto().allocate(header.fileLength(), 4096);
        SegmentLayout.initialize(segment, header);
        for (int i = 0; i < published; i++) {
            commit(segment, header, startSequence + i, i, lengths[i]);
        }
        segment.set(JAVA_LONG, TAIL_OFFSET, startSequence + published);
        return segment;
    }

    private static void commit(MemorySegment segment, SegmentLayout.Header header, long sequence, int slot,
                               long length) {
        long offset = header.slotsOffset() + slot * header.slotStride();
        segment.asSlice(offset + SLOT_HEADER_LENGTH, length).fill((byte) sequence);
        segment.set(JAVA_LONG, offset + SLOT_LENGTH, length);
        segment.set(JAVA_LONG, offset + SLOT_TIMESTAMP, 1_000 + sequence);
        segment.set(JAVA_LONG, offset + SLOT_SEQUENCE, sequence);
        segment.set(JAVA_INT, RING_OFFSET + (sequence & (header.ringCapacity() - 1)) * Integer.BYTES, slot);
    }

    /** Sequences 10 to 13 in four slots, the newest in slot 1: the ring has wrapped. */
    private static MemorySegment wrapped() {
        MemorySegment segment = segment(4, 32, 10, INCARNATION_BEFORE, 0);
        SegmentLayout.Header header = SegmentLayout.Header.read(segment);
        for (long sequence = 10; sequence < 14; sequence++) {
            commit(segment, header, sequence, (int) ((sequence + 2) % 4), 32);
        }
        segment.set(JAVA_LONG, TAIL_OFFSET, 14);
        return segment;
    }

    /** Two samples in generation 1, whose successor is generation 2. */
    private static MemorySegment grown() {
        MemorySegment segment = segment(2, 64, 0, INCARNATION_AFTER, 2, 5, 6);
        segment.set(JAVA_INT, SUCCESSOR_OFFSET, 2);
        return segment;
    }

    /** Two samples; the older one's slot is being claimed for reuse, and stays so (its publisher is stopped). */
    private static MemorySegment claiming() {
        MemorySegment segment = segment(2, 64, 0, INCARNATION_BEFORE, 2, 10, 20);
        long offset = SegmentLayout.Header.read(segment).slotsOffset();
        segment.set(JAVA_LONG, offset + SLOT_SEQUENCE, CLAIMING);
        return segment;
    }

    /** Two samples in a generation whose successor is gone: its publisher left after sequence 4 (FINAL_END 5). */
    private static MemorySegment sealed() {
        MemorySegment segment = segment(2, 64, 0, INCARNATION_AFTER, 2, 1, 2);
        segment.set(JAVA_INT, SUCCESSOR_OFFSET, 3);
        segment.set(JAVA_LONG, FINAL_END_OFFSET, 5 + 1);
        return segment;
    }
}

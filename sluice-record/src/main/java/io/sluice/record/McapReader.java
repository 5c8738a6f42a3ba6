package io.sluice.record;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads a finished MCAP file through its summary: schemas, channels and statistics at once, and messages by time
 * range and topic in log-time order, reading only the chunks that can hold them. The file is mapped read-only;
 * messages of uncompressed chunks are slices of the mapping (no copy), valid until {@link #close()}. Not
 * thread-safe.
 *
 * {@snippet :
 * try (McapReader reader = McapReader.open(Path.of("run.mcap"))) {
 *     Iterator<McapMessage> messages = reader.messages(0, Long.MAX_VALUE, Set.of("/camera/rgb"));
 *     while (messages.hasNext()) {
 *         McapMessage message = messages.next();
 *         // message.channel().topic(), message.logTime(), message.data()
 *     }
 * }
 * }
 *
 * <p>A file without a summary (a recorder that was killed, or a writer that writes none) is refused with a
 * {@link McapFormatException} that says so: read it from the start with {@link McapStreamReader}, or recover it
 * ({@link McapRecovery}). Every read checks what it reads: lengths against the file, the summary's and each chunk's
 * CRC when the file carries them; a message iterator throws {@link UncheckedIOException} wrapping a
 * {@link McapFormatException} when a chunk turns out bad.
 */
public final class McapReader implements AutoCloseable {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** An end time of -1 (2^64 - 1 unsigned): no end, the last possible time included. */
    private static final long NO_END = -1;

    private final Path path;
    private final Arena arena;
    private final MemorySegment file;
    private final String profile;
    private final String library;
    private final Map<Integer, McapSchema> schemas = new LinkedHashMap<>();
    private final Map<Integer, McapChannel> channels = new LinkedHashMap<>();
    private final List<McapChunkIndex> chunkIndexes = new ArrayList<>();
    private McapStatistics statistics;

    private McapReader(Path path, Arena arena, MemorySegment file) throws IOException {
        this.path = path;
        this.arena = arena;
        this.file = file;
        long size = file.byteSize();
        if (size < Mcap.MAGIC.length || !startsWithMagic(file, 0)) {
            throw new McapFormatException(path, 0, "magic", "not an MCAP file: it does not start with the MCAP magic"
                + " (0x89 'MCAP0' CR LF)");
        }
        String[] header = new String[2];
        McapRecords.walk(path, file, Mcap.MAGIC.length, Math.min(size, headerEnd(size)), -1, (opcode, at, cursor) -> {
            if (opcode != Mcap.HEADER) {
                throw cursor.error("the first record is not a Header");
            }
            header[0] = cursor.string("profile");
            header[1] = cursor.string("library");
        });
        profile = header[0];
        library = header[1];
        long footerAt = size - Mcap.MAGIC.length - Mcap.FOOTER_RECORD;
        if (footerAt < Mcap.MAGIC.length || !startsWithMagic(file, size - Mcap.MAGIC.length)
            || (file.get(ValueLayout.JAVA_BYTE, footerAt) & 0xFF) != Mcap.FOOTER) {
            throw new McapFormatException(path, Math.max(0, footerAt), "Footer", "no Footer and trailing magic at the"
                + " end: the file was not finished (its writer was killed?); read it with McapStreamReader or"
                + " recover it with `sluice bag recover`");
        }
        if (file.get(U64, footerAt + 1) != 20) {
            throw new McapFormatException(path, footerAt, "Footer", "length " + file.get(U64, footerAt + 1)
                + " where the Footer has 20");
        }
        long summaryStart = file.get(U64, footerAt + 9);
        long summaryOffsetStart = file.get(U64, footerAt + 17);
        long summaryCrc = file.get(U32, footerAt + 25) & 0xFFFF_FFFFL;
        if (summaryStart == 0) {
            throw new McapFormatException(path, footerAt, "Footer", "the file has no summary (summary_start 0): read"
                + " it with McapStreamReader");
        }
        long summaryEnd = summaryOffsetStart != 0 ? summaryOffsetStart : footerAt;
        if (summaryStart < Mcap.MAGIC.length || summaryStart > footerAt || summaryEnd < summaryStart
            || summaryEnd > footerAt) {
            throw new McapFormatException(path, footerAt, "Footer", "summary_start " + summaryStart
                + " or summary_offset_start " + summaryOffsetStart + " lies outside the file's " + size + " bytes");
        }
        if (summaryCrc != 0) {
            long actual = McapRecords.crc(file.asSlice(summaryStart, footerAt + Mcap.RECORD_PREFIX + 16 - summaryStart));
            if (actual != summaryCrc) {
                throw new McapFormatException(path, footerAt, "Footer", String.format(
                    "bad CRC of the summary: 0x%08x where the footer says 0x%08x", actual, summaryCrc));
            }
        }
        McapRecords.walk(path, file, summaryStart, summaryEnd, -1, (opcode, at, cursor) -> {
            switch (opcode) {
                case Mcap.SCHEMA -> {
                    McapSchema schema = McapRecords.schema(cursor);
                    if (schema != null) {
                        schemas.put(schema.id(), schema);
                    }
                }
                case Mcap.CHANNEL -> {
                    McapChannel channel = McapRecords.channel(cursor);
                    channels.put(channel.id(), channel);
                }
                case Mcap.CHUNK_INDEX -> chunkIndexes.add(chunkIndex(cursor, size));
                case Mcap.STATISTICS -> statistics = new McapStatistics(cursor.u64("message_count"),
                    cursor.u16("schema_count"), cursor.u32("channel_count"), cursor.u32("attachment_count"),
                    cursor.u32("metadata_count"), cursor.u32("chunk_count"), cursor.u64("message_start_time"),
                    cursor.u64("message_end_time"), cursor.u16u64Map("channel_message_counts"));
                default -> {
                    // attachment and metadata indexes, and records of later versions: not needed here
                }
            }
        });
        for (McapChannel channel : channels.values()) {
            if (channel.schemaId() != 0 && !schemas.containsKey(channel.schemaId())) {
                throw new McapFormatException(path, summaryStart, "Channel", "channel " + channel.id() + " ("
                    + channel.topic() + ") names schema " + channel.schemaId() + ", which the summary does not have");
            }
        }
    }

    /** Opens {@code file} and reads its summary. */
    public static McapReader open(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment mapped = channel.size() == 0 ? MemorySegment.ofArray(new byte[0])
                : channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new McapReader(file, arena, mapped);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Reads an MCAP file already in memory ({@code name} only names it in errors): for the fuzz harness. */
    static McapReader of(Path name, MemorySegment bytes) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return new McapReader(name, arena, bytes);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static boolean startsWithMagic(MemorySegment file, long at) {
        return MemorySegment.mismatch(file, at, at + Mcap.MAGIC.length, MemorySegment.ofArray(Mcap.MAGIC), 0,
            Mcap.MAGIC.length) == -1;
    }

    /** Where the Header record must end at the latest: it is the first record, and no longer than the file. */
    private long headerEnd(long size) {
        if (size < Mcap.MAGIC.length + Mcap.RECORD_PREFIX) {
            return size;
        }
        long length = file.get(U64, Mcap.MAGIC.length + 1);
        long end = Mcap.MAGIC.length + Mcap.RECORD_PREFIX + length;
        return length < 0 || end > size || end < 0 ? size : end;
    }

    private McapChunkIndex chunkIndex(RecordCursor cursor, long size) throws McapFormatException {
        McapChunkIndex index = new McapChunkIndex(cursor.u64("message_start_time"), cursor.u64("message_end_time"),
            cursor.u64("chunk_start_offset"), cursor.u64("chunk_length"), cursor.u16u64Map("message_index_offsets"),
            cursor.u64("message_index_length"), cursor.string("compression"), cursor.u64("compressed_size"),
            cursor.u64("uncompressed_size"));
        if (index.chunkStartOffset() < Mcap.MAGIC.length || index.chunkLength() < Mcap.CHUNK_FIXED
            || index.chunkStartOffset() > size || index.chunkLength() > size - index.chunkStartOffset()) {
            throw cursor.error("the chunk it points to (offset " + Long.toUnsignedString(index.chunkStartOffset())
                + ", length " + Long.toUnsignedString(index.chunkLength()) + ") lies outside the file's " + size
                + " bytes");
        }
        return index;
    }

    /** The file this reader reads. */
    public Path path() {
        return path;
    }

    /** The Header's profile ({@code ros2} for rosbag2's files and Sluice's). */
    public String profile() {
        return profile;
    }

    /** The Header's library: who wrote the file. */
    public String library() {
        return library;
    }

    /** The schemas by id: the summary's, and any a chunk read so far defined besides (a copy). */
    public Map<Integer, McapSchema> schemas() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(schemas));
    }

    /** The channels by id: the summary's, and any a chunk read so far defined besides (a copy). */
    public Map<Integer, McapChannel> channels() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(channels));
    }

    /** The summary's Statistics record, if it has one. */
    public Optional<McapStatistics> statistics() {
        return Optional.ofNullable(statistics);
    }

    /** The summary's chunk indexes, in file order. */
    public List<McapChunkIndex> chunkIndexes() {
        return Collections.unmodifiableList(chunkIndexes);
    }

    /** Every message, in log-time order. */
    public Iterator<McapMessage> messages() {
        return messages(0, -1, channel -> true);
    }

    /**
     * The messages of {@code topics} (all when empty) with {@code startTime <= logTime < endTime} (unsigned ns; an
     * {@code endTime} of -1 is no limit), in log-time order (file order among equal times).
     */
    public Iterator<McapMessage> messages(long startTime, long endTime, Set<String> topics) {
        Set<String> wanted = Set.copyOf(topics);
        return messages(startTime, endTime, channel -> wanted.isEmpty() || wanted.contains(channel.topic()));
    }

    /** The messages of the channels {@code accept} takes, with {@code startTime <= logTime < endTime}. */
    public Iterator<McapMessage> messages(long startTime, long endTime, Predicate<McapChannel> accept) {
        ensureOpen();
        List<McapChunkIndex> chunks = new ArrayList<>();
        for (McapChunkIndex index : chunkIndexes) {
            if (Long.compareUnsigned(index.messageEndTime(), startTime) < 0
                || (endTime != NO_END && Long.compareUnsigned(index.messageStartTime(), endTime) >= 0)) {
                continue;
            }
            boolean anyWanted = index.messageIndexOffsets().isEmpty();
            for (Integer channel : index.messageIndexOffsets().keySet()) {
                McapChannel known = channels.get(channel);
                anyWanted |= known == null || accept.test(known);
            }
            if (anyWanted) {
                chunks.add(index);
            }
        }
        chunks.sort(Comparator.comparing(McapChunkIndex::messageStartTime, Long::compareUnsigned));
        return new TimeOrderedMessages(chunks, startTime, endTime, accept);
    }

    private void ensureOpen() {
        if (!arena.scope().isAlive()) {
            throw new IllegalStateException("MCAP reader closed: " + path);
        }
    }

    /** Unmaps the file: every message handed out becomes unreadable. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    /** A message waiting in the merge of the chunks that overlap in time; where it lies in the file breaks ties. */
    private record Pending(McapMessage message, long chunkOffset, long recordOffset) {
    }

    /** Merges the messages of the chunks (sorted by start time) in log-time order, reading a chunk when needed. */
    private final class TimeOrderedMessages implements Iterator<McapMessage> {
        private final List<McapChunkIndex> chunks;
        private final long startTime;
        private final long endTime;
        private final Predicate<McapChannel> accept;
        private final PriorityQueue<Pending> queue = new PriorityQueue<>((a, b) -> {
            int byTime = Long.compareUnsigned(a.message.logTime(), b.message.logTime());
            if (byTime != 0) {
                return byTime;
            }
            int byChunk = Long.compare(a.chunkOffset, b.chunkOffset);
            return byChunk != 0 ? byChunk : Long.compare(a.recordOffset, b.recordOffset);
        });
        private int nextChunk;

        TimeOrderedMessages(List<McapChunkIndex> chunks, long startTime, long endTime,
                            Predicate<McapChannel> accept) {
            this.chunks = chunks;
            this.startTime = startTime;
            this.endTime = endTime;
            this.accept = accept;
        }

        @Override
        public boolean hasNext() {
            ensureOpen();
            // a chunk that starts no later than the earliest waiting message may hold an earlier one
            while (nextChunk < chunks.size() && (queue.isEmpty() || Long.compareUnsigned(
                chunks.get(nextChunk).messageStartTime(), queue.peek().message.logTime()) <= 0)) {
                try {
                    load(chunks.get(nextChunk++));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return !queue.isEmpty();
        }

        @Override
        public McapMessage next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return queue.poll().message;
        }

        private void load(McapChunkIndex index) throws IOException {
            long at = index.chunkStartOffset();
            McapRecords.walk(path, file, at, at + index.chunkLength(), -1, (opcode, recordAt, cursor) -> {
                if (opcode != Mcap.CHUNK) {
                    throw cursor.error("a chunk index points here, but this is no Chunk record");
                }
                McapRecords.Chunk chunk = McapRecords.chunk(cursor);
                MemorySegment records = McapRecords.records(cursor, chunk);
                McapRecords.walk(path, records, 0, records.byteSize(), recordAt, (inner, innerAt, fields) -> {
                    switch (inner) {
                        case Mcap.SCHEMA -> {
                            McapSchema schema = McapRecords.schema(fields);
                            if (schema != null) {
                                schemas.putIfAbsent(schema.id(), schema);
                            }
                        }
                        case Mcap.CHANNEL -> {
                            McapChannel channel = McapRecords.channel(fields);
                            channels.putIfAbsent(channel.id(), channel);
                        }
                        case Mcap.MESSAGE -> {
                            McapMessage message = McapRecords.message(fields, channels);
                            long logTime = message.logTime();
                            if (Long.compareUnsigned(logTime, startTime) >= 0
                                && (endTime == NO_END || Long.compareUnsigned(logTime, endTime) < 0)
                                && accept.test(message.channel())) {
                                queue.add(new Pending(message, recordAt, innerAt));
                            }
                        }
                        default -> {
                            // other records in a chunk (private ones, later versions): skipped
                        }
                    }
                });
            });
        }
    }

    @Override
    public String toString() {
        return "McapReader[" + path + ", " + channels.size() + " channels, " + chunkIndexes.size() + " chunks"
            + (statistics == null ? "" : ", " + statistics.messageCount() + " messages") + "]";
    }
}

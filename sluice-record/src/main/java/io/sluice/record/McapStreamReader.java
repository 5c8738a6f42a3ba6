package io.sluice.record;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads an MCAP file from the start, record by record, without its summary: also a file whose writer was killed.
 * Such a file simply ends; the reader hands out everything complete before the end and says where it stopped and
 * why ({@link Result}). Chunks are checked as {@link McapReader} checks them.
 *
 * {@snippet :
 * McapStreamReader.Result result = McapStreamReader.read(Path.of("run.mcap"), message -> {
 *     // message.data() is valid during this call only: copy what you keep
 * });
 * if (!result.finished()) {
 *     System.err.println("the file ends early: " + result.stop());
 * }
 * }
 *
 * <p>Two modes. {@link #read} throws {@link McapFormatException} at the first damage that is not the end of the
 * file (a bad CRC, a record that cannot be what it says). {@link #salvage} reads around damage instead (but not
 * around a missing magic or Header: that is no MCAP file): it skips a record outside chunks that cannot be read
 * (counted in {@link Result#damagedRecords()}), it skips a
 * chunk whose CRC or contents are bad (counted in {@link Result#damagedChunks()}; the messages before a record that
 * cannot be read are handed out, those after it are not), and of a chunk cut short by the
 * end of the file it still hands out the complete records when the chunk is uncompressed, which is what
 * {@link McapWriter} leaves when it is killed mid-chunk.
 */
public final class McapStreamReader {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** What a read hands out, in file order. */
    @FunctionalInterface
    public interface Visitor {
        /** The Header record. */
        default void header(String profile, String library) throws IOException {
        }

        /** A Schema record, the first time its id appears. */
        default void schema(McapSchema schema) throws IOException {
        }

        /** A Channel record, the first time its id appears. */
        default void channel(McapChannel channel) throws IOException {
        }

        /** A message; its data is valid during this call only. */
        void message(McapMessage message) throws IOException;
    }

    /**
     * How a read ended.
     *
     * @param finished      whether the data section ended with its Data End record (the file was finished)
     * @param messages      messages handed out
     * @param chunks        chunks read whole
     * @param damagedChunks chunks skipped as damaged ({@link #salvage} only)
     * @param partialChunks chunks cut short by the end of the file whose complete records were handed out
     *                      ({@link #salvage} only)
     * @param damagedRecords records outside chunks skipped as damaged ({@link #salvage} only)
     * @param readUpTo      the offset up to which the file was read: its end, or the start of the first record that
     *                      was not complete
     * @param fileSize      the file's size
     * @param stop          why the read stopped before the Data End, or null when it did not
     */
    public record Result(boolean finished, long messages, long chunks, long damagedChunks, long partialChunks,
                         long damagedRecords, long readUpTo, long fileSize, String stop) {
    }

    private final Path path;
    private final MemorySegment file;
    private final Visitor visitor;
    private final boolean salvage;
    private final Map<Integer, McapSchema> schemas = new HashMap<>();
    private final Map<Integer, McapChannel> channels = new HashMap<>();
    private long messages;
    private long chunks;
    private long damagedChunks;
    private long partialChunks;
    private long damagedRecords;

    private McapStreamReader(Path path, MemorySegment file, Visitor visitor, boolean salvage) {
        this.path = path;
        this.file = file;
        this.visitor = visitor;
        this.salvage = salvage;
    }

    /** Reads {@code file} from the start; throws at the first damage that is not the file's end. */
    public static Result read(Path file, Visitor visitor) throws IOException {
        return run(file, visitor, false);
    }

    /** Reads {@code file} from the start around damage: what can be trusted is handed out, the rest counted. */
    public static Result salvage(Path file, Visitor visitor) throws IOException {
        return run(file, visitor, true);
    }

    private static Result run(Path file, Visitor visitor, boolean salvage) throws IOException {
        Objects.requireNonNull(visitor, "visitor");
        try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment mapped = size == 0 ? MemorySegment.ofArray(new byte[0])
                : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new McapStreamReader(file, mapped, visitor, salvage).read();
        }
    }

    /** Reads an MCAP file already in memory ({@code name} only names it in errors): for the fuzz harness. */
    static Result read(Path name, MemorySegment bytes, Visitor visitor, boolean salvage) throws IOException {
        return new McapStreamReader(name, bytes, visitor, salvage).read();
    }

    private Result read() throws IOException {
        long size = file.byteSize();
        if (size < Mcap.MAGIC.length || MemorySegment.mismatch(file, 0, Mcap.MAGIC.length,
            MemorySegment.ofArray(Mcap.MAGIC), 0, Mcap.MAGIC.length) != -1) {
            throw new McapFormatException(path, 0, "magic", "not an MCAP file: it does not start with the MCAP magic"
                + " (0x89 'MCAP0' CR LF)");
        }
        long at = Mcap.MAGIC.length;
        boolean first = true;
        while (true) {
            if (size - at < Mcap.RECORD_PREFIX) {
                return result(false, at, at == size ? "the file ends after the record before offset " + at
                    : "the file ends in the opcode and length of a record at offset " + at);
            }
            int opcode = file.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
            long length = file.get(U64, at + 1);
            long contentStart = at + Mcap.RECORD_PREFIX;
            if (length < 0 || length > size - contentStart) {
                if (salvage && opcode == Mcap.CHUNK) {
                    salvagePartialChunk(at);
                }
                return result(false, at, "the " + Mcap.recordName(opcode) + " record at offset " + at
                    + " runs past the end of the file (length " + Long.toUnsignedString(length) + ", "
                    + (size - contentStart) + " bytes left)");
            }
            RecordCursor cursor = new RecordCursor(path, file, contentStart, contentStart + length, at, "", opcode);
            if (first) {
                if (opcode != Mcap.HEADER) {
                    throw cursor.error("the first record is not a Header");
                }
                visitor.header(cursor.string("profile"), cursor.string("library"));
                first = false;
            } else {
                switch (opcode) {
                    case Mcap.DATA_END -> {
                        return result(true, contentStart + length, null);
                    }
                    case Mcap.CHUNK -> chunk(cursor, at);
                    case Mcap.SCHEMA, Mcap.CHANNEL, Mcap.MESSAGE -> {
                        try {
                            content(opcode, at, cursor);
                        } catch (McapFormatException e) {
                            if (!salvage) {
                                throw e;
                            }
                            damagedRecords++;
                        }
                    }
                    case Mcap.HEADER -> throw cursor.error("a second Header record");
                    case Mcap.FOOTER -> {
                        return result(false, at, "a Footer at offset " + at + " without a Data End before it");
                    }
                    default -> {
                        // message indexes, attachments, metadata, records of later versions: not needed here
                    }
                }
            }
            at = contentStart + length;
        }
    }

    private Result result(boolean finished, long readUpTo, String stop) {
        return new Result(finished, messages, chunks, damagedChunks, partialChunks, damagedRecords, readUpTo,
            file.byteSize(), stop);
    }

    private void chunk(RecordCursor cursor, long at) throws IOException {
        MemorySegment records;
        try {
            McapRecords.Chunk chunk = McapRecords.chunk(cursor);
            records = McapRecords.records(cursor, chunk);
            if (salvage) {
                // check the run of records before handing anything out: a chunk whose CRC or record lengths are bad
                // gives nothing (a record whose fields are bad is found on the way, after the ones before it)
                McapRecords.walk(path, records, 0, records.byteSize(), at, (opcode, innerAt, fields) -> { });
            }
        } catch (McapFormatException e) {
            if (!salvage) {
                throw e;
            }
            damagedChunks++;
            return;
        }
        try {
            McapRecords.walk(path, records, 0, records.byteSize(), at, this::content);
        } catch (McapFormatException e) {
            if (!salvage) {
                throw e;
            }
            damagedChunks++;
            return;
        }
        chunks++;
    }

    /**
     * The complete records of an uncompressed chunk that the end of the file cuts short, in order, up to the first
     * that is not complete.
     */
    private void salvagePartialChunk(long at) throws IOException {
        long size = file.byteSize();
        long recordsAt = at + Mcap.CHUNK_FIXED;
        if (recordsAt > size) {
            return;
        }
        RecordCursor header = new RecordCursor(path, file, at + Mcap.RECORD_PREFIX, recordsAt, at, "", Mcap.CHUNK);
        header.u64("message_start_time");
        header.u64("message_end_time");
        header.u64("uncompressed_size");
        header.u32("uncompressed_crc");
        if (header.u32("compression length") != 0) {
            return; // compressed: nothing can be read from a part of it
        }
        long end = recordsAt;
        while (size - end >= Mcap.RECORD_PREFIX) {
            long length = file.get(U64, end + 1);
            if (length < 0 || length > size - end - Mcap.RECORD_PREFIX) {
                break;
            }
            end += Mcap.RECORD_PREFIX + length;
        }
        if (end == recordsAt) {
            return;
        }
        try {
            McapRecords.walk(path, file, recordsAt, end, at, this::content);
            partialChunks++;
        } catch (McapFormatException e) {
            damagedChunks++;
        }
    }

    /** A Schema, Channel or Message record, in a chunk ({@code at}: where in its records) or not. */
    private void content(int opcode, long at, RecordCursor cursor) throws IOException {
        switch (opcode) {
            case Mcap.SCHEMA -> {
                McapSchema schema = McapRecords.schema(cursor);
                if (schema != null && schemas.putIfAbsent(schema.id(), schema) == null) {
                    visitor.schema(schema);
                }
            }
            case Mcap.CHANNEL -> {
                McapChannel channel = McapRecords.channel(cursor);
                if (channel.schemaId() != 0 && !schemas.containsKey(channel.schemaId())) {
                    throw cursor.error("channel " + channel.id() + " (" + channel.topic() + ") names schema "
                        + channel.schemaId() + ", which no Schema record before it defines");
                }
                if (channels.putIfAbsent(channel.id(), channel) == null) {
                    visitor.channel(channel);
                }
            }
            case Mcap.MESSAGE -> {
                visitor.message(McapRecords.message(cursor, channels));
                messages++;
            }
            default -> {
                // nothing else is handed out
            }
        }
    }
}

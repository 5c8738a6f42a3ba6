package io.sluice.record;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Writes an MCAP file: chunked, with a message index after every chunk and a summary (schemas, channels,
 * statistics, chunk indexes, summary offsets) at the end, as rosbag2 writes it in the {@code ros2} profile. Not
 * thread-safe: one thread writes.
 *
 * {@snippet :
 * try (McapWriter writer = McapWriter.create(Path.of("run.mcap"), McapWriterOptions.defaults())) {
 *     int schema = writer.schema("std_msgs/msg/String", "ros2msg", "string data\n".getBytes(UTF_8));
 *     int channel = writer.channel("/chatter", schema, "cdr", Map.of());
 *     try (Sample<MemorySegment> sample = subscriber.take()) { // a message in shared memory
 *         writer.write(channel, sample.sequence(), logTime, publishTime, sample.segment());
 *     }
 * }
 * }
 *
 * <h2>Implementation notes</h2>
 * <b>One copy.</b> With {@link McapCompression#NONE} a message goes from the caller's segment (a sample in shared
 * memory) to the file in one gathering {@code write} (its 31-byte record prefix and its bytes): the kernel's copy
 * into the page cache is the only one. Such a chunk is written as it fills, so its Chunk record's header is written
 * first with a placeholder and overwritten in place once the chunk is complete. The placeholder's length is
 * {@code 2^64 - 1}: a reader that meets a chunk still open (the writer was killed) sees a record running past the
 * end of the file, never a record that looks complete; the records already inside it are whole and in order, so
 * {@link McapStreamReader} can still recover them. A compressed chunk is put together in memory and written whole.
 *
 * <p><b>CRCs.</b> Each chunk's CRC covers its uncompressed records; the Data End's covers every byte before it; the
 * Footer's covers the summary. Because a chunk's header is written after its records, the data-section CRC is kept
 * as a value and extended with {@link Crc32Combine} (the CRC of the header, then of the records, each computed on
 * its own) at every chunk, and with the CRC of the bytes written since at every chunk and at the end.
 *
 * <p><b>Failure.</b> An {@link IOException} from the file (a full disk), or any failure while a message or a chunk
 * is half written, leaves the writer failed: later calls
 * throw {@link IllegalStateException}, {@link #close()} closes the file without a summary. What was written by then
 * is what {@link McapStreamReader} recovers: every chunk closed before the failure.
 */
public final class McapWriter implements AutoCloseable {
    /** The placeholder length of a chunk still being written: "runs past the end of the file". */
    private static final long OPEN_CHUNK_LENGTH = -1L;
    private static final int MAX_ID = 0xFFFF;

    private final Path path;
    private final FileChannel file;
    private final McapWriterOptions options;
    private final boolean uncompressed;
    private long position;
    private boolean closed;
    private IOException failure;

    // CRC of the data section: dataCrc covers the file up to the bytes `pending` covers (pendingLength of them)
    private long dataCrc;
    private final CRC32 pending = new CRC32();
    private long pendingLength;

    private final List<McapSchema> schemas = new ArrayList<>();
    private final List<McapChannel> channels = new ArrayList<>();
    private ChannelState[] states = new ChannelState[16];
    private final List<McapChunkIndex> chunkIndexes = new ArrayList<>();

    // the open chunk
    private boolean chunkOpen;
    private long chunkStart;
    private long chunkRecordsLength;
    private long chunkStartTime;
    private long chunkEndTime;
    private boolean chunkHasMessages;
    private final CRC32 chunkCrc = new CRC32();
    private final RecordBuffer chunkRecords; // compressed chunks: the records, uncompressed
    private final RecordBuffer compressed;
    private int[] chunkChannels = new int[16];
    private int chunkChannelCount;

    // statistics
    private long messageCount;
    private long startTime;
    private long endTime;

    private final RecordBuffer scratch = new RecordBuffer(4096);
    private final RecordBuffer chunkHeader = new RecordBuffer(64); // never scratch: a chunk opens while scratch holds a record
    private final ByteBuffer messagePrefix =
        ByteBuffer.allocateDirect(Mcap.RECORD_PREFIX + Mcap.MESSAGE_FIELDS).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer[] gather = new ByteBuffer[2];

    private static final class ChannelState {
        final McapChannel channel;
        long messages;
        long[] index = new long[32]; // log time, offset in the chunk's records; pairs
        int indexSize;
        boolean inChunk;

        ChannelState(McapChannel channel) {
            this.channel = channel;
        }

        void add(long logTime, long offset) {
            if (indexSize + 2 > index.length) {
                index = Arrays.copyOf(index, index.length * 2);
            }
            index[indexSize++] = logTime;
            index[indexSize++] = offset;
        }
    }

    private McapWriter(Path path, FileChannel file, McapWriterOptions options) {
        this.path = path;
        this.file = file;
        this.options = options;
        this.uncompressed = options.compression() == McapCompression.NONE;
        this.chunkRecords = uncompressed ? null : new RecordBuffer((int) Math.min(options.chunkSize() + 4096,
            16 << 20));
        this.compressed = uncompressed ? null : new RecordBuffer(4096);
    }

    /**
     * Creates {@code file} (it must not exist yet) and writes the magic and the Header record ({@code ros2}
     * profile).
     */
    public static McapWriter create(Path file, McapWriterOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        McapWriter writer = new McapWriter(file, channel, options);
        try {
            writer.scratch.clear();
            writer.scratch.bytes(Mcap.MAGIC);
            int header = writer.scratch.beginRecord(Mcap.HEADER);
            writer.scratch.string(Mcap.PROFILE_ROS2).string(options.library());
            writer.scratch.endRecord(header);
            writer.writeOutsideChunk(writer.scratch);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return writer;
    }

    /** The file being written. */
    public Path path() {
        return path;
    }

    /** Bytes written to the file so far. */
    public long bytesWritten() {
        return position;
    }

    /** Messages written so far. */
    public long messageCount() {
        return messageCount;
    }

    /**
     * The id of the schema with this name, encoding and text: the one already written if there is one, else a new
     * one, written now (into the current chunk, as MCAP's own writers do, and into the summary at the end).
     */
    public int schema(String name, String encoding, byte[] data) throws IOException {
        ensureWritable();
        for (McapSchema schema : schemas) {
            if (schema.sameContent(name, encoding, data)) {
                return schema.id();
            }
        }
        if (schemas.size() == MAX_ID) {
            throw new IllegalStateException("too many schemas for one MCAP file: " + MAX_ID);
        }
        McapSchema schema = new McapSchema(schemas.size() + 1, name, encoding, data.clone());
        scratch.clear();
        putSchema(scratch, schema);
        appendToChunk(scratch);
        schemas.add(schema);
        return schema.id();
    }

    /**
     * The id of the channel with this topic, schema, encoding and metadata: the one already written if there is one,
     * else a new one, written now.
     *
     * @param schemaId a value {@link #schema} returned, or 0 for none
     */
    public int channel(String topic, int schemaId, String messageEncoding, Map<String, String> metadata)
        throws IOException {
        ensureWritable();
        if (schemaId != 0 && (schemaId < 0 || schemaId > schemas.size())) {
            throw new IllegalArgumentException("no such schema in this file: schemaId=" + schemaId);
        }
        for (McapChannel channel : channels) {
            if (channel.topic().equals(topic) && channel.schemaId() == schemaId
                && channel.messageEncoding().equals(messageEncoding) && channel.metadata().equals(metadata)) {
                return channel.id();
            }
        }
        if (channels.size() == MAX_ID) {
            throw new IllegalStateException("too many channels for one MCAP file: " + MAX_ID);
        }
        McapChannel channel = new McapChannel(channels.size() + 1, schemaId, topic, messageEncoding,
            new LinkedHashMap<>(metadata));
        scratch.clear();
        putChannel(scratch, channel);
        appendToChunk(scratch);
        channels.add(channel);
        if (channel.id() >= states.length) {
            states = Arrays.copyOf(states, Math.max(channel.id() + 1, states.length * 2));
        }
        states[channel.id()] = new ChannelState(channel);
        return channel.id();
    }

    /** Writes a message from a heap array. */
    public void write(int channelId, long sequence, long logTime, long publishTime, byte[] data) throws IOException {
        write(channelId, sequence, logTime, publishTime, MemorySegment.ofArray(data));
    }

    /**
     * Writes one message. Uncompressed, its bytes go from {@code data} (a sample in shared memory, say) to the file
     * without another copy; the call returns once the kernel has them.
     *
     * @param channelId   a value {@link #channel} returned
     * @param sequence    the publisher's sequence number (MCAP keeps its low 32 bits)
     * @param logTime     when it was received, ns
     * @param publishTime when it was published, ns on the same clock
     */
    public void write(int channelId, long sequence, long logTime, long publishTime, MemorySegment data)
        throws IOException {
        ensureWritable();
        ChannelState state = channelId > 0 && channelId < states.length ? states[channelId] : null;
        if (state == null) {
            throw new IllegalArgumentException("no such channel in this file: channelId=" + channelId);
        }
        long contentLength = Mcap.MESSAGE_FIELDS + data.byteSize();
        if (!uncompressed && contentLength > RecordBuffer.MAX_SIZE / 2) {
            throw new IllegalArgumentException("message too large for a compressed chunk (write it uncompressed): size="
                + data.byteSize() + ", limit=" + (RecordBuffer.MAX_SIZE / 2 - Mcap.MESSAGE_FIELDS));
        }
        if (!chunkOpen) {
            openChunk();
        }
        long offset = chunkRecordsLength;
        try {
            if (uncompressed) {
                ByteBuffer prefix = messagePrefix.clear();
                prefix.put((byte) Mcap.MESSAGE).putLong(contentLength).putShort((short) channelId)
                    .putInt((int) sequence).putLong(logTime).putLong(publishTime).flip();
                ByteBuffer body = data.asByteBuffer();
                if (options.crc()) {
                    chunkCrc.update(prefix);
                    chunkCrc.update(body);
                    prefix.rewind();
                    body.rewind();
                }
                gather[0] = prefix;
                gather[1] = body;
                writeFully(gather);
                gather[1] = null;
            } else {
                chunkRecords.u8(Mcap.MESSAGE).u64(contentLength).u16(channelId).u32(sequence).u64(logTime)
                    .u64(publishTime).bytes(data);
            }
        } catch (IOException e) {
            throw fail(e);
        } catch (RuntimeException e) {
            fail(new IOException("writing a message failed: " + e, e));
            throw e;
        }
        chunkRecordsLength += Mcap.RECORD_PREFIX + contentLength;
        if (!state.inChunk) {
            state.inChunk = true;
            if (chunkChannelCount == chunkChannels.length) {
                chunkChannels = Arrays.copyOf(chunkChannels, chunkChannelCount * 2);
            }
            chunkChannels[chunkChannelCount++] = channelId;
        }
        state.add(logTime, offset);
        state.messages++;
        if (!chunkHasMessages || Long.compareUnsigned(logTime, chunkStartTime) < 0) {
            chunkStartTime = logTime;
        }
        if (!chunkHasMessages || Long.compareUnsigned(logTime, chunkEndTime) > 0) {
            chunkEndTime = logTime;
        }
        chunkHasMessages = true;
        if (messageCount == 0 || Long.compareUnsigned(logTime, startTime) < 0) {
            startTime = logTime;
        }
        if (messageCount == 0 || Long.compareUnsigned(logTime, endTime) > 0) {
            endTime = logTime;
        }
        messageCount++;
        if (chunkRecordsLength >= options.chunkSize()) {
            closeChunk();
        }
    }

    /**
     * Closes the current chunk, so that everything written so far is complete in the file (in the page cache; not
     * forced to the device) and would survive the death of this process.
     */
    public void flush() throws IOException {
        ensureWritable();
        if (chunkOpen) {
            closeChunk();
        }
    }

    /**
     * Finishes the file: closes the current chunk, writes the Data End, the summary, the summary offsets, the Footer
     * and the trailing magic, and closes it. After a failure only closes it. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (file) {
            if (failure == null) {
                if (chunkOpen) {
                    closeChunk();
                }
                finish();
            }
        }
    }

    /**
     * Closes the file as it is, without finishing it: what was written stays, as a killed writer would leave it (for
     * a caller that is giving the file up). Idempotent; {@link #close()} afterwards does nothing.
     */
    public void abandon() throws IOException {
        if (!closed) {
            closed = true;
            file.close();
        }
    }

    private void ensureWritable() {
        if (closed) {
            throw new IllegalStateException("MCAP writer closed: " + path);
        }
        if (failure != null) {
            throw new IllegalStateException("MCAP writer failed earlier, the file ends at the last complete chunk: "
                + path + ": " + failure.getMessage(), failure);
        }
    }

    private IOException fail(IOException e) {
        failure = e;
        return e;
    }

    private void openChunk() throws IOException {
        foldPending();
        chunkOpen = true;
        chunkStart = position;
        chunkRecordsLength = 0;
        chunkHasMessages = false;
        chunkStartTime = 0;
        chunkEndTime = 0;
        chunkCrc.reset();
        if (uncompressed) {
            chunkHeader.clear();
            putChunkHeader(chunkHeader, OPEN_CHUNK_LENGTH, 0, 0, 0, 0, 0);
            ByteBuffer header = chunkHeader.byteBuffer();
            try {
                writeFully(header);
            } catch (IOException e) {
                throw fail(e);
            }
        } else {
            chunkRecords.clear();
        }
    }

    /** Schema and Channel records go into the chunk (one is opened if none is). */
    private void appendToChunk(RecordBuffer record) throws IOException {
        if (!chunkOpen) {
            openChunk();
        }
        if (uncompressed) {
            ByteBuffer bytes = record.byteBuffer();
            if (options.crc()) {
                chunkCrc.update(bytes);
                bytes.rewind();
            }
            try {
                writeFully(bytes);
            } catch (IOException e) {
                throw fail(e);
            }
        } else {
            chunkRecords.bytes(MemorySegment.ofArray(record.array()).asSlice(0, record.size()));
        }
        chunkRecordsLength += record.size();
    }

    private void closeChunk() throws IOException {
        chunkOpen = false;
        long storedSize;
        try {
            if (uncompressed) {
                long uncompressedCrc = options.crc() ? chunkCrc.getValue() : 0;
                chunkHeader.clear();
                putChunkHeader(chunkHeader, Mcap.CHUNK_FIXED - Mcap.RECORD_PREFIX + chunkRecordsLength,
                    chunkRecordsLength, uncompressedCrc, chunkStartTime, chunkEndTime, chunkRecordsLength);
                ByteBuffer header = chunkHeader.byteBuffer();
                if (options.crc()) {
                    CRC32 headerCrc = new CRC32();
                    headerCrc.update(header);
                    header.rewind();
                    dataCrc = Crc32Combine.combine(dataCrc, headerCrc.getValue(), header.remaining());
                    dataCrc = Crc32Combine.combine(dataCrc, uncompressedCrc, chunkRecordsLength);
                }
                long at = chunkStart;
                while (header.hasRemaining()) {
                    at += file.write(header, at);
                }
                storedSize = chunkRecordsLength;
            } else {
                long uncompressedCrc = 0;
                if (options.crc()) {
                    chunkCrc.update(chunkRecords.array(), 0, chunkRecords.size());
                    uncompressedCrc = chunkCrc.getValue();
                }
                options.compression().compress(chunkRecords.array(), chunkRecords.size(), compressed,
                    options.compressionLevel());
                storedSize = compressed.size();
                chunkHeader.clear();
                putChunkHeader(chunkHeader, Mcap.CHUNK_FIXED - Mcap.RECORD_PREFIX
                        + options.compression().wireName().getBytes(StandardCharsets.UTF_8).length
                        + storedSize, chunkRecordsLength, uncompressedCrc, chunkStartTime, chunkEndTime, storedSize);
                writeOutsideChunk(chunkHeader);
                writeOutsideChunk(compressed);
            }
            long chunkLength = position - chunkStart;
            long indexStart = position;
            Map<Integer, Long> indexOffsets = new LinkedHashMap<>();
            for (int i = 0; i < chunkChannelCount; i++) {
                ChannelState state = states[chunkChannels[i]];
                indexOffsets.put(state.channel.id(), position);
                scratch.clear();
                int record = scratch.beginRecord(Mcap.MESSAGE_INDEX);
                scratch.u16(state.channel.id()).u32(8L * state.indexSize);
                for (int k = 0; k < state.indexSize; k++) {
                    scratch.u64(state.index[k]);
                }
                scratch.endRecord(record);
                writeOutsideChunk(scratch);
                state.indexSize = 0;
                state.inChunk = false;
            }
            chunkChannelCount = 0;
            chunkIndexes.add(new McapChunkIndex(chunkStartTime, chunkEndTime, chunkStart, chunkLength, indexOffsets,
                position - indexStart, options.compression().wireName(), storedSize, chunkRecordsLength));
        } catch (IOException e) {
            throw fail(e);
        } catch (RuntimeException e) { // a compressor's failure: the chunk is lost, the writer must not go on
            fail(new IOException("closing a chunk failed: " + e, e));
            throw e;
        }
    }

    /** The Chunk record up to its records (placeholder or final). */
    private void putChunkHeader(RecordBuffer out, long contentLength, long uncompressedSize, long uncompressedCrc,
                                long messageStartTime, long messageEndTime, long storedSize) {
        out.u8(Mcap.CHUNK).u64(contentLength).u64(messageStartTime).u64(messageEndTime).u64(uncompressedSize)
            .u32(uncompressedCrc).string(options.compression().wireName()).u64(storedSize);
    }

    private void finish() throws IOException {
        try {
            foldPending();
            scratch.clear();
            int dataEnd = scratch.beginRecord(Mcap.DATA_END);
            scratch.u32(options.crc() ? dataCrc : 0);
            scratch.endRecord(dataEnd);
            writeOutsideChunk(scratch);
            pending.reset(); // from here on `pending` is the summary's CRC
            pendingLength = 0;

            long summaryStart = position;
            List<long[]> groups = new ArrayList<>(); // opcode, start, length
            if (!schemas.isEmpty()) {
                long start = position;
                for (McapSchema schema : schemas) {
                    scratch.clear();
                    putSchema(scratch, schema);
                    writeOutsideChunk(scratch);
                }
                groups.add(new long[] {Mcap.SCHEMA, start, position - start});
            }
            if (!channels.isEmpty()) {
                long start = position;
                for (McapChannel channel : channels) {
                    scratch.clear();
                    putChannel(scratch, channel);
                    writeOutsideChunk(scratch);
                }
                groups.add(new long[] {Mcap.CHANNEL, start, position - start});
            }
            long statisticsStart = position;
            scratch.clear();
            int statistics = scratch.beginRecord(Mcap.STATISTICS);
            Map<Integer, Long> counts = new LinkedHashMap<>();
            for (McapChannel channel : channels) {
                counts.put(channel.id(), states[channel.id()].messages);
            }
            scratch.u64(messageCount).u16(schemas.size()).u32(channels.size()).u32(0).u32(0)
                .u32(chunkIndexes.size()).u64(messageCount == 0 ? 0 : startTime)
                .u64(messageCount == 0 ? 0 : endTime).u16u64Map(counts);
            scratch.endRecord(statistics);
            writeOutsideChunk(scratch);
            groups.add(new long[] {Mcap.STATISTICS, statisticsStart, position - statisticsStart});
            if (!chunkIndexes.isEmpty()) {
                long start = position;
                for (McapChunkIndex index : chunkIndexes) {
                    scratch.clear();
                    int record = scratch.beginRecord(Mcap.CHUNK_INDEX);
                    scratch.u64(index.messageStartTime()).u64(index.messageEndTime()).u64(index.chunkStartOffset())
                        .u64(index.chunkLength()).u16u64Map(index.messageIndexOffsets())
                        .u64(index.messageIndexLength()).string(index.compression()).u64(index.compressedSize())
                        .u64(index.uncompressedSize());
                    scratch.endRecord(record);
                    writeOutsideChunk(scratch);
                }
                groups.add(new long[] {Mcap.CHUNK_INDEX, start, position - start});
            }
            long summaryOffsetStart = position;
            scratch.clear();
            for (long[] group : groups) {
                int record = scratch.beginRecord(Mcap.SUMMARY_OFFSET);
                scratch.u8((int) group[0]).u64(group[1]).u64(group[2]);
                scratch.endRecord(record);
            }
            writeOutsideChunk(scratch);

            scratch.clear();
            scratch.u8(Mcap.FOOTER).u64(Mcap.FOOTER_RECORD - Mcap.RECORD_PREFIX).u64(summaryStart)
                .u64(summaryOffsetStart);
            pending.update(scratch.byteBuffer()); // the summary CRC runs through summary_offset_start
            scratch.u32(options.crc() ? pending.getValue() : 0);
            scratch.bytes(Mcap.MAGIC);
            writeFully(scratch.byteBuffer());
        } catch (IOException e) {
            throw fail(e);
        }
    }

    private static void putSchema(RecordBuffer out, McapSchema schema) {
        int record = out.beginRecord(Mcap.SCHEMA);
        out.u16(schema.id()).string(schema.name()).string(schema.encoding()).u32(schema.data().length)
            .bytes(schema.data());
        out.endRecord(record);
    }

    private static void putChannel(RecordBuffer out, McapChannel channel) {
        int record = out.beginRecord(Mcap.CHANNEL);
        out.u16(channel.id()).u16(channel.schemaId()).string(channel.topic()).string(channel.messageEncoding())
            .stringMap(channel.metadata());
        out.endRecord(record);
    }

    /** Writes {@code bytes} at the end of the file, outside any chunk being written, and adds them to the CRC. */
    private void writeOutsideChunk(RecordBuffer bytes) throws IOException {
        ByteBuffer buffer = bytes.byteBuffer();
        if (options.crc()) {
            pending.update(buffer);
            buffer.rewind();
        }
        pendingLength += buffer.remaining();
        writeFully(buffer);
    }

    /** Makes {@code dataCrc} cover everything written so far outside chunks. */
    private void foldPending() {
        if (options.crc() && pendingLength > 0) {
            dataCrc = Crc32Combine.combine(dataCrc, pending.getValue(), pendingLength);
        }
        pending.reset();
        pendingLength = 0;
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            position += file.write(buffer);
        }
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        long remaining = 0;
        for (ByteBuffer buffer : buffers) {
            remaining += buffer.remaining();
        }
        while (remaining > 0) {
            long written = file.write(buffers);
            position += written;
            remaining -= written;
        }
    }
}

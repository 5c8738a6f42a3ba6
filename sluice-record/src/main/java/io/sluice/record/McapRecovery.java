package io.sluice.record;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Rewrites what can be trusted of an MCAP file as a finished one (`sluice bag recover`): every complete chunk, the
 * complete messages of an uncompressed chunk the end of the file cut short (a recorder killed mid-chunk), schemas
 * and channels as they were (ids renumbered in order of appearance), with a new summary. Chunks found damaged are
 * left out and counted.
 */
public final class McapRecovery {
    private McapRecovery() {
    }

    /**
     * What a recovery kept and left.
     *
     * @param messages      messages written to the new file
     * @param chunks        complete chunks read
     * @param partialChunks chunks cut short whose complete messages were kept
     * @param damagedChunks chunks left out as damaged
     * @param damagedRecords records outside chunks left out as damaged
     * @param wasFinished   whether the old file was finished already (then nothing was missing)
     * @param readUpTo      the offset up to which the old file could be read
     * @param fileSize      the old file's size
     * @param stop          why reading the old file stopped early, or null
     */
    public record Report(long messages, long chunks, long partialChunks, long damagedChunks, long damagedRecords,
                         boolean wasFinished, long readUpTo, long fileSize, String stop) {
    }

    /**
     * Reads {@code damaged} around its damage and writes what it holds to {@code output} (which must not exist). When
     * the old file cannot be read at all (not MCAP, no Header), or writing fails, {@code output} is removed and the
     * failure thrown.
     */
    public static Report recover(Path damaged, Path output, McapWriterOptions options) throws IOException {
        Map<Integer, Integer> schemaIds = new HashMap<>();
        Map<Integer, Integer> channelIds = new HashMap<>();
        McapStreamReader.Result result;
        McapWriter writer = McapWriter.create(output, options);
        try {
            result = McapStreamReader.salvage(damaged, new McapStreamReader.Visitor() {
                @Override
                public void schema(McapSchema schema) throws IOException {
                    schemaIds.put(schema.id(), writer.schema(schema.name(), schema.encoding(), schema.data()));
                }

                @Override
                public void channel(McapChannel channel) throws IOException {
                    int schema = channel.schemaId() == 0 ? 0 : schemaIds.get(channel.schemaId());
                    channelIds.put(channel.id(), writer.channel(channel.topic(), schema, channel.messageEncoding(),
                        channel.metadata()));
                }

                @Override
                public void message(McapMessage message) throws IOException {
                    writer.write(channelIds.get(message.channel().id()), message.sequence(), message.logTime(),
                        message.publishTime(), message.data());
                }
            });
        } catch (IOException | RuntimeException | Error e) {
            // nothing half-done may look like a finished recovery
            try {
                writer.abandon();
            } finally {
                java.nio.file.Files.deleteIfExists(output);
            }
            throw e;
        }
        writer.close();
        return new Report(result.messages(), result.chunks(), result.partialChunks(), result.damagedChunks(),
            result.damagedRecords(), result.finished(), result.readUpTo(), result.fileSize(), result.stop());
    }
}

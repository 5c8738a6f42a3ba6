package io.sluice.record;

import java.util.Map;

/**
 * The Statistics record of a file's summary.
 *
 * @param messageCount         Message records in the file
 * @param schemaCount          distinct schema ids (not counting 0)
 * @param channelCount         distinct channel ids
 * @param attachmentCount      Attachment records
 * @param metadataCount        Metadata records
 * @param chunkCount           Chunk records
 * @param messageStartTime     the earliest log time, ns; 0 without messages
 * @param messageEndTime       the latest log time, ns; 0 without messages
 * @param channelMessageCounts messages per channel id
 */
public record McapStatistics(long messageCount, int schemaCount, long channelCount, long attachmentCount,
                             long metadataCount, long chunkCount, long messageStartTime, long messageEndTime,
                             Map<Integer, Long> channelMessageCounts) {
    public McapStatistics {
        channelMessageCounts = Map.copyOf(channelMessageCounts);
    }
}

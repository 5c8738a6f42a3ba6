package io.sluice.record;

/**
 * What every MCAP file shares: the magic, the record opcodes, and the names the errors use for them
 * (https://mcap.dev/spec).
 *
 * <pre>
 *   file    = MAGIC Header DataSection [SummarySection] [SummaryOffsetSection] Footer MAGIC
 *   record  = opcode (u8) | content length (u64, little endian) | content
 *   string  = byte length (u32) | UTF-8 bytes        map, array = byte length (u32) | entries
 * </pre>
 */
final class Mcap {
    /** The 8 bytes at the start and at the end of every MCAP file: 0x89 "MCAP" '0' "\r\n" (major version 0). */
    static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};

    static final int HEADER = 0x01;
    static final int FOOTER = 0x02;
    static final int SCHEMA = 0x03;
    static final int CHANNEL = 0x04;
    static final int MESSAGE = 0x05;
    static final int CHUNK = 0x06;
    static final int MESSAGE_INDEX = 0x07;
    static final int CHUNK_INDEX = 0x08;
    static final int ATTACHMENT = 0x09;
    static final int ATTACHMENT_INDEX = 0x0A;
    static final int STATISTICS = 0x0B;
    static final int METADATA = 0x0C;
    static final int METADATA_INDEX = 0x0D;
    static final int SUMMARY_OFFSET = 0x0E;
    static final int DATA_END = 0x0F;

    /** opcode (1) + content length (8). */
    static final int RECORD_PREFIX = 9;
    /** The Footer record: prefix + summary_start (8) + summary_offset_start (8) + summary_crc (4). */
    static final int FOOTER_RECORD = RECORD_PREFIX + 20;
    /** A Message record's content before its data: channel_id (2) sequence (4) log_time (8) publish_time (8). */
    static final int MESSAGE_FIELDS = 22;
    /**
     * A Chunk record up to its records: prefix, message_start_time, message_end_time, uncompressed_size (8 each),
     * uncompressed_crc (4), compression (4 + its length), records length (8).
     */
    static final int CHUNK_FIXED = RECORD_PREFIX + 8 + 8 + 8 + 4 + 4 + 8;

    /** The profile rosbag2 writes: {@code ros2msg} schemas and {@code cdr} messages. */
    static final String PROFILE_ROS2 = "ros2";

    private Mcap() {
    }

    /** The record's name as the specification spells it, for errors; {@code "opcode 0x.."} for others. */
    static String recordName(int opcode) {
        return switch (opcode) {
            case HEADER -> "Header";
            case FOOTER -> "Footer";
            case SCHEMA -> "Schema";
            case CHANNEL -> "Channel";
            case MESSAGE -> "Message";
            case CHUNK -> "Chunk";
            case MESSAGE_INDEX -> "Message Index";
            case CHUNK_INDEX -> "Chunk Index";
            case ATTACHMENT -> "Attachment";
            case ATTACHMENT_INDEX -> "Attachment Index";
            case STATISTICS -> "Statistics";
            case METADATA -> "Metadata";
            case METADATA_INDEX -> "Metadata Index";
            case SUMMARY_OFFSET -> "Summary Offset";
            case DATA_END -> "Data End";
            default -> String.format("opcode 0x%02x", opcode);
        };
    }
}

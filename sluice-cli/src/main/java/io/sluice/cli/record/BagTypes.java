package io.sluice.cli.record;

import io.sluice.MessageType;
import io.sluice.TopicInfo;
import io.sluice.msg.CdrType;
import io.sluice.record.McapChannel;
import io.sluice.record.McapSchema;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** The Sluice type of a recorded channel, so that playing a recording publishes what was recorded. */
public final class BagTypes {
    /** The message encoding of channels that carry a raw type's bytes (not CDR). */
    public static final String RAW_ENCODING = "application/octet-stream";
    /** Channel metadata: the type name of the topic recorded. */
    static final String TYPE_NAME = "sluice_type_name";
    /** Channel metadata: the type hash of the topic recorded, which playback publishes under. */
    static final String TYPE_HASH = "sluice_type_hash";

    private BagTypes() {
    }

    /** Whether a topic carries {@link MessageType#raw(String)} bytes: not CDR, nothing to decode. */
    static boolean isRaw(TopicInfo info) {
        return io.sluice.cli.topic.TopicTools.isRaw(info);
    }

    /**
     * The type to publish {@code channel}'s messages with: the topic's own type when Sluice recorded it (its name,
     * schema and hash, so that subscribers of a type with a hash of its own receive it too); else a CDR type from its
     * {@code ros2msg} schema (whose hash is the one a program using the same type computes).
     *
     * @throws IllegalArgumentException when the channel's encoding or schema is not one Sluice can play
     */
    static MessageType<MemorySegment> of(McapChannel channel, McapSchema schema) {
        String recordedName = channel.metadata().get(TYPE_NAME);
        String recordedHash = channel.metadata().get(TYPE_HASH);
        if (channel.messageEncoding().equals(RAW_ENCODING)) {
            String name = recordedName != null ? recordedName : "sluice/msg/Raw";
            return recordedHash != null ? MessageType.raw(new TopicInfo(channel.topic(), name,
                MessageType.raw(name).schema(), recordedHash)) : MessageType.raw(name);
        }
        if (!channel.messageEncoding().equals("cdr")) {
            throw new IllegalArgumentException(channel.topic() + ": message encoding " + channel.messageEncoding()
                + " (only cdr, and raw bytes recorded by Sluice, can be played)");
        }
        if (schema == null || !schema.encoding().equals("ros2msg")) {
            throw new IllegalArgumentException(channel.topic() + ": schema encoding "
                + (schema == null ? "(none)" : schema.encoding()) + " (only ros2msg can be played)");
        }
        String text = new String(schema.data(), StandardCharsets.UTF_8);
        CdrType<MemorySegment> type = CdrType.dynamic(schema.name(), text); // checks that the schema parses
        if (recordedHash != null && schema.name().equals(recordedName)) {
            return MessageType.raw(new TopicInfo(channel.topic(), schema.name(), text, recordedHash));
        }
        return type;
    }
}

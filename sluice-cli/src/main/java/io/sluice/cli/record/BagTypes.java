package io.sluice.cli.record;

import io.sluice.MessageType;
import io.sluice.msg.CdrType;
import io.sluice.record.McapChannel;
import io.sluice.record.McapSchema;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** The Sluice type of a recorded channel, so that playing a recording publishes what was recorded. */
final class BagTypes {
    /** The message encoding of channels that carry a raw type's bytes (not CDR). */
    static final String RAW_ENCODING = "application/octet-stream";

    private BagTypes() {
    }

    /**
     * The type to publish {@code channel}'s messages with: a CDR type from its {@code ros2msg} schema (so its hash is
     * the one a program using the same type computes), or raw bytes under the type name the recorder noted.
     *
     * @throws IllegalArgumentException when the channel's encoding or schema is not one Sluice can play
     */
    static MessageType<MemorySegment> of(McapChannel channel, McapSchema schema) {
        if (channel.messageEncoding().equals(RAW_ENCODING)) {
            String name = channel.metadata().getOrDefault("sluice_type_name", "sluice/msg/Raw");
            return MessageType.raw(name);
        }
        if (!channel.messageEncoding().equals("cdr")) {
            throw new IllegalArgumentException(channel.topic() + ": message encoding " + channel.messageEncoding()
                + " (only cdr, and raw bytes recorded by Sluice, can be played)");
        }
        if (schema == null || !schema.encoding().equals("ros2msg")) {
            throw new IllegalArgumentException(channel.topic() + ": schema encoding "
                + (schema == null ? "(none)" : schema.encoding()) + " (only ros2msg can be played)");
        }
        return CdrType.dynamic(schema.name(), new String(schema.data(), StandardCharsets.UTF_8));
    }
}

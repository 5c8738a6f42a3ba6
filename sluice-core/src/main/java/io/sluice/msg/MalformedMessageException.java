package io.sluice.msg;

import io.sluice.SluiceException;

/**
 * The bytes of a message do not hold what its type says: a truncated sample, a sequence or string length beyond
 * the end, a string without its terminator, an unknown encapsulation. The message names the type, the field and the
 * byte offset (from the start of the message, encapsulation header included).
 */
public final class MalformedMessageException extends SluiceException {
    private final String field;
    private final long offset;

    public MalformedMessageException(String type, String field, long offset, String problem) {
        super(type + "." + field + " at offset " + offset + ": " + problem);
        this.field = field;
        this.offset = offset;
    }

    /** The field, as a path from the message ({@code header.frame_id}, {@code fields[2].name}). */
    public String field() {
        return field;
    }

    /** Offset of the bad value from the start of the message. */
    public long offset() {
        return offset;
    }
}

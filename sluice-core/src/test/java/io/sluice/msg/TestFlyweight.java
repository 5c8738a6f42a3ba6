package io.sluice.msg;

import java.lang.foreign.MemorySegment;

/**
 * A flyweight over a definition known only at run time, so tests can call what generated flyweights call:
 * {@link #cdrPutString} and {@link #cdrResizeSequence}, on the root or on a nested message.
 */
final class TestFlyweight extends CdrMessage {
    private final MsgDefinition definition;

    /** A view of the whole message in {@code segment}. */
    TestFlyweight(MsgDefinition definition, MemorySegment segment) {
        super(segment);
        this.definition = definition;
    }

    private TestFlyweight(MsgDefinition definition) {
        this.definition = definition;
    }

    @Override
    public MsgDefinition cdrDefinition() {
        return definition;
    }

    /** A view of the message of type {@code nested} that starts at {@code at} in this one. */
    TestFlyweight nested(MsgDefinition nested, long at) {
        return cdrPlace(new TestFlyweight(nested), at);
    }

    /** Writes {@code value} into the string of {@code field} whose length is at {@code at}. */
    void putString(long at, String value, String field) {
        cdrPutString(at, value, field);
    }

    /** Resizes the sequence of {@code field} whose count is at {@code at} to {@code count} elements. */
    void resizeSequence(long at, int count, String field) {
        cdrResizeSequence(at, count, field);
    }
}

package io.sluice.service;

import io.sluice.MessageType;
import io.sluice.msg.CdrMessage;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The message type of a service's request and response topics: Sluice's 16-byte request header, then the message
 * exactly as its own type lays it out (for a CDR type: the encapsulation header, then the body).
 *
 * <pre>
 *  0                               8                               16
 * +-------------------------------+-+-----------------------------+---------------------------------
 * | client id (u64, LE)           |E| sequence (63 bits, LE)      | message of the inner type ...
 * +-------------------------------+-+-----------------------------+---------------------------------
 * E = 1 (the top bit of the sequence word): an error response; the message is then
 *     u32 length (LE) followed by that many bytes of UTF-8 text, the server's description of the failure.
 * </pre>
 *
 * The header mirrors the request header of ROS 2's DDS middlewares (writer guid, sequence number), reduced to what
 * one host needs. The type's name ({@code sluice/srv/Request[inner]}, {@code sluice/srv/Response[inner]}) differs
 * from the inner type's, so a plain subscriber of a service topic is refused with an
 * {@link io.sluice.IncompatibleTypeException} instead of misreading the header as message bytes.
 *
 * <p>Thread-safety: {@link #encodedSize} keeps a small cache of inner slices and must be used by one thread at a
 * time; each endpoint therefore gets its own instance (instances of equal inner types are compatible).
 */
final class ServiceEnvelope<T> implements MessageType<T> {
    static final int CLIENT_ID_OFFSET = 0;
    static final int SEQUENCE_OFFSET = 8;
    static final int HEADER_LENGTH = 16;
    static final int ERROR_LENGTH_OFFSET = HEADER_LENGTH;
    static final int ERROR_TEXT_OFFSET = ERROR_LENGTH_OFFSET + Integer.BYTES;
    /** The most bytes of error text a response carries; longer descriptions are cut. */
    static final int MAX_ERROR_TEXT = 4096;
    static final long ERROR_FLAG = Long.MIN_VALUE;
    static final long SEQUENCE_MASK = Long.MAX_VALUE;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    /** Entries of the slice cache before it starts over: several publishers' slots, generations included. */
    private static final int CACHE_LIMIT = 4096;

    private final MessageType<T> inner;
    private final String name;
    private final String hash;
    /**
     * Identity cache, outer slice -> inner slice: a publisher hands {@link #encodedSize} the same segment for each of
     * its slots, so after warm-up nothing is allocated. Used by the publishing thread(s) of the one service or
     * client that owns this envelope, under the cache's own monitor (uncontended).
     */
    private final java.util.IdentityHashMap<MemorySegment, MemorySegment> bodies = new java.util.IdentityHashMap<>();

    private ServiceEnvelope(String kind, MessageType<T> inner) {
        this.inner = inner;
        this.name = "sluice/srv/" + kind + "[" + inner.name() + "]";
        if (name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("service message type name longer than 255 bytes: name=" + name);
        }
        this.hash = MessageType.defaultHash(name, inner.hash());
    }

    static <T> ServiceEnvelope<T> request(MessageType<T> inner) {
        return new ServiceEnvelope<>("Request", java.util.Objects.requireNonNull(inner, "request type"));
    }

    static <T> ServiceEnvelope<T> response(MessageType<T> inner) {
        return new ServiceEnvelope<>("Response", java.util.Objects.requireNonNull(inner, "response type"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String schema() {
        return inner.schema();
    }

    @Override
    public String hash() {
        return hash;
    }

    @Override
    public T wrap(MemorySegment message) {
        return inner.wrap(body(message));
    }

    @Override
    public T rewrap(T view, MemorySegment message) {
        return inner.rewrap(view, body(message));
    }

    @Override
    public long encodedSize(MemorySegment message) {
        if (message.byteSize() < HEADER_LENGTH) {
            throw new IllegalStateException(name + ": message shorter than the service header: byteSize="
                + message.byteSize());
        }
        long sequenceWord = message.get(LONG, SEQUENCE_OFFSET);
        if ((sequenceWord & ERROR_FLAG) != 0) {
            return ERROR_TEXT_OFFSET + Integer.toUnsignedLong(message.get(INT, ERROR_LENGTH_OFFSET));
        }
        return HEADER_LENGTH + inner.encodedSize(cachedBody(message));
    }

    private MemorySegment cachedBody(MemorySegment message) {
        synchronized (bodies) {
            MemorySegment body = bodies.get(message);
            if (body == null) {
                if (bodies.size() >= CACHE_LIMIT) {
                    bodies.clear(); // slots of retired generations and closed publishers: start over
                }
                body = body(message);
                bodies.put(message, body);
            }
            return body;
        }
    }

    /** The message after the header; an empty slice for a message too short to hold one (never thrown at wrap). */
    private static MemorySegment body(MemorySegment message) {
        return message.byteSize() < HEADER_LENGTH ? message.asSlice(0, 0) : message.asSlice(HEADER_LENGTH);
    }

    /**
     * The inner message's bytes under {@code view}, made by {@link #wrap}: without allocating for raw and CDR views,
     * else a new slice of {@code message}.
     */
    static MemorySegment bodyOf(Object view, MemorySegment message) {
        if (view instanceof MemorySegment segment) {
            return segment;
        }
        if (view instanceof CdrMessage cdr && cdr.cdrOffset() >= 0) {
            return cdr.cdrSegment();
        }
        return message.asSlice(HEADER_LENGTH);
    }

    // ----------------------------------------------------------------------------------------- header accessors

    static long clientId(MemorySegment message) {
        return message.get(LONG, CLIENT_ID_OFFSET);
    }

    static long sequenceWord(MemorySegment message) {
        return message.get(LONG, SEQUENCE_OFFSET);
    }

    static void header(MemorySegment message, long clientId, long sequenceWord) {
        message.set(LONG, CLIENT_ID_OFFSET, clientId);
        message.set(LONG, SEQUENCE_OFFSET, sequenceWord);
    }

    /**
     * The bytes an error response with {@code text} needs, {@code text} cut to {@link #MAX_ERROR_TEXT} bytes at a
     * character boundary (never inside a UTF-8 sequence).
     */
    static byte[] errorText(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_ERROR_TEXT) {
            return bytes;
        }
        int end = MAX_ERROR_TEXT;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // bytes[end] continues a character: cut before that character starts
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    static void writeError(MemorySegment message, long clientId, long sequence, byte[] text) {
        header(message, clientId, sequence | ERROR_FLAG);
        message.set(INT, ERROR_LENGTH_OFFSET, text.length);
        MemorySegment.copy(text, 0, message, ValueLayout.JAVA_BYTE, ERROR_TEXT_OFFSET, text.length);
    }

    /** The error text of an error response, checked against the message's length. */
    static String readError(MemorySegment message) {
        long available = message.byteSize() - ERROR_TEXT_OFFSET;
        long length = available < 0 ? -1 : Integer.toUnsignedLong(message.get(INT, ERROR_LENGTH_OFFSET));
        if (length < 0 || length > available) {
            return "(malformed error response: length=" + length + ", available=" + available + ")";
        }
        byte[] bytes = new byte[(int) length];
        MemorySegment.copy(message, ValueLayout.JAVA_BYTE, ERROR_TEXT_OFFSET, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}

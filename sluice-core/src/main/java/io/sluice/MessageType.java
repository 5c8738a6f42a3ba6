package io.sluice;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What a topic carries: a type name, the schema text that describes its bytes, a hash of that schema, and how to
 * view a message's bytes as a {@code T}.
 *
 * <p>Every topic records the name and hash of its type when it is created; a publisher or subscriber that asks for
 * the topic with another type gets an {@link IncompatibleTypeException} naming both. The view is a flyweight: it
 * reads and writes the message in place and copies nothing.
 *
 * {@snippet :
 * MessageType<MemorySegment> blob = MessageType.raw("acme/msg/Blob");
 * }
 *
 * @param <T> the Java view of one message
 */
public interface MessageType<T> {
    /** The type name, ROS 2 style: {@code package/msg/Name}. At most 255 bytes of UTF-8. */
    String name();

    /** The schema text ({@code .msg} definition) of the type; may be empty for raw bytes. At most 64 KiB of UTF-8. */
    String schema();

    /** A stable hash of name and schema; two types are compatible exactly when name and hash match. At most 95 bytes. */
    String hash();

    /**
     * Views the bytes of one message. Called once per slot and cached (see {@link #rewrap}), so a view must not keep
     * per-read state.
     */
    T wrap(MemorySegment message);

    /**
     * Points {@code view}, made by {@link #wrap} for a message of another length in the same slot, at
     * {@code message}, and returns it (or a new view). Lets a flyweight and its caches live on when message lengths
     * vary; the default wraps anew.
     */
    default T rewrap(T view, MemorySegment message) {
        return wrap(message);
    }

    /**
     * Points {@code view}, made by {@link #wrap} for an earlier message in the same slot, at the message in the first
     * {@code length} bytes of {@code region}, and returns it (or a new view). The transport calls it whenever the
     * length of the message in a slot changes, with the same {@code region} every time: the whole slot, made once.
     * Bytes of {@code region} past {@code length} are not part of the message (an earlier, longer message left them
     * there): a view must check every read against {@code length}, not against the region's size.
     *
     * <p>A view that keeps the region and the length re-points without allocating: the CDR flyweights
     * ({@link io.sluice.msg.CdrType}) do, so messages whose length changes from one sample to the next (compressed
     * images, point clouds, strings) allocate nothing. The default makes the slice of exactly {@code length} bytes
     * and calls {@link #rewrap(Object, MemorySegment)}, so a type that does not override this keeps working and
     * allocates a slice (some 40 bytes) each time the length changes, as it did before. A view that is the message's
     * {@code MemorySegment} itself ({@link #raw}) is never re-pointed: the transport calls {@link #wrap} with the
     * slice of the new length, one of the last few it keeps per slot.
     *
     * @throws IndexOutOfBoundsException when {@code length} is negative or above the region's size
     */
    default T rewrap(T view, MemorySegment region, long length) {
        return rewrap(view, region.asSlice(0, length));
    }

    /**
     * How many of the loaned bytes {@code message} holds a message in: a publisher sends only those. Types whose
     * messages can end before their loan (a CDR message loaned with room for longer strings) say where; the default
     * is the whole loan.
     */
    default long encodedSize(MemorySegment message) {
        return message.byteSize();
    }

    /**
     * Raw bytes under a type name: the message is its {@link MemorySegment}.
     *
     * <p>A {@code MemorySegment} has one fixed size, so a message of a new length needs a new one: raw messages whose
     * length keeps changing allocate one slice (some 40 bytes) per publish or take of a new length, unlike CDR
     * messages. The transport keeps the last few slices of each slot, so a topic that alternates among a few lengths
     * (up to four per slot) allocates nothing once warm. For data whose length varies freely, publish a CDR type
     * with a {@code uint8[]} field instead, such as {@code sensor_msgs/msg/CompressedImage}: loan it once with room
     * for the largest message ({@code CompressedImage.sized("jpeg", capacity)}), set {@code dataCount(n)}, and its
     * flyweight re-points at each length without allocating.
     */
    static MessageType<MemorySegment> raw(String name) {
        return new RawType(name);
    }

    /**
     * Raw bytes under the type a topic records (its name, schema and hash as {@link Sluice#topicInfo} reads them):
     * for tools that move a topic's messages without reading them, such as a recorder or a bridge. Joins the topic
     * whatever its type is.
     */
    static MessageType<MemorySegment> raw(TopicInfo topic) {
        return new TopicBytes(topic.typeName(), topic.schema(), topic.typeHash());
    }

    /** The hash Sluice uses for types without one of their own: {@code SHA256_} and the hex of name and schema. */
    static String defaultHash(String name, String schema) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            digest.update(schema.getBytes(StandardCharsets.UTF_8));
            return "SHA256_" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** {@link #raw(String)}. */
    record RawType(String name) implements MessageType<MemorySegment> {
        public RawType {
            if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw new IllegalArgumentException("type name must have 1 to 255 bytes: name=" + name);
            }
        }

        @Override
        public String schema() {
            return "# raw bytes\nuint8[] data\n";
        }

        @Override
        public String hash() {
            return defaultHash(name, schema());
        }

        @Override
        public MemorySegment wrap(MemorySegment message) {
            return message;
        }
    }

    /** {@link #raw(TopicInfo)}. */
    record TopicBytes(String name, String schema, String hash) implements MessageType<MemorySegment> {
        @Override
        public MemorySegment wrap(MemorySegment message) {
            return message;
        }
    }
}

package io.sluice;

import io.sluice.shm.Participant;
import io.sluice.shm.TopicNames;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The entry point: one participant of a Sluice domain on this host. No daemon: participants find each other
 * through files in shared memory, and notice each other's death through locks the kernel releases.
 *
 * {@snippet :
 * try (Sluice sluice = Sluice.open("camera")) {
 *     Publisher<MemorySegment> publisher = sluice.publisher("/camera/rgb", MessageType.raw("acme/msg/Frame"));
 *     try (Loan<MemorySegment> loan = publisher.loan(8_294_400)) {
 *         loan.segment().fill((byte) 42);   // write the frame in place
 *         loan.publish();
 *     }
 * }
 * }
 * Closing the participant closes every publisher and subscriber it created. A {@code Sluice} is thread-safe;
 * each publisher and subscriber is used by one thread at a time.
 */
public final class Sluice implements AutoCloseable {
    private final Participant participant;

    private Sluice(String name, SluiceOptions options) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("participant name must not be empty: name=" + name);
        }
        this.participant = new Participant(name, options);
    }

    /** Joins the domain of {@link SluiceOptions#defaults()} as {@code name} (a label shown by tools). */
    public static Sluice open(String name) {
        return new Sluice(name, SluiceOptions.defaults());
    }

    public static Sluice open(String name, SluiceOptions options) {
        return new Sluice(name, options);
    }

    /** A publisher with {@link PublisherOptions#defaults()}. */
    public <T> Publisher<T> publisher(String topic, MessageType<T> type) {
        return participant.publisher(topic, type, PublisherOptions.defaults());
    }

    /**
     * A publisher of {@code topic}, creating the topic for {@code type} when nobody uses it yet.
     *
     * @throws IllegalArgumentException   when the topic name is invalid
     * @throws IncompatibleTypeException  when the topic carries another type
     */
    public <T> Publisher<T> publisher(String topic, MessageType<T> type, PublisherOptions options) {
        return participant.publisher(topic, type, options);
    }

    /**
     * A subscriber of {@code topic}, creating the topic for {@code type} when nobody uses it yet.
     *
     * @throws IllegalArgumentException   when the topic name is invalid
     * @throws IncompatibleTypeException  when the topic carries another type
     */
    public <T> Subscriber<T> subscriber(String topic, MessageType<T> type, Qos qos) {
        return participant.subscriber(topic, type, qos);
    }

    public String name() {
        return participant.name();
    }

    public SluiceOptions options() {
        return participant.options();
    }

    /**
     * The type a topic carries, as its first participant declared it (name, schema text, hash), or empty when the
     * topic does not exist. Tools that decode any topic subscribe with a type made from it, such as
     * {@code CdrType.dynamic(info.typeName(), info.schema())}.
     *
     * @throws CorruptDataException when the topic's file is damaged
     */
    public Optional<TopicInfo> topicInfo(String topic) {
        TopicNames.validate(topic);
        return Optional.ofNullable(participant.topicInfo(topic));
    }

    /** The directory holding this domain's files. */
    public Path directory() {
        return participant.domain().directory();
    }

    @Override
    public void close() {
        participant.close();
    }
}

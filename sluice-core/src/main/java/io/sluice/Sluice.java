package io.sluice;

import io.sluice.shm.Participant;
import io.sluice.shm.TopicNames;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;

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
 * Closing the participant closes every publisher and subscriber it created, after what was handed to
 * {@link #closeOnClose} (the services and clients of {@code io.sluice.service}, for example). A {@code Sluice} is
 * thread-safe; each publisher and subscriber is used by one thread at a time.
 */
public final class Sluice implements AutoCloseable {
    /** The longest topic name, in characters. */
    public static final int MAX_TOPIC_LENGTH = TopicNames.MAX_LENGTH;

    private final Participant participant;
    /** What {@link #closeOnClose} was given; weak, so that closed ones need not be forgotten. */
    private final Set<AutoCloseable> dependents = Collections.synchronizedSet(
        Collections.newSetFromMap(new WeakHashMap<>()));

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

    /**
     * Has {@code dependent} closed when this participant closes, before its publishers and subscribers: for objects
     * built of this participant's publishers and subscribers, such as a service, that must stop using them first.
     * Held weakly: registering keeps nothing alive, and a dependent that nobody references any more is forgotten.
     */
    public void closeOnClose(AutoCloseable dependent) {
        dependents.add(Objects.requireNonNull(dependent, "dependent"));
    }

    /**
     * Checks a topic name as ROS 2 spells them: {@code /} then tokens of letters, digits and underscores separated
     * by single slashes, no token starting with a digit, at most {@link #MAX_TOPIC_LENGTH} characters.
     *
     * @throws IllegalArgumentException naming the name and what is wrong with it
     */
    public static void validateTopic(String topic) {
        TopicNames.validate(topic);
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

    /**
     * Who uses {@code topic} and with which type, read from its file without joining it; empty when the topic does
     * not exist. Rows of participants that died are shown with {@code alive == false} until they are reclaimed.
     *
     * @throws CorruptDataException when the topic's file is damaged
     * @throws SluiceException        when it cannot be read
     */
    public Optional<TopicStatus> topicStatus(String topic) {
        TopicNames.validate(topic);
        return Optional.ofNullable(participant.topicStatus(topic));
    }

    /** The names of the topics that have a file in this participant's domain, sorted. */
    public List<String> topicNames() {
        return participant.domain().topicNames();
    }

    /**
     * Every topic of this participant's domain, sorted by name, as {@link #topicStatus} sees it. A topic whose file
     * is damaged or cannot be read is left out ({@link #topicStatus} names what is wrong); so is one being created or
     * removed meanwhile.
     */
    public List<TopicStatus> topics() {
        List<TopicStatus> topics = new ArrayList<>();
        for (String topic : topicNames()) {
            try {
                TopicStatus status = participant.topicStatus(topic);
                if (status != null) {
                    topics.add(status);
                }
            } catch (SluiceException damaged) {
                // a damaged file (or one that cannot be read): left out, as documented
            }
        }
        return topics;
    }

    /**
     * Removes what crashed participants left in every domain of this user below {@code root} (normally
     * {@code /dev/shm}): their registry rows, topic files nobody alive uses, segment and doorbell files of dead
     * processes, and domain directories left empty. Never touches a file a live participant uses. Every
     * {@link #open} already does this for all the user's domains, except removing the empty directories;
     * {@code sluice clean} calls it.
     */
    public static CleanReport clean(Path root) {
        return io.sluice.shm.Domain.sweepAll(root, true);
    }

    /** The directory holding this domain's files. */
    public Path directory() {
        return participant.domain().directory();
    }

    @Override
    public void close() {
        List<AutoCloseable> open;
        synchronized (dependents) {
            open = new ArrayList<>(dependents);
            dependents.clear();
        }
        for (AutoCloseable endpoint : open) {
            try {
                endpoint.close();
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
        participant.close();
    }
}

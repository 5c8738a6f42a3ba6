package io.sluice;

import java.util.List;

/**
 * A look at a topic from outside: its type and who uses it, read from its shared-memory file without joining it
 * ({@link Sluice#topics()}, {@link Sluice#topicStatus(String)}; {@code sluice topic list}, {@code sluice node list}).
 *
 * <p>A snapshot: participants may join or leave while it is taken, so two rows of one participant can be seen a
 * moment apart. Every row says whether its owner was alive when probed (its lock is held); a dead owner's row stays
 * until a participant of the topic or {@code sluice clean} reclaims it.
 *
 * @param info        the topic's type
 * @param publishers  the publisher rows in use
 * @param subscribers the subscriber rows in use
 */
public record TopicStatus(TopicInfo info, List<PublisherStatus> publishers, List<SubscriberStatus> subscribers) {
    public TopicStatus {
        publishers = List.copyOf(publishers);
        subscribers = List.copyOf(subscribers);
    }

    public String topic() {
        return info.topic();
    }

    /** Publishers whose owner was alive. */
    public long livePublishers() {
        return publishers.stream().filter(PublisherStatus::alive).count();
    }

    /** Subscribers whose owner was alive. */
    public long liveSubscribers() {
        return subscribers.stream().filter(SubscriberStatus::alive).count();
    }

    /**
     * One publisher of a topic.
     *
     * @param row         its publisher row, 0..15 (what {@link Sample#publisherIndex()} says of its samples); a row
     *                    is reused after its publisher leaves
     * @param participant the participant's name (cut to 39 bytes of UTF-8)
     * @param pid         its process id
     * @param alive       whether the process held the row's lock when probed
     * @param history     how many newest samples late joiners get
     * @param generation  the generation of its current segment file
     * @param published   samples it has published since it joined (its stream's next sequence), or -1 when its
     *                    segment file could not be read (it is being replaced, or its owner just left)
     */
    public record PublisherStatus(int row, String participant, int pid, boolean alive, int history, int generation,
                                  long published) {
    }

    /**
     * One subscriber of a topic.
     *
     * @param participant the participant's name (cut to 39 bytes of UTF-8)
     * @param pid         its process id
     * @param alive       whether the process held the row's lock when probed
     * @param qos         its quality of service, or null for a value this version does not know
     * @param depth       its queue depth (1 for latest)
     */
    public record SubscriberStatus(String participant, int pid, boolean alive, Qos.Kind qos, int depth) {
    }
}

package io.sluice.cli.demo;

import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TopicInfo;
import io.sluice.msg.CdrTree;
import io.sluice.msg.MalformedMessageException;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A subscriber process that reads every topic on a thread of its own, blocking in
 * {@link Subscriber#take(Duration)}:
 * <ul>
 *   <li>the recorder ({@link Qos#queue(int) queue}) subscribes with the generated types and takes every frame in
 *       order, checked for uncounted losses;</li>
 *   <li>the monitor ({@link Qos#latest() latest}) is a generic tool: it knows the topics by name only. Each thread
 *       waits for its topic to exist, reads the type name and schema it carries ({@link Sluice#topicInfo}),
 *       subscribes with {@link io.sluice.msg.CdrType#dynamic} (samples are their bytes), checks every frame through
 *       the flyweight laid over the bytes, and once a second decodes one with {@link SchemaDecoder}: its summary goes
 *       into the figures, and its stamp must give the frame number the flyweight gave.</li>
 * </ul>
 */
final class ReaderNode implements DemoNode {
    /** How long a take waits before the thread looks at its stop flag; how often the monitor looks for a topic. */
    static final Duration POLL = Duration.ofMillis(100);
    /** Queue depth of the recorder. */
    static final int RECORDER_DEPTH = 8;

    private final String role;
    private final Qos qos;
    private final boolean inOrder;
    private final boolean generic;
    private final NodeThreads threads = new NodeThreads();
    private final Map<DemoTopic, TopicStats> stats = new LinkedHashMap<>();

    private ReaderNode(String role, Qos qos, boolean inOrder, boolean generic) {
        this.role = role;
        this.qos = qos;
        this.inOrder = inOrder;
        this.generic = generic;
        for (DemoTopic topic : DemoTopic.values()) {
            stats.put(topic, generic ? TopicStats.decoding(topic.topicName())
                : new TopicStats(topic.topicName(), topic.typeName()));
        }
    }

    /** Takes every frame of every topic in order, checks each, counts losses; writes nothing to disk. */
    static ReaderNode recorder() {
        return new ReaderNode("recorder", Qos.queue(RECORDER_DEPTH), true, false);
    }

    /** Takes the newest frame of every topic when it comes, knowing the topics only by the schemas they carry. */
    static ReaderNode monitor() {
        return new ReaderNode("monitor", Qos.latest(), false, true);
    }

    @Override
    public void start(Sluice sluice) {
        if (generic) {
            stats.forEach((topic, topicStats) -> {
                SampleInspector inspector = new SampleInspector(topic, topicStats, inOrder);
                threads.start(threadName(topic), () -> readGeneric(sluice, topic, inspector));
            });
            return;
        }
        Map<DemoTopic, Subscriber<?>> subscribers = new LinkedHashMap<>();
        for (DemoTopic topic : DemoTopic.values()) {
            subscribers.put(topic, sluice.subscriber(topic.topicName(), topic.type(), qos));
        }
        subscribers.forEach((topic, subscriber) -> {
            SampleInspector inspector = new SampleInspector(topic, stats.get(topic), inOrder);
            threads.start(threadName(topic), () -> read(subscriber, inspector));
        });
    }

    private String threadName(DemoTopic topic) {
        return role + "-" + topic.name().toLowerCase();
    }

    private void read(Subscriber<?> subscriber, SampleInspector inspector) {
        while (threads.running()) {
            try (Sample<?> sample = subscriber.take(POLL)) {
                if (sample != null) {
                    inspector.inspect(sample, subscriber.lostCount());
                } else {
                    inspector.updateLost(subscriber.lostCount());
                }
            }
        }
        if (inOrder) {
            drain(subscriber, inspector);
        }
    }

    /** Takes what is still queued (the camera has stopped by now), so every frame is taken or counted lost. */
    private static void drain(Subscriber<?> subscriber, SampleInspector inspector) {
        boolean more = true;
        while (more) {
            try (Sample<?> sample = subscriber.take()) {
                more = sample != null;
                if (more) {
                    inspector.inspect(sample, subscriber.lostCount());
                }
            }
        }
        inspector.updateLost(subscriber.lostCount());
    }

    private void readGeneric(Sluice sluice, DemoTopic topic, SampleInspector inspector) {
        TopicInfo info = awaitTopic(sluice, topic);
        if (info == null) {
            return; // stopped before the topic existed
        }
        TopicStats topicStats = inspector.stats();
        topicStats.recordType(info.typeName());
        SchemaDecoder decoder = new SchemaDecoder(info);
        Subscriber<MemorySegment> subscriber = sluice.subscriber(topic.topicName(), decoder.type(), qos);
        while (threads.running()) {
            try (Sample<MemorySegment> sample = subscriber.take(POLL)) {
                if (sample == null) {
                    inspector.updateLost(subscriber.lostCount());
                    continue;
                }
                long frameNumber = inspector.inspect(sample, subscriber.lostCount());
                if (frameNumber != FrameClock.NOT_A_FRAME && decoder.due(System.nanoTime())) {
                    decode(decoder, sample.message(), frameNumber, topicStats);
                }
            }
        }
    }

    /** The topic's type and schema once some participant has created it; null when the node stops first. */
    private TopicInfo awaitTopic(Sluice sluice, DemoTopic topic) {
        while (threads.running()) {
            TopicInfo info = sluice.topicInfo(topic.topicName()).orElse(null);
            if (info != null) {
                return info;
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        return null;
    }

    private static void decode(SchemaDecoder decoder, MemorySegment message, long frameNumber, TopicStats stats) {
        CdrTree tree;
        try {
            tree = decoder.decode(message);
        } catch (MalformedMessageException malformed) {
            stats.recordDecodeError(malformed.getMessage());
            return;
        }
        long decodedFrame = SchemaDecoder.frameNumber(tree);
        if (decodedFrame != frameNumber) {
            stats.recordDecodeError("decoded header.stamp gives frame=" + decodedFrame + ", the flyweight frame="
                + frameNumber);
            return;
        }
        stats.recordDecoded(SchemaDecoder.summary(tree));
    }

    @Override
    public Map<String, Object> windowFigures(long windowNanos) {
        Map<String, Object> figures = new LinkedHashMap<>();
        stats.values().forEach(topic -> figures.put(topic.topic(), topic.windowFigures(windowNanos)));
        return figures;
    }

    @Override
    public Map<String, Object> totalFigures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        stats.values().forEach(topic -> figures.put(topic.topic(), topic.totalFigures()));
        return figures;
    }

    @Override
    public void stop() {
        threads.stop();
    }

    @Override
    public Throwable failure() {
        return threads.failure();
    }
}

package io.sluice.cli.demo;

import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A subscriber process that reads every topic on a thread of its own, blocking in
 * {@link Subscriber#take(Duration)}: the recorder ({@link Qos#queue(int) queue}, every frame in order, checked for
 * uncounted losses) and the monitor ({@link Qos#latest() latest}, the idle observer).
 */
final class ReaderNode implements DemoNode {
    /** How long a take waits before the thread looks at its stop flag again. */
    static final Duration POLL = Duration.ofMillis(100);
    /** Queue depth of the recorder. */
    static final int RECORDER_DEPTH = 8;

    private final String role;
    private final Qos qos;
    private final boolean inOrder;
    private final NodeThreads threads = new NodeThreads();
    private final Map<DemoTopic, TopicStats> stats = new LinkedHashMap<>();

    private ReaderNode(String role, Qos qos, boolean inOrder) {
        this.role = role;
        this.qos = qos;
        this.inOrder = inOrder;
        for (DemoTopic topic : DemoTopic.values()) {
            stats.put(topic, new TopicStats(topic.topicName()));
        }
    }

    /** Takes every frame of every topic in order, checks each, counts losses; writes nothing to disk. */
    static ReaderNode recorder() {
        return new ReaderNode("recorder", Qos.queue(RECORDER_DEPTH), true);
    }

    /** Takes the newest frame of every topic when it comes. */
    static ReaderNode monitor() {
        return new ReaderNode("monitor", Qos.latest(), false);
    }

    @Override
    public void start(Sluice sluice) {
        Map<DemoTopic, Subscriber<MemorySegment>> subscribers = new LinkedHashMap<>();
        for (DemoTopic topic : DemoTopic.values()) {
            subscribers.put(topic, sluice.subscriber(topic.topicName(), topic.type(), qos));
        }
        subscribers.forEach((topic, subscriber) -> {
            SampleInspector inspector = new SampleInspector(topic, stats.get(topic), inOrder);
            threads.start(role + "-" + topic.name().toLowerCase(), () -> read(subscriber, inspector));
        });
    }

    private void read(Subscriber<MemorySegment> subscriber, SampleInspector inspector) {
        while (threads.running()) {
            try (Sample<MemorySegment> sample = subscriber.take(POLL)) {
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
    private static void drain(Subscriber<MemorySegment> subscriber, SampleInspector inspector) {
        boolean more = true;
        while (more) {
            try (Sample<MemorySegment> sample = subscriber.take()) {
                more = sample != null;
                if (more) {
                    inspector.inspect(sample, subscriber.lostCount());
                }
            }
        }
        inspector.updateLost(subscriber.lostCount());
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

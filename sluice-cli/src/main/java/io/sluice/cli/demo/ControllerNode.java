package io.sluice.cli.demo;

import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The control loop: wakes at {@link #RATE_HZ} on a fixed schedule and takes the newest frame of each topic it has
 * not seen yet ({@link Qos#latest()}), without ever waiting for the camera. Its latency is the age of the newest
 * frame when the loop wakes, so it spans up to one camera period by design.
 */
final class ControllerNode implements DemoNode {
    static final int RATE_HZ = 10;
    private static final long PERIOD_NANOS = 1_000_000_000L / RATE_HZ;

    private final NodeThreads threads = new NodeThreads();
    private final Map<DemoTopic, SampleInspector> inspectors = new LinkedHashMap<>();
    private final Map<DemoTopic, Subscriber<?>> subscribers = new LinkedHashMap<>();

    ControllerNode() {
        for (DemoTopic topic : DemoTopic.values()) {
            TopicStats stats = new TopicStats(topic.topicName(), topic.typeName());
            inspectors.put(topic, new SampleInspector(topic, stats, false));
        }
    }

    @Override
    public void start(Sluice sluice) {
        for (DemoTopic topic : DemoTopic.values()) {
            subscribers.put(topic, sluice.subscriber(topic.topicName(), topic.type(), Qos.latest()));
        }
        threads.start("controller", this::loop);
    }

    private void loop() {
        Schedule schedule = new Schedule(PERIOD_NANOS);
        while (threads.running()) {
            for (DemoTopic topic : DemoTopic.values()) {
                Subscriber<?> subscriber = subscribers.get(topic);
                SampleInspector inspector = inspectors.get(topic);
                try (Sample<?> sample = subscriber.take()) {
                    if (sample != null) {
                        inspector.inspect(sample, subscriber.lostCount());
                    }
                }
            }
            Schedule.parkUntil(schedule.advance(), threads::running);
        }
    }

    @Override
    public Map<String, Object> windowFigures(long windowNanos) {
        Map<String, Object> figures = new LinkedHashMap<>();
        inspectors.values().forEach(inspector ->
            figures.put(inspector.stats().topic(), inspector.stats().windowFigures(windowNanos)));
        return figures;
    }

    @Override
    public Map<String, Object> totalFigures() {
        Map<String, Object> figures = new LinkedHashMap<>();
        inspectors.values().forEach(inspector ->
            figures.put(inspector.stats().topic(), inspector.stats().totalFigures()));
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

package io.sluice.cli.demo;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Sluice;
import org.HdrHistogram.Histogram;

import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The synthetic 2K RGB-D camera: publishes a frame set (rgb, depth, points; 60 MB) at
 * {@link DemoTopic#FRAMES_PER_SECOND} on a fixed-rate schedule. Each frame is drawn straight into its loaned slot
 * in shared memory and published; nothing is copied afterwards. Frame numbers count frame sets, from 0.
 */
final class CameraNode implements DemoNode {
    /** Slots per topic: room for each subscriber to hold one frame while the camera writes the next ones. */
    static final int SLOTS = 6;
    private static final long PERIOD_NANOS = 1_000_000_000L / DemoTopic.FRAMES_PER_SECOND;

    private final NodeThreads threads = new NodeThreads();
    private final Map<DemoTopic, Publisher<MemorySegment>> publishers = new EnumMap<>(DemoTopic.class);
    private final Histogram windowPublish = new Histogram(TopicStats.MAX_LATENCY_NANOS, 3);
    private final Histogram totalPublish = new Histogram(TopicStats.MAX_LATENCY_NANOS, 3);
    private long framesPublished;
    private long bytesPublished;
    private long windowFrames;
    private long windowBytes;
    private long missedTicks;
    private long firstFrameNanos;
    private long lastFrameNanos;

    @Override
    public void start(Sluice sluice) {
        for (DemoTopic topic : DemoTopic.values()) {
            PublisherOptions options = PublisherOptions.defaults()
                .withSlots(SLOTS)
                .withInitialSize(topic.messageBytes());
            publishers.put(topic, sluice.publisher(topic.topicName(), topic.type(), options));
        }
        threads.start("camera", this::run);
    }

    private void run() {
        Map<DemoTopic, FramePainter> painters = new EnumMap<>(DemoTopic.class);
        for (DemoTopic topic : DemoTopic.values()) {
            painters.put(topic, topic.painter());
        }
        try {
            Schedule schedule = new Schedule(PERIOD_NANOS);
            long frameNumber = 0;
            while (threads.running()) {
                long begin = System.nanoTime();
                long bytes = 0;
                for (DemoTopic topic : DemoTopic.values()) {
                    bytes += publish(publishers.get(topic), painters.get(topic), frameNumber);
                }
                recordFrameSet(begin, System.nanoTime(), bytes, schedule.missed());
                frameNumber++;
                Schedule.parkUntil(schedule.advance(), threads::running);
            }
        } finally {
            painters.values().forEach(FramePainter::close);
        }
    }

    private static long publish(Publisher<MemorySegment> publisher, FramePainter painter, long frameNumber) {
        try (Loan<MemorySegment> loan = publisher.loan(painter.messageBytes())) {
            painter.paint(loan.segment(), frameNumber);
            loan.publish();
        }
        return painter.messageBytes();
    }

    private synchronized void recordFrameSet(long beginNanos, long endNanos, long bytes, long missed) {
        long clamped = Math.clamp(endNanos - beginNanos, 0, TopicStats.MAX_LATENCY_NANOS);
        windowPublish.recordValue(clamped);
        totalPublish.recordValue(clamped);
        if (framesPublished == 0) {
            firstFrameNanos = endNanos;
        }
        lastFrameNanos = endNanos;
        framesPublished++;
        bytesPublished += bytes;
        windowFrames++;
        windowBytes += bytes;
        missedTicks = missed;
    }

    @Override
    public synchronized Map<String, Object> windowFigures(long windowNanos) {
        double seconds = Math.max(windowNanos, 1) / 1e9;
        Map<String, Object> figures = figures(windowFrames, windowFrames / seconds, windowBytes / seconds,
            windowPublish);
        windowFrames = 0;
        windowBytes = 0;
        windowPublish.reset();
        return figures;
    }

    @Override
    public synchronized Map<String, Object> totalFigures() {
        double seconds = (lastFrameNanos - firstFrameNanos) / 1e9;
        boolean measurable = framesPublished > 1 && seconds > 0;
        double rate = measurable ? (framesPublished - 1) / seconds : 0;
        double bytesPerSecond = measurable ? bytesPublished * ((framesPublished - 1) / (double) framesPublished)
            / seconds : 0;
        return figures(framesPublished, rate, bytesPerSecond, totalPublish);
    }

    /** {@code frames} of the window or the run; frames_published is always the running total. */
    private Map<String, Object> figures(long frames, double rate, double bytesPerSecond, Histogram publishTime) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("frames_published", framesPublished);
        figures.put("frames", frames);
        figures.put("rate_hz", TopicStats.round(rate, 2));
        figures.put("mb_per_s", TopicStats.round(bytesPerSecond / 1e6, 1));
        figures.put("frame_set_us", TopicStats.percentilesMicros(publishTime));
        figures.put("missed_ticks", missedTicks);
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

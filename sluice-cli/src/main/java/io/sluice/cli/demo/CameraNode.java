package io.sluice.cli.demo;

import io.sluice.Loan;
import io.sluice.MessageShape;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Sluice;
import io.sluice.msg.CdrMessage;
import io.sluice.msg.CdrType;
import io.sluice.msg.sensor_msgs.CameraInfo;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.msg.sensor_msgs.PointCloud2;
import org.HdrHistogram.Histogram;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/**
 * The synthetic 2K RGB-D camera: publishes a frame set ({@code /camera/rgb}, {@code /camera/depth},
 * {@code /camera/points}, {@code /camera/camera_info}; 63 MB) at {@link FrameClock#FRAMES_PER_SECOND} on a
 * fixed-rate schedule. Each message is loaned with a shape kept for the whole run, written in place in shared memory
 * through its generated flyweight (stamp, pixels or points, calibration), and published; nothing is copied
 * afterwards. Frame numbers count frame sets, from 0; every message of a set carries the set's capture time.
 */
final class CameraNode implements DemoNode {
    /** Slots per topic: room for each subscriber to hold one frame while the camera writes the next ones. */
    static final int SLOTS = 6;
    private static final long PERIOD_NANOS = 1_000_000_000L / FrameClock.FRAMES_PER_SECOND;

    private final NodeThreads threads = new NodeThreads();
    private final Map<DemoTopic, Channel<?>> channels = new EnumMap<>(DemoTopic.class);
    private final Map<DemoTopic, Long> messageBytes = new EnumMap<>(DemoTopic.class);
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
        FramePainter rgb = DemoTopic.RGB.painter();
        FramePainter depth = DemoTopic.DEPTH.painter();
        FramePainter points = DemoTopic.POINTS.painter();
        channels.put(DemoTopic.RGB, channel(sluice, DemoTopic.RGB, Image.TYPE, rgb.imageShape(), rgb::paint));
        channels.put(DemoTopic.DEPTH, channel(sluice, DemoTopic.DEPTH, Image.TYPE, depth.imageShape(), depth::paint));
        channels.put(DemoTopic.POINTS, channel(sluice, DemoTopic.POINTS, PointCloud2.TYPE, points.cloudShape(),
            points::paint));
        channels.put(DemoTopic.CAMERA_INFO, channel(sluice, DemoTopic.CAMERA_INFO, CameraInfo.TYPE,
            CameraModel.SHAPE, CameraModel::stamp));
        threads.start("camera", this::run);
    }

    private static <T extends CdrMessage> Channel<T> channel(Sluice sluice, DemoTopic topic, CdrType<T> type,
                                                             MessageShape<T> shape, ObjLongConsumer<T> writer) {
        PublisherOptions options = PublisherOptions.defaults()
            .withSlots(SLOTS)
            .withInitialSize(shape.byteSize());
        return new Channel<>(sluice.publisher(topic.topicName(), type, options), shape, writer);
    }

    private void run() {
        Schedule schedule = new Schedule(PERIOD_NANOS);
        long frameNumber = 0;
        while (threads.running()) {
            long begin = System.nanoTime();
            long bytes = 0;
            for (Map.Entry<DemoTopic, Channel<?>> channel : channels.entrySet()) {
                long published = channel.getValue().publish(frameNumber);
                if (frameNumber == 0) {
                    recordMessageBytes(channel.getKey(), published);
                }
                bytes += published;
            }
            recordFrameSet(begin, System.nanoTime(), bytes, schedule.missed());
            frameNumber++;
            Schedule.parkUntil(schedule.advance(), threads::running);
        }
    }

    /**
     * One topic of the camera: loans a message of a fixed shape, has {@code writer} write frame {@code n} into it
     * through its flyweight, and publishes it.
     */
    private record Channel<T extends CdrMessage>(Publisher<T> publisher, MessageShape<T> shape,
                                                 ObjLongConsumer<T> writer) {
        /** Publishes frame {@code frameNumber}; returns the bytes of the message. */
        long publish(long frameNumber) {
            try (Loan<T> loan = publisher.loan(shape)) {
                T message = loan.message();
                writer.accept(message, frameNumber);
                long bytes = message.cdrEnd();
                loan.publish();
                return bytes;
            }
        }
    }

    private synchronized void recordMessageBytes(DemoTopic topic, long bytes) {
        messageBytes.put(topic, bytes);
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
        Map<String, Object> topics = new LinkedHashMap<>();
        for (DemoTopic topic : DemoTopic.values()) {
            Map<String, Object> description = new LinkedHashMap<>();
            description.put("type", topic.typeName());
            description.put("message_bytes", messageBytes.get(topic));
            topics.put(topic.topicName(), description);
        }
        figures.put("topics", topics);
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

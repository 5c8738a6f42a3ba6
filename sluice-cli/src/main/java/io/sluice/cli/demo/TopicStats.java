package io.sluice.cli.demo;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one subscriber on one topic: the type the topic carries, frames, bytes, latency, losses and damage
 * (with the first problem found), and for a subscriber that decodes samples from the topic's schema, what it decoded.
 * Latency is recorded twice, in a histogram reset at every report (the live table) and in one that covers the whole
 * run (the summary). Thread-safe: a reader thread records, the reporting thread reads.
 */
final class TopicStats {
    /** Latencies above this are recorded as this (an hour is not a latency, it is a hang). */
    static final long MAX_LATENCY_NANOS = 60_000_000_000L;
    private static final int SIGNIFICANT_DIGITS = 3;

    private final String topic;
    private final boolean decodes;
    private final Histogram windowLatency = new Histogram(MAX_LATENCY_NANOS, SIGNIFICANT_DIGITS);
    private final Histogram totalLatency = new Histogram(MAX_LATENCY_NANOS, SIGNIFICANT_DIGITS);
    private String type;
    private long frames;
    private long bytes;
    private long windowFrames;
    private long windowBytes;
    private long firstFrameNanos;
    private long lastFrameNanos;
    private long lost;
    private long uncounted;
    private long torn;
    private long outOfOrder;
    private String firstTorn;
    private long decoded;
    private String decodedAs;
    private long decodeErrors;
    private String firstDecodeError;

    /** The figures of a subscriber of {@code topic} of type {@code type} (null until known). */
    TopicStats(String topic, String type) {
        this(topic, type, false);
    }

    private TopicStats(String topic, String type, boolean decodes) {
        this.topic = topic;
        this.type = type;
        this.decodes = decodes;
    }

    /**
     * The figures of a subscriber that learns the type from the topic ({@link #recordType}) and decodes samples
     * from its schema: they include {@code decoded}, {@code decoded_as} and {@code decode_errors}.
     */
    static TopicStats decoding(String topic) {
        return new TopicStats(topic, null, true);
    }

    String topic() {
        return topic;
    }

    /** A frame of {@code frameBytes} taken at {@code takenNanos}, {@code latencyNanos} after it was published. */
    synchronized void recordFrame(long frameBytes, long latencyNanos, long takenNanos) {
        long clamped = Math.clamp(latencyNanos, 0, MAX_LATENCY_NANOS);
        windowLatency.recordValue(clamped);
        totalLatency.recordValue(clamped);
        if (frames == 0) {
            firstFrameNanos = takenNanos;
        }
        lastFrameNanos = takenNanos;
        frames++;
        bytes += frameBytes;
        windowFrames++;
        windowBytes += frameBytes;
    }

    /** A torn frame; {@code problem} says what was wrong (the first one is kept). */
    synchronized void recordTorn(String problem) {
        torn++;
        if (firstTorn == null) {
            firstTorn = problem;
        }
    }

    /** The type name the topic carries, as the subscriber learned it. */
    synchronized void recordType(String typeName) {
        this.type = typeName;
    }

    /** A sample decoded from the topic's schema, summarised as {@code summary}. */
    synchronized void recordDecoded(String summary) {
        decoded++;
        decodedAs = summary;
    }

    /** A sample that could not be decoded from the topic's schema, or disagreed with its flyweight. */
    synchronized void recordDecodeError(String problem) {
        decodeErrors++;
        if (firstDecodeError == null) {
            firstDecodeError = problem;
        }
    }

    synchronized void recordOutOfOrder() {
        outOfOrder++;
    }

    /** The subscriber's lost count and the uncounted losses found so far (both running totals). */
    synchronized void updateLosses(long lostCount, long uncountedSoFar) {
        this.lost = lostCount;
        this.uncounted = uncountedSoFar;
    }

    /** Figures since the last call, over a window of {@code windowNanos}; starts a new window. */
    synchronized Map<String, Object> windowFigures(long windowNanos) {
        double seconds = Math.max(windowNanos, 1) / 1e9;
        Map<String, Object> figures = figures(windowFrames, windowFrames / seconds, windowBytes / seconds,
            windowLatency);
        windowFrames = 0;
        windowBytes = 0;
        windowLatency.reset();
        return figures;
    }

    /**
     * Figures of the whole run. Rates are taken between the first and the last frame, so start-up and shutdown do
     * not dilute them.
     */
    synchronized Map<String, Object> totalFigures() {
        double seconds = (lastFrameNanos - firstFrameNanos) / 1e9;
        double rate = frames > 1 && seconds > 0 ? (frames - 1) / seconds : 0;
        double bytesPerSecond = frames > 1 && seconds > 0 ? bytes * ((frames - 1) / (double) frames) / seconds : 0;
        return figures(frames, rate, bytesPerSecond, totalLatency);
    }

    private Map<String, Object> figures(long frameCount, double rate, double bytesPerSecond, Histogram latency) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("type", type);
        figures.put("frames", frameCount);
        figures.put("rate_hz", round(rate, 2));
        figures.put("mb_per_s", round(bytesPerSecond / 1e6, 1));
        figures.put("latency_us", percentilesMicros(latency));
        figures.put("lost", lost);
        figures.put("uncounted", uncounted);
        figures.put("torn", torn);
        figures.put("out_of_order", outOfOrder);
        if (firstTorn != null) {
            figures.put("first_torn", firstTorn);
        }
        if (decodes) {
            figures.put("decoded", decoded);
            figures.put("decoded_as", decodedAs);
            figures.put("decode_errors", decodeErrors);
            if (firstDecodeError != null) {
                figures.put("first_decode_error", firstDecodeError);
            }
        }
        return figures;
    }

    /** p50, p99 and max of a histogram of nanoseconds, in microseconds; nulls when it is empty. */
    static Map<String, Object> percentilesMicros(Histogram nanos) {
        Map<String, Object> micros = new LinkedHashMap<>();
        boolean empty = nanos.getTotalCount() == 0;
        micros.put("p50", empty ? null : round(nanos.getValueAtPercentile(50) / 1e3, 1));
        micros.put("p99", empty ? null : round(nanos.getValueAtPercentile(99) / 1e3, 1));
        micros.put("max", empty ? null : round(nanos.getMaxValue() / 1e3, 1));
        return micros;
    }

    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}

package io.sluice.cli.demo;

import io.sluice.Sample;
import io.sluice.msg.CdrMessage;

/**
 * Checks every sample one subscriber takes of one topic and records it in the topic's {@link TopicStats}: latency
 * (taken now minus {@link Sample#publishNanos()}), the frame ({@link FrameVerifier}, while the sample is still held,
 * so a slot overwritten under a reader shows up as torn), and the frame numbers. An in-order subscriber must see
 * every frame or have it counted lost ({@link GapCheck}); a latest-only subscriber must see frame numbers rise. Used
 * by one thread.
 */
final class SampleInspector {
    private final DemoTopic topic;
    private final TopicStats stats;
    private final boolean inOrder;
    private final FrameVerifier verifier;
    private final GapCheck gapCheck = new GapCheck();
    private long lastFrame = -1;

    SampleInspector(DemoTopic topic, TopicStats stats, boolean inOrder) {
        this(topic, stats, inOrder, new FrameVerifier());
    }

    SampleInspector(DemoTopic topic, TopicStats stats, boolean inOrder, FrameVerifier verifier) {
        this.topic = topic;
        this.stats = stats;
        this.inOrder = inOrder;
        this.verifier = verifier;
    }

    TopicStats stats() {
        return stats;
    }

    /**
     * Inspects {@code sample}, which the caller still holds, taken when its subscriber had lost {@code lostCount}.
     * A sample of a typed subscriber is read through its flyweight; one of a subscriber that knows the topic only by
     * its schema (its message is the bytes) through the topic's flyweight laid over them.
     *
     * @return its frame number, or {@link FrameClock#NOT_A_FRAME} when it was torn
     */
    long inspect(Sample<?> sample, long lostCount) {
        long takenNanos = System.nanoTime();
        CdrMessage message = sample.message() instanceof CdrMessage typed ? typed : topic.wrap(sample.segment());
        stats.recordFrame(sample.segment().byteSize(), takenNanos - sample.publishNanos(), takenNanos);
        long frameNumber = verifier.verify(topic, message);
        if (frameNumber == FrameClock.NOT_A_FRAME) {
            stats.recordTorn(verifier.problem());
            if (inOrder) {
                gapCheck.tornFrame(lostCount);
            }
            stats.updateLosses(lostCount, gapCheck.uncounted());
            return frameNumber; // its frame number cannot be trusted either
        }
        if (inOrder) {
            if (gapCheck.check(frameNumber, lostCount) == GapCheck.Outcome.OUT_OF_ORDER) {
                stats.recordOutOfOrder();
            }
        } else if (frameNumber <= lastFrame) {
            stats.recordOutOfOrder();
        }
        lastFrame = Math.max(lastFrame, frameNumber);
        stats.updateLosses(lostCount, gapCheck.uncounted());
        return frameNumber;
    }

    /** Records the subscriber's lost count when no sample came (losses may be counted without a sample). */
    void updateLost(long lostCount) {
        stats.updateLosses(lostCount, gapCheck.uncounted());
    }
}

package io.sluice.cli.demo;

import io.sluice.Sample;

import java.lang.foreign.MemorySegment;

/**
 * Checks every sample one subscriber takes of one topic and records it in the topic's {@link TopicStats}: latency
 * (taken now minus {@link Sample#publishNanos()}), the checksum (while the sample is still held, so a slot
 * overwritten under a reader shows up as torn), and the frame numbers. An in-order subscriber must see every frame
 * or have it counted lost ({@link GapCheck}); a latest-only subscriber must see frame numbers rise. Used by one
 * thread.
 */
final class SampleInspector {
    private final DemoTopic topic;
    private final TopicStats stats;
    private final boolean inOrder;
    private final FrameVerifier verifier = new FrameVerifier();
    private final GapCheck gapCheck = new GapCheck();
    private long lastFrame = -1;

    SampleInspector(DemoTopic topic, TopicStats stats, boolean inOrder) {
        this.topic = topic;
        this.stats = stats;
        this.inOrder = inOrder;
    }

    TopicStats stats() {
        return stats;
    }

    /** Inspects {@code sample}, which the caller still holds, taken when its subscriber had lost {@code lostCount}. */
    void inspect(Sample<MemorySegment> sample, long lostCount) {
        long takenNanos = System.nanoTime();
        MemorySegment frame = sample.segment();
        stats.recordFrame(frame.byteSize(), takenNanos - sample.publishNanos(), takenNanos);
        if (!verifier.isIntact(frame, topic.messageBytes())) {
            stats.recordTorn();
            if (inOrder) {
                gapCheck.tornFrame(lostCount);
            }
            stats.updateLosses(lostCount, gapCheck.uncounted());
            return; // its frame number cannot be trusted either
        }
        long frameNumber = FrameLayout.frameNumber(frame);
        if (inOrder) {
            if (gapCheck.check(frameNumber, lostCount) == GapCheck.Outcome.OUT_OF_ORDER) {
                stats.recordOutOfOrder();
            }
        } else if (frameNumber <= lastFrame) {
            stats.recordOutOfOrder();
        }
        lastFrame = Math.max(lastFrame, frameNumber);
        stats.updateLosses(lostCount, gapCheck.uncounted());
    }

    /** Records the subscriber's lost count when no sample came (losses may be counted without a sample). */
    void updateLost(long lostCount) {
        stats.updateLosses(lostCount, gapCheck.uncounted());
    }
}

package io.sluice.cli.demo;

/**
 * Checks an in-order subscriber's frame numbers against its {@link io.sluice.Subscriber#lostCount() lost count}:
 * every frame number skipped since the last sample must be matched by a rise of the lost count, or it was lost
 * silently (an uncounted loss, a breach of "nothing is lost silently"). A frame number that goes backwards is out of
 * order. Used by one thread.
 */
final class GapCheck {
    /** What one sample showed. */
    enum Outcome { IN_ORDER, OUT_OF_ORDER }

    private long expectedFrame;
    private long lostSeen;
    private long uncounted;

    /** Expects frame 0 first, with no loss counted yet. */
    GapCheck() {
        this(0, 0);
    }

    GapCheck(long firstFrame, long lostCount) {
        this.expectedFrame = firstFrame;
        this.lostSeen = lostCount;
    }

    /**
     * Checks the sample of {@code frameNumber}, taken when the subscriber's lost count was {@code lostCount}.
     * Skipped frames beyond what the lost count explains are added to {@link #uncounted()}.
     */
    Outcome check(long frameNumber, long lostCount) {
        if (frameNumber < expectedFrame) {
            return Outcome.OUT_OF_ORDER;
        }
        long skipped = frameNumber - expectedFrame;
        long counted = lostCount - lostSeen;
        if (skipped > counted) {
            uncounted += skipped - counted;
        }
        expectedFrame = frameNumber + 1;
        lostSeen = lostCount;
        return Outcome.IN_ORDER;
    }

    /**
     * A torn frame came where the next frame was due: its number cannot be read, so it is taken to be the frame
     * that follows the ones the lost count says were skipped.
     */
    void tornFrame(long lostCount) {
        expectedFrame += lostCount - lostSeen + 1;
        lostSeen = lostCount;
    }

    /** Frames skipped that no rise of the lost count explained, so far. */
    long uncounted() {
        return uncounted;
    }
}

package io.sluice.exec;

/** A {@link NanoClock} that moves only when a test sets or advances it. */
final class FakeClock implements NanoClock {
    private long now;

    FakeClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Sets the time; a clock may be set backwards, so tests can check that nothing breaks. */
    FakeClock set(long nanos) {
        now = nanos;
        return this;
    }

    /** @return the new time */
    long advance(long nanos) {
        now += nanos;
        return now;
    }
}

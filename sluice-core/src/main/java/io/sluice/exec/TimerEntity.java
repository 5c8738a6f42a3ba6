package io.sluice.exec;

import java.util.Objects;

/**
 * A timer. The event loop files it in its {@link TimerWheel}; the baselines keep its next deadline here and check
 * it at each polling point, as ROS 2's {@code rcl_timer} does. Either way the k-th deadline is
 * {@code first + k × period}, and a late expiry fires once with the count of deadlines it skipped; unlike
 * {@code rcl_timer}, which reports the earliest overdue deadline, the handler gets the latest one that passed, as
 * the wheel does, so that all executors agree.
 */
final class TimerEntity extends Entity {
    final long firstDeadline;
    final long period;
    private final TimerHandler handler;
    /** The baselines: the next deadline to fire (Long.MAX_VALUE once a one-shot timer fired). */
    private long next;
    private long capturedDeadline;
    private long capturedMissed;
    private boolean captured;
    /** The event loop: this timer's id in the wheel, or -1. */
    long wheelId = -1;

    TimerEntity(AbstractExecutor owner, long firstDeadline, long period, TimerHandler handler) {
        super(owner, Kind.TIMER, period == 0 ? "timer once" : "timer every " + period + " ns");
        this.firstDeadline = firstDeadline;
        this.period = period;
        this.next = firstDeadline;
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** The next deadline a polling point checks. */
    long nextDeadline() {
        return next;
    }

    @Override
    int dispatch(int limit) {
        return 0; // the event loop fires timers from its wheel, see fire()
    }

    @Override
    boolean snapshot(long nowNanos) {
        if (captured) {
            return true;
        }
        if (!isActive() || owner.closing() || nowNanos < next) {
            return false; // timers stop at close, so that a draining close ends
        }
        if (period == 0) {
            capturedDeadline = next;
            capturedMissed = 0;
            next = Long.MAX_VALUE;
        } else {
            // fires once, for the latest deadline that has passed; the earlier ones are skipped and counted
            long missed = (nowNanos - next) / period;
            capturedDeadline = next + missed * period;
            capturedMissed = missed;
            next = capturedDeadline > Long.MAX_VALUE - period ? Long.MAX_VALUE : capturedDeadline + period;
        }
        captured = true;
        return true;
    }

    @Override
    int executeSnapshot() {
        if (!captured) {
            return 0;
        }
        captured = false;
        fire(capturedDeadline, capturedMissed);
        return 1;
    }

    @Override
    void discard() {
        captured = false;
    }

    void fire(long deadline, long missed) {
        try {
            handler.onTimer(deadline, missed);
        } catch (Throwable error) {
            owner.report(role, error);
        } finally {
            countHandled();
        }
        if (period == 0) {
            close(); // a one-shot timer is done
        }
    }
}

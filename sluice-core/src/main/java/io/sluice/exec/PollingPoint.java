package io.sluice.exec;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The polling point of the two ROS 2 baselines, as rclcpp's {@code wait_for_work} makes it with {@code rcl_wait}:
 * attach the wait set to every source, capture at most one event of each source that is ready (in the order
 * timers, subscriptions, services, clients, waitables, each in registration order), sleep on all sources at once
 * when none is, detach. The captured events are then handed out one by one with {@link #next()}. Used by one
 * thread at a time (the multi-threaded baseline holds its lock around it).
 */
final class PollingPoint {
    private static final Comparator<Entity> ROS_ORDER =
        Comparator.<Entity>comparingInt(e -> e.kind.ordinal()).thenComparingInt(e -> e.order);

    private final AbstractExecutor owner;
    private final WaitSet waitSet;
    private Entity[] ordered = new Entity[0];
    private Entity[] captured = new Entity[0];
    private int capturedCount;
    private int nextCaptured;
    private int seenVersion = -1;

    PollingPoint(AbstractExecutor owner) {
        this.owner = owner;
        this.waitSet = new WaitSet(owner);
    }

    /**
     * Makes a polling point over the sources no thread runs now, waiting up to {@code waitNanos} when none is
     * ready. Call only when every event of the previous one was handed out.
     *
     * @return the number of events captured
     */
    int poll(long waitNanos) {
        int key = owner.wakeup.key();
        if (owner.removalsPending()) {
            dropRemoved();
        }
        if (seenVersion != owner.version()) {
            sync();
        }
        int count;
        waitSet.arm(key, ordered);
        try {
            // a discarding close takes nothing more: an inbox the close drains (or a late offer drains, under its
            // monitor) must not have a polling point as a second consumer of its ring
            count = owner.discarding() ? 0 : snapshot();
            if (count == 0 && !owner.discarding() && waitSet.maintainIfDue(ordered)) {
                count = snapshot(); // a reclaim may have attached or ended a source: look again
            }
            if (count == 0 && waitNanos > 0 && !owner.closing()) {
                waitSet.await(owner.waitDeadline(waitNanos, nextTimerDeadline()));
            }
        } finally {
            waitSet.disarm();
        }
        return count;
    }

    /** The next captured event's source, or null when all were handed out. */
    Entity next() {
        if (nextCaptured == capturedCount) {
            return null;
        }
        Entity entity = captured[nextCaptured];
        captured[nextCaptured++] = null;
        return entity;
    }

    private int snapshot() {
        long now = owner.clock.nanoTime();
        int count = 0;
        for (Entity entity : ordered) {
            if (!entity.running && entity.snapshot(now)) {
                captured[count++] = entity;
            }
        }
        capturedCount = count;
        nextCaptured = 0;
        return count;
    }

    private long nextTimerDeadline() {
        long next = Long.MAX_VALUE;
        for (Entity entity : ordered) {
            if (entity instanceof TimerEntity timer && timer.isActive() && !timer.running) {
                next = Math.min(next, timer.nextDeadline());
            }
        }
        return next;
    }

    /**
     * Drops what removed registrations hold, each once, seen by a polling point before or not; one that a thread of
     * the multi-threaded executor still runs goes back to the executor's removals for the next polling point.
     */
    private void dropRemoved() {
        for (Entity entity : owner.takeRemoved()) {
            if (entity.running) {
                owner.requeueRemoved(entity);
            } else {
                entity.discard();
            }
        }
    }

    /** Takes the registrations as they are now. */
    private void sync() {
        int version = owner.version();
        Entity[] current = owner.entities().clone();
        Arrays.sort(current, ROS_ORDER);
        ordered = current;
        captured = new Entity[current.length];
        capturedCount = 0;
        nextCaptured = 0;
        seenVersion = version;
    }
}

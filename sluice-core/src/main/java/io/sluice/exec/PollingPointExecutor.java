package io.sluice.exec;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The baseline with the semantics of ROS 2's single-threaded executor (rclcpp {@code SingleThreadedExecutor}).
 *
 * <p>At a polling point it snapshots what is ready: the timers whose deadline has passed, one sample of each
 * subscription that has one, one request of each service, one response of each client, the raised guard
 * conditions and one event of each inbox with events. Then it runs them: timers first, then subscriptions, then
 * services, then clients, then guard conditions and inboxes, each group in registration order. Only what the
 * snapshot captured runs; a sample that arrives meanwhile, or the second sample of a subscription, waits for the
 * next polling point. Every polling point goes through the wait set, as rclcpp's {@code wait_for_work} goes through
 * {@code rcl_wait}: the wait set is attached to every source (a sleeper announced on each topic), the sources are
 * looked at, the executor sleeps on all of them at once when none is ready, and the wait set is detached. The
 * event loop attaches it only when a duty cycle found nothing.
 *
 * <p>One difference from rclcpp, which takes a sample when the callback is about to run: the snapshot takes it
 * at the polling point, so for a subscriber that keeps only the newest sample ({@code Qos.latest()}) a sample
 * newer than the polling point waits for the next one.
 */
final class PollingPointExecutor extends AbstractExecutor {
    private static final Comparator<Entity> ROS_ORDER =
        Comparator.<Entity>comparingInt(e -> e.kind.ordinal()).thenComparingInt(e -> e.order);

    private final WaitSet waitSet = new WaitSet(wakeup);
    private Entity[] ordered = new Entity[0];
    private Entity[] captured = new Entity[0];
    private int seenVersion = -1;
    private long lastMaintenance = System.nanoTime();

    PollingPointExecutor(ExecutorOptions options) {
        super(options);
    }

    @Override
    void schedule(Entity entity) {
        wakeup.signal(); // readiness is read at the polling point; only a sleeping executor needs telling
    }

    @Override
    int cycle(long waitNanos) {
        int key = wakeup.key();
        if (seenVersion != version()) {
            sync();
        }
        // like rcl_wait at every polling point: attach the wait set to every source, look, sleep only when
        // nothing is ready, detach
        int count;
        waitSet.arm(key, ordered);
        try {
            count = snapshot();
            if (count == 0 && waitNanos > 0 && !closing()) {
                waitSet.await(waitDeadline(waitNanos, nextTimerDeadline()));
            }
        } finally {
            waitSet.disarm();
        }
        if (count == 0) {
            long now = System.nanoTime();
            if (now - lastMaintenance >= MAX_WAIT_NANOS) {
                lastMaintenance = now;
                WaitSet.maintain(ordered, now);
            }
        }
        return execute(count);
    }

    /** The polling point: captures what is ready now, in ROS order, into {@code captured}. */
    private int snapshot() {
        long now = clock.nanoTime();
        int count = 0;
        for (Entity entity : ordered) {
            if (entity.snapshot(now)) {
                captured[count++] = entity;
            }
        }
        return count;
    }

    private int execute(int count) {
        int work = 0;
        for (int i = 0; i < count; i++) {
            Entity entity = captured[i];
            captured[i] = null;
            if (discarding() || !entity.isActive()) {
                entity.discard();
            } else {
                work += entity.executeSnapshot();
            }
        }
        return work;
    }

    private long nextTimerDeadline() {
        long next = Long.MAX_VALUE;
        for (Entity entity : ordered) {
            if (entity instanceof TimerEntity timer && timer.isActive()) {
                next = Math.min(next, timer.nextDeadline());
            }
        }
        return next;
    }

    private void sync() {
        int version = version();
        for (Entity entity : ordered) {
            if (!entity.isActive()) {
                entity.discard();
            }
        }
        Entity[] current = entities().clone();
        Arrays.sort(current, ROS_ORDER);
        ordered = current;
        captured = new Entity[current.length];
        seenVersion = version;
    }
}

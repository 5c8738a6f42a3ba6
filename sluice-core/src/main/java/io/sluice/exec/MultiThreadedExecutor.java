package io.sluice.exec;

import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The baseline with the semantics of ROS 2's multi-threaded executor (rclcpp {@code MultiThreadedExecutor}) over a
 * pool of threads.
 *
 * <p>The threads take turns at the polling point under one lock, as rclcpp's threads take turns in
 * {@code get_next_executable} under its wait mutex: the thread holding it takes the next event of the last
 * snapshot that no other thread runs now (timers, subscriptions, services, clients, then guard conditions and
 * inboxes, each in registration order), or, when none is left, makes a new polling point and sleeps there while
 * the others wait for the lock. It runs the event outside the lock, then wakes the polling point so that the
 * source it ran counts again. A registration's callbacks never run concurrently with each other (each is its own
 * mutually exclusive callback group); different registrations' callbacks run in parallel.
 */
final class MultiThreadedExecutor extends AbstractExecutor {
    private static final Comparator<Entity> ROS_ORDER =
        Comparator.<Entity>comparingInt(e -> e.kind.ordinal()).thenComparingInt(e -> e.order);

    private final int threads;
    /* Entity.running: set under the lock when a thread claims the entity, cleared without it after the run. */
    private final ReentrantLock pollingPoint = new ReentrantLock();
    private final WaitSet waitSet = new WaitSet(wakeup);
    // all below: guarded by pollingPoint
    private Entity[] ordered = new Entity[0];
    private Entity[] captured = new Entity[0];
    private int capturedCount;
    private int nextCaptured;
    private int seenVersion = -1;
    private long lastMaintenance = System.nanoTime();

    MultiThreadedExecutor(ExecutorOptions options, int threads) {
        super(options);
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads out of range [1, 1024]: threads=" + threads);
        }
        this.threads = threads;
    }

    @Override
    int threadCount() {
        return threads;
    }

    @Override
    void schedule(Entity entity) {
        wakeup.signal();
    }

    @Override
    int cycle(long waitNanos) {
        Entity entity;
        pollingPoint.lock();
        try {
            entity = claimNext();
            if (entity == null) {
                int key = wakeup.key();
                if (seenVersion != version()) {
                    sync();
                }
                int count;
                waitSet.arm(key, ordered); // a polling point goes through the wait set, as in PollingPointExecutor
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
                entity = claimNext();
            }
        } finally {
            pollingPoint.unlock();
        }
        if (entity == null) {
            return 0;
        }
        try {
            return entity.executeSnapshot();
        } finally {
            if (!entity.isActive()) {
                entity.discard(); // removed while it ran: sync() left it to us
            }
            // not under the lock: a thread may hold it asleep at the polling point, and this wakes it
            entity.running = false;
            wakeup.signal(); // a thread asleep at the polling point left this source out: let it look again
        }
    }

    /** The next captured event nobody runs; marks its source running. Under the lock. */
    private Entity claimNext() {
        while (nextCaptured < capturedCount) {
            Entity entity = captured[nextCaptured];
            captured[nextCaptured++] = null;
            if (discarding() || !entity.isActive()) {
                entity.discard();
                continue;
            }
            entity.running = true;
            return entity;
        }
        return null;
    }

    /** A polling point over the sources no thread runs now. Under the lock. */
    private int snapshot() {
        long now = clock.nanoTime();
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

    private void sync() {
        int version = version();
        for (Entity entity : ordered) {
            if (!entity.isActive() && !entity.running) {
                entity.discard();
            }
        }
        Entity[] current = entities().clone();
        Arrays.sort(current, ROS_ORDER);
        ordered = current;
        captured = new Entity[current.length];
        capturedCount = 0;
        nextCaptured = 0;
        seenVersion = version;
    }
}

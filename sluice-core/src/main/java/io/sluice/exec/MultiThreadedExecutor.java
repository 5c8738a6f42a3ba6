package io.sluice.exec;

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
    private final int threads;
    /* Entity.running: set under the lock when a thread claims the entity, cleared without it after the run. */
    private final ReentrantLock lock = new ReentrantLock();
    private final PollingPoint pollingPoint = new PollingPoint(this); // guarded by lock

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
        lock.lock();
        try {
            entity = claimNext();
            if (entity == null) {
                pollingPoint.poll(waitNanos); // the others wait for the lock meanwhile, as in rclcpp
                entity = claimNext();
            }
        } finally {
            lock.unlock();
        }
        if (entity == null) {
            return 0;
        }
        try {
            return entity.executeSnapshot();
        } finally {
            // not under the lock: a thread may hold it asleep at the polling point, and this wakes it; removed while
            // it ran, it waits in the executor's removals for the next polling point, which drops what it holds
            entity.running = false;
            wakeup.signal(); // a thread asleep at the polling point left this source out: let it look again
        }
    }

    /** The next captured event nobody runs; marks its source running. Under the lock. */
    private Entity claimNext() {
        for (Entity entity = pollingPoint.next(); entity != null; entity = pollingPoint.next()) {
            if (discarding() || !entity.isActive()) {
                entity.discard();
                continue;
            }
            entity.running = true;
            return entity;
        }
        return null;
    }
}

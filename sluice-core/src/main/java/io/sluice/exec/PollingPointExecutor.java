package io.sluice.exec;

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
    private final PollingPoint pollingPoint = new PollingPoint(this);

    PollingPointExecutor(ExecutorOptions options) {
        super(options);
    }

    @Override
    void schedule(Entity entity) {
        wakeup.signal(); // readiness is read at the polling point; only a sleeping executor needs telling
    }

    @Override
    int cycle(long waitNanos) {
        pollingPoint.poll(waitNanos);
        int work = 0;
        for (Entity entity = pollingPoint.next(); entity != null; entity = pollingPoint.next()) {
            if (discarding() || !entity.isActive()) {
                entity.discard();
            } else {
                work += entity.executeSnapshot();
            }
        }
        return work;
    }
}

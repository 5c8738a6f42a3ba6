package io.sluice.exec;

import io.sluice.WaitStrategy;

import java.util.Objects;

/**
 * Settings of an {@link Executor}. Immutable; start from {@link #defaults()} and change with the {@code with…}
 * methods.
 *
 * @param name          names the executor's threads ({@code sluice-<name>}) and its error reports
 * @param waitStrategy  what a thread does when a duty cycle found nothing: {@link WaitStrategy#block()} (the default)
 *                      sleeps in the kernel on every source at once (futex words of the subscriptions, or the
 *                      doorbell their publishers ring, and of the executor's own wakeup, with the next timer
 *                      deadline as timeout): an idle executor uses no CPU. {@link WaitStrategy#spin()} and
 *                      {@link WaitStrategy#backoff()} poll instead (lower latency, CPU while idle), each thread with
 *                      an idler of its own
 * @param errorHandler  receives what callbacks throw; the executor counts it and goes on
 * @param clock         the time of timers; {@link NanoClock#system()} unless a test drives a fake one
 * @param burst         at most this many events of one source per duty cycle, so that a busy topic cannot starve
 *                      the others (the event loop; the baselines handle one event per source per polling point)
 */
public record ExecutorOptions(String name, WaitStrategy waitStrategy, ErrorHandler errorHandler, NanoClock clock,
                              int burst) {
    public static final int DEFAULT_BURST = 64;

    public ExecutorOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        Objects.requireNonNull(errorHandler, "errorHandler");
        Objects.requireNonNull(clock, "clock");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst < 1: burst=" + burst);
        }
    }

    /** Name {@code executor}, blocking waits, errors logged, the system clock, bursts of {@value #DEFAULT_BURST}. */
    public static ExecutorOptions defaults() {
        return new ExecutorOptions("executor", WaitStrategy.block(), ErrorHandler.logging(), NanoClock.system(),
            DEFAULT_BURST);
    }

    public ExecutorOptions withName(String name) {
        return new ExecutorOptions(name, waitStrategy, errorHandler, clock, burst);
    }

    public ExecutorOptions withWaitStrategy(WaitStrategy waitStrategy) {
        return new ExecutorOptions(name, waitStrategy, errorHandler, clock, burst);
    }

    public ExecutorOptions withErrorHandler(ErrorHandler errorHandler) {
        return new ExecutorOptions(name, waitStrategy, errorHandler, clock, burst);
    }

    public ExecutorOptions withClock(NanoClock clock) {
        return new ExecutorOptions(name, waitStrategy, errorHandler, clock, burst);
    }

    public ExecutorOptions withBurst(int burst) {
        return new ExecutorOptions(name, waitStrategy, errorHandler, clock, burst);
    }
}

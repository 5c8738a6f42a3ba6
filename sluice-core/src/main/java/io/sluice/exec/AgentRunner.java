package io.sluice.exec;

import java.time.Duration;
import java.util.Objects;

/**
 * Runs an {@link Agent}'s duty cycles on one thread, its own or one the caller provides, until closed: each cycle
 * calls {@link Agent#doWork()} and hands the work done to the {@link IdleStrategy}. What the agent throws goes to the
 * {@link ErrorHandler}, is counted, and the loop goes on.
 *
 * {@snippet :
 * try (AgentRunner runner = AgentRunner.start(agent, IdleStrategy.blocking(wakeup, 100_000_000), ErrorHandler.logging())) {
 *     ...                      // the agent runs on its own thread
 * }                            // stops it, waits for the thread, calls agent.onClose() there
 * }
 * Or on the caller's thread: {@code new AgentRunner(agent, idle, errors).run()} returns once another thread has
 * called {@link #close()}.
 */
public final class AgentRunner implements Runnable, AutoCloseable {
    private final Agent agent;
    private final IdleStrategy idle;
    private final ErrorHandler errors;
    private final Runnable wake;
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile long errorCount;

    /** A runner for {@code agent}; {@code wake} is called by {@link #close()} to end a blocked idle wait. */
    public AgentRunner(Agent agent, IdleStrategy idle, ErrorHandler errors, Runnable wake) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.wake = Objects.requireNonNull(wake, "wake");
    }

    /** A runner whose idle strategy needs no wake to stop (spinning, backoff). */
    public AgentRunner(Agent agent, IdleStrategy idle, ErrorHandler errors) {
        this(agent, idle, errors, () -> { });
    }

    /** Starts {@code runner} on a new platform thread named after the agent's role. */
    public static AgentRunner start(AgentRunner runner) {
        Thread started = Thread.ofPlatform().name(runner.agent.roleName()).unstarted(runner);
        runner.thread = started;
        started.start();
        return runner;
    }

    /** Runs duty cycles on the calling thread until {@link #close()}; then calls {@link Agent#onClose()}. */
    @Override
    public void run() {
        if (thread == null) {
            thread = Thread.currentThread();
        }
        try {
            while (running) {
                int work;
                try {
                    work = agent.doWork();
                } catch (Throwable error) {
                    report(error);
                    work = 1; // not idle: look again at once
                }
                idle.idle(work);
            }
        } finally {
            try {
                agent.onClose();
            } catch (Throwable error) {
                report(error);
            }
        }
    }

    private void report(Throwable error) {
        errorCount++; // written by the runner's thread only
        try {
            errors.onError(agent.roleName(), error);
        } catch (Throwable ignored) {
            // an error handler must not throw; if it does, the loop still goes on
        }
    }

    /** Errors reported so far. */
    public long errorCount() {
        return errorCount;
    }

    /** Whether the runner has not been closed. */
    public boolean isRunning() {
        return running;
    }

    /**
     * Stops the loop after its current cycle and waits up to 10 s for the thread (when it is not the caller's).
     *
     * @throws IllegalStateException when the thread did not stop in time (a callback that never returns)
     */
    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** {@link #close()} with a bound on the wait. */
    public void close(Duration timeout) {
        running = false;
        wake.run();
        Thread runnerThread = thread;
        if (runnerThread == null || runnerThread == Thread.currentThread()) {
            return;
        }
        try {
            if (!runnerThread.join(timeout)) {
                throw new IllegalStateException("agent did not stop within " + timeout + ": role="
                    + agent.roleName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

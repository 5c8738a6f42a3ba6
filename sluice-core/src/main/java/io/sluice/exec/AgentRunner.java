package io.sluice.exec;

import io.sluice.WaitStrategy;

import java.time.Duration;
import java.util.Objects;

/**
 * Runs an {@link Agent}'s duty cycles on one thread, its own or one the caller provides, until closed: each cycle
 * calls {@link Agent#doWork()}, and when it did nothing the thread waits as the {@link WaitStrategy} says. What the
 * agent throws goes to the {@link ErrorHandler}, is counted, and the loop goes on.
 *
 * {@snippet :
 * Wakeup wakeup = new Wakeup();          // the agent's producers signal it after making work available
 * try (AgentRunner runner = AgentRunner.start(
 *         new AgentRunner(agent, WaitStrategy.block(), wakeup, ErrorHandler.logging()))) {
 *     ...                                // the agent runs on its own thread
 * }                                      // stops it, waits for the thread, calls agent.onClose() there
 * }
 * Or on the caller's thread: {@code new AgentRunner(agent, wait, wakeup, errors).run()} returns once another thread
 * has called {@link #close()}.
 */
public final class AgentRunner implements Runnable, AutoCloseable {
    /** The longest sleep of a blocking runner between duty cycles, so that an agent's upkeep still runs. */
    static final long MAX_BLOCK_NANOS = AbstractExecutor.MAX_WAIT_NANOS;

    private final Agent agent;
    private final WaitStrategy wait;
    private final Wakeup wakeup;
    private final ErrorHandler errors;
    private final long maxBlockNanos;
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile long errorCount;

    /**
     * A runner for {@code agent} that waits with {@code wait}: {@link WaitStrategy#block()} sleeps on {@code wakeup}
     * (at most {@value #MAX_BLOCK_NANOS} ns at a time) until a producer {@link Wakeup#signal() signals} it; spin and
     * backoff poll. {@link #close()} signals {@code wakeup} to end a sleep.
     */
    public AgentRunner(Agent agent, WaitStrategy wait, Wakeup wakeup, ErrorHandler errors) {
        this(agent, wait, wakeup, errors, MAX_BLOCK_NANOS);
    }

    /** With a longest sleep of {@code maxBlockNanos}: a test makes it long, so that a lost wake-up shows. */
    AgentRunner(Agent agent, WaitStrategy wait, Wakeup wakeup, ErrorHandler errors, long maxBlockNanos) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.wait = Objects.requireNonNull(wait, "wait");
        this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.maxBlockNanos = maxBlockNanos;
    }

    /**
     * A runner that polls with a spin or backoff strategy, with no wakeup to block on.
     *
     * @throws IllegalArgumentException for {@link WaitStrategy#block()}, which needs the {@link Wakeup} that the
     *                                  agent's producers signal
     */
    public AgentRunner(Agent agent, WaitStrategy wait, ErrorHandler errors) {
        this(agent, wait, new Wakeup(), errors);
        if (wait.blocks()) {
            throw new IllegalArgumentException("block() sleeps on a Wakeup that the agent's producers signal: "
                + "use AgentRunner(agent, wait, wakeup, errors)");
        }
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
        WaitStrategy.Idler idler = wait.blocks() ? null : wait.idler();
        try {
            while (running) {
                int key = wakeup.key(); // before looking for work, so that a signal after it is not lost
                int work;
                try {
                    work = agent.doWork();
                } catch (Throwable error) {
                    report(error);
                    work = 1; // not idle: look again at once
                }
                if (idler != null) {
                    idler.idle(work);
                } else if (work == 0) {
                    wakeup.await(key, maxBlockNanos);
                }
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
        wakeup.signal();
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

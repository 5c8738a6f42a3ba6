package io.sluice.cli.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threads of one node: started by name, asked to stop together, joined with a timeout. A thread that throws
 * stops the others; the first error is kept for the node's report.
 */
final class NodeThreads {
    private static final long JOIN_TIMEOUT_MILLIS = 5_000;

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;

    /** Starts {@code body} on a new thread called {@code name}. */
    void start(String name, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable error) {
                failure.compareAndSet(null, error);
                running = false;
            }
        }, name);
        threads.add(thread);
        thread.start();
    }

    /** True until {@link #stop()} is called or a thread fails. */
    boolean running() {
        return running;
    }

    /** Asks every thread to stop and waits for them. */
    void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(JOIN_TIMEOUT_MILLIS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                failure.compareAndSet(null, new IllegalStateException("thread did not stop in time: thread="
                    + thread.getName() + ", timeoutMillis=" + JOIN_TIMEOUT_MILLIS));
            }
        }
    }

    Throwable failure() {
        return failure.get();
    }
}

package io.sluice.exec;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A callback that stops until the test opens it: the state "a callback is running" that close and removal tests
 * need, reached by waiting for it ({@link #awaitEntered}), never by sleeping.
 */
final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);
    private GuardCondition hold;

    /** Called by the callback: says it is running, then waits until the test opens the gate. */
    void pass() {
        entered.countDown();
        try {
            opened.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until a callback is in {@link #pass}. */
    void awaitEntered() throws InterruptedException {
        if (!entered.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("no callback reached the gate in 60 s");
        }
    }

    void open() {
        opened.countDown();
    }

    boolean isOpen() {
        return opened.getCount() == 0;
    }

    /**
     * Holds a caller's cycle: a guard of {@code executor} whose callback stops here, triggered, and a thread that runs
     * {@code runOnce} into it; returns that thread once the callback is in the gate.
     */
    Thread holdCallersCycle(Executor executor) throws InterruptedException {
        hold = executor.guardCondition("hold", this::pass);
        hold.trigger();
        Thread owner = Thread.ofPlatform().name("loop-owner").start(() -> executor.runOnce(Duration.ofSeconds(30)));
        awaitEntered();
        return owner;
    }

    /** The guard {@link #holdCallersCycle} registered. */
    GuardCondition hold() {
        return hold;
    }
}

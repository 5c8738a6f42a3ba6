package io.sluice.exec;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A callback that stops until the test opens it: the state "a callback is running" that close and removal tests
 * need, reached by waiting for it ({@link #awaitEntered}), never by sleeping.
 */
final class Gate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

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
}

package io.sluice.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells a demo process to stop when its standard input reaches end of file: the parent closes the pipe to ask, and
 * the pipe closes by itself if the parent dies, so an orphaned child never runs on.
 */
final class StopSignal {
    private final CountDownLatch stopped = new CountDownLatch(1);

    private StopSignal() {
    }

    /** Starts a daemon thread that reads (and ignores) {@code input} until end of file. */
    static StopSignal onEndOf(InputStream input) {
        StopSignal signal = new StopSignal();
        Thread watcher = new Thread(() -> {
            byte[] ignored = new byte[256];
            try {
                int read = 0;
                while (read >= 0) {
                    read = input.read(ignored);
                }
            } catch (IOException closed) {
                // a broken pipe is a stop too
            }
            signal.stop();
        }, "stop-signal");
        watcher.setDaemon(true);
        watcher.start();
        return signal;
    }

    void stop() {
        stopped.countDown();
    }

    /** Waits until {@code deadlineNanos} (nanoTime); true when the stop came. */
    boolean awaitUntil(long deadlineNanos) throws InterruptedException {
        return stopped.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}

package io.sluice.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and {@code kill} (SIGINT, SIGTERM) as a request to stop, for commands that run until told to (record,
 * play, echo, hz): the command's loop sees {@link #requested()}, finishes what it holds (a recording's summary, say)
 * and returns its exit code normally. A second signal ends the process at once (exit code 130), for a command that
 * does not stop.
 *
 * <p>Handled with {@code sun.misc.Signal} rather than a shutdown hook: a hook runs once the JVM is already ending, when
 * the command could no longer return its exit code.
 */
public final class Interrupt {
    private static final CountDownLatch REQUESTED = new CountDownLatch(1);
    private static volatile boolean installed;
    private static volatile boolean enabled;

    private Interrupt() {
    }

    /**
     * Lets {@link #install()} take the signals: called by {@code Main.main}, so that commands run inside another
     * program (the tests, through {@code Main.run}) leave that program's signals alone.
     */
    public static void enable() {
        enabled = true;
    }

    /** Starts handling SIGINT and SIGTERM in this JVM once {@link #enable}d (once; later calls do nothing). */
    @SuppressWarnings("restriction")
    public static synchronized void install() {
        if (installed || !enabled) {
            return;
        }
        installed = true;
        sun.misc.SignalHandler handler = signal -> {
            if (REQUESTED.getCount() == 0) {
                Runtime.getRuntime().halt(130);
            }
            REQUESTED.countDown();
        };
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), handler);
            } catch (IllegalArgumentException unavailable) {
                // the JVM keeps this signal (-Xrs): the default action stays
            }
        }
    }

    /** Whether a stop was asked for. */
    public static boolean requested() {
        return REQUESTED.getCount() == 0;
    }

    /** Sleeps up to {@code nanos}; true when a stop was asked for meanwhile (or before). */
    public static boolean sleep(long nanos) {
        try {
            return REQUESTED.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}

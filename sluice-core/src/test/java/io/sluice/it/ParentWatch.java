package io.sluice.it;

import java.util.concurrent.TimeUnit;

/**
 * For the main class of a child JVM: ends the child, as a crash would, once the test JVM that started it is gone, so
 * that no child outlives a test run that was killed midway (or by surefire's forked-process timeout) holding locks
 * and files in shared memory. A child that reads commands from stdin also ends at end of input, but not while it
 * streams, drains, serves or runs an event loop; this watch covers those.
 */
final class ParentWatch {
    private static final long LOOK_EVERY_MILLIS = 100;

    private ParentWatch() {
    }

    /** Starts the watch: a daemon thread that halts this JVM (exit code 70) when its parent process has ended. */
    static void exitWithParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            while (parent != null && parent.isAlive()) {
                try {
                    TimeUnit.MILLISECONDS.sleep(LOOK_EVERY_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("parent-watch: the test JVM " + (parent == null ? "" : parent.pid() + " ")
                + "is gone; ending this child");
            Runtime.getRuntime().halt(70);
        });
    }
}

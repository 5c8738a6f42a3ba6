package io.sluice;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Waiting in tests for a state, never for a time. A wait ends as soon as its condition holds; its bound only turns a
 * hang into a failure, so it is generous ({@link #HANG}) and says nothing about speed.
 *
 * {@snippet :
 * Await.until("the closer reached CLOSING", executor::closing);
 * Await.asleepInKernel(consumerThread);      // the consumer sleeps in futex: a publish now must wake it
 * }
 */
public final class Await {
    /** How long a wait may last before the test calls it a hang: far above any normal run on a loaded machine. */
    public static final Duration HANG = Duration.ofSeconds(60);

    /** x86_64 and aarch64 numbers of the system calls a Sluice waiter sleeps in. */
    private static final List<String> FUTEX_CALLS = List.of(
        "202", "449",  // x86_64: futex, futex_waitv
        "98");         // aarch64: futex (futex_waitv is 449 there too)

    private Await() {
    }

    /** Waits until {@code condition} holds; fails naming {@code what} after {@link #HANG}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, condition, HANG);
    }

    /** Waits until {@code condition} holds; fails naming {@code what} after {@code bound}. */
    public static void until(String what, BooleanSupplier condition, Duration bound) {
        until(() -> what, condition, bound);
    }

    /** Waits until {@code condition} holds; fails after {@code bound} with {@code what}, computed then. */
    public static void until(Supplier<String> what, BooleanSupplier condition, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        for (int round = 0; !condition.getAsBoolean(); round++) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not the case after " + bound + " (a hang?): " + what.get());
            }
            pause(round);
        }
    }

    /** A short pause between two looks: spins first, then parks for up to a millisecond. */
    public static void pause(int round) {
        if (round < 100) {
            Thread.onSpinWait();
        } else if (round < 200) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(1_000_000L, 1_000L << Math.min(10, round - 200)));
        }
        if (Thread.interrupted()) {
            throw new AssertionError("interrupted while waiting");
        }
    }

    /**
     * Waits until {@code thread} sleeps in the kernel in a futex wait (as Sluice's blocking waiters do), told by
     * {@code /proc/self/task/<tid>/syscall}: the state the test needs before it publishes to prove that a publish
     * wakes a sleeper, rather than one that had not gone to sleep yet. The thread must have a name unique in its
     * first 15 characters (the kernel's thread name).
     */
    public static void asleepInKernel(Thread thread) {
        String name = thread.getName();
        String comm = name.length() > 15 ? name.substring(0, 15) : name;
        until(() -> "thread " + name + " sleeps in a futex wait (" + describeTasks(comm) + ")",
            () -> !thread.isAlive() || inFutexWait(comm), HANG);
        if (!thread.isAlive()) {
            throw new AssertionError("thread " + name + " ended instead of sleeping");
        }
    }

    /**
     * Waits until the threads named {@code name} or {@code name-<i>} (as an executor names its threads) exist and
     * every one sleeps in a futex wait.
     */
    public static void allAsleepInKernel(String name) {
        until("threads named " + name + " started", () -> !threadsNamed(name).isEmpty());
        for (Thread thread : threadsNamed(name)) {
            asleepInKernel(thread);
        }
    }

    /**
     * Waits until {@code thread} runs (or waits) inside {@code method} of {@code type} or of a class nested in it:
     * the state "the call is under way" when nothing more precise can be seen from outside.
     */
    public static void inCall(Thread thread, Class<?> type, String method) {
        String name = type.getName();
        until(() -> "thread " + thread.getName() + " is in " + name + "." + method + " (" + thread.getState() + ")",
            () -> {
                if (!thread.isAlive()) {
                    throw new AssertionError("thread " + thread.getName() + " ended before it called " + method);
                }
                for (StackTraceElement frame : thread.getStackTrace()) {
                    String owner = frame.getClassName();
                    if (frame.getMethodName().equals(method) && (owner.equals(name) || owner.startsWith(name + "$"))) {
                        return true;
                    }
                }
                return false;
            }, HANG);
    }

    /** The live threads named {@code name} or {@code name-<i>}. */
    public static List<Thread> threadsNamed(String name) {
        Pattern numbered = Pattern.compile(Pattern.quote(name) + "-\\d+");
        return Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().equals(name) || numbered.matcher(thread.getName()).matches())
            .toList();
    }

    private static boolean inFutexWait(String comm) {
        for (Path task : tasksNamed(comm)) {
            try {
                String[] syscall = Files.readString(task.resolve("syscall")).trim().split(" ");
                String state = Files.readString(task.resolve("stat"));
                char letter = state.charAt(state.lastIndexOf(')') + 2);
                if (letter == 'S' && FUTEX_CALLS.contains(syscall[0])) {
                    return true;
                }
            } catch (NoSuchFileException gone) {
                // the thread ended between the listing and the look
            } catch (IOException e) {
                throw new AssertionError("cannot read " + task + ": " + e, e);
            }
        }
        return false;
    }

    private static List<Path> tasksNamed(String comm) {
        List<Path> tasks = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : all) {
                try {
                    if (Files.readString(task.resolve("comm")).trim().equals(comm)) {
                        tasks.add(task);
                    }
                } catch (NoSuchFileException gone) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc/self/task: " + e, e);
        }
        return tasks;
    }

    /** For a failure message: the named tasks and their current system call. */
    private static String describeTasks(String comm) {
        List<String> seen = new ArrayList<>();
        for (Path task : tasksNamed(comm)) {
            try {
                seen.add(task.getFileName() + ": " + Files.readString(task.resolve("syscall")).trim());
            } catch (IOException e) {
                seen.add(task.getFileName() + ": " + e);
            }
        }
        return seen.isEmpty() ? "no thread named " + comm : String.join("; ", seen);
    }

    /**
     * A bound on a loop that waits for many events: it fails when the loop makes no progress (its counter stays the
     * same) for {@link #HANG}, however long the loop runs in all, so a slow machine never fails it and a hang does.
     */
    public static final class Progress {
        private long last = Long.MIN_VALUE;
        private long since = System.nanoTime();

        /** Notes {@code progress}; fails with {@code state} when it has not changed for {@link #HANG}. */
        public void check(long progress, Supplier<String> state) {
            long now = System.nanoTime();
            if (progress != last) {
                last = progress;
                since = now;
            } else if (now - since > HANG.toNanos()) {
                throw new AssertionError("no progress for " + HANG + " (a hang?): " + state.get());
            }
        }
    }
}

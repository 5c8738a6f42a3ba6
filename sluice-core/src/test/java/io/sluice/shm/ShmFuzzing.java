package io.sluice.shm;

import io.sluice.CorruptDataException;
import io.sluice.SluiceException;
import io.sluice.TopicBusyException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the transport's fuzz tests share: one worker thread that runs each input under a deadline (a hang is a
 * finding, reported with the worker's stack), files written as another process would leave them (mode 0600, any
 * size, sparse beyond what is written), the verdict on an exception, and a check that an input leaves no descriptor
 * or mapping of its files open.
 *
 * <p>One instance per fuzz test instance: Jazzer reuses the instance for every input while fuzzing, and makes one
 * per input while replaying.
 */
final class ShmFuzzing implements AutoCloseable {
    /** Longest an input may take: the slowest legitimate path waits 20 ms for a reliable subscriber, twice. */
    static final Duration INPUT_DEADLINE = Duration.ofSeconds(10);

    /** Whether Jazzer fuzzes (rather than replays the inputs it has). */
    static final boolean FUZZING = System.getenv("JAZZER_FUZZ") != null && !System.getenv("JAZZER_FUZZ").isEmpty();
    static final int MAPPINGS_CHECKED_EVERY = 256;

    private long inputs;
    private final AtomicReference<Thread> workerThread = new AtomicReference<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "shm-fuzz-input");
        thread.setDaemon(true); // a hung input must not keep the JVM alive
        workerThread.set(thread);
        return thread;
    });

    /**
     * Runs {@code input} on the worker thread and rethrows what it throws; fails when it does not return within
     * {@link #INPUT_DEADLINE}, with the worker's stack. The worker is then left spinning (later inputs queue behind
     * it and time out too): a fuzzing run stops at its first finding anyway.
     */
    void runWithinDeadline(Runnable input) {
        Future<?> done = worker.submit(input);
        try {
            done.get(INPUT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new AssertionError(cause);
        } catch (TimeoutException e) {
            Thread thread = workerThread.get();
            AssertionError hang = new AssertionError("input did not finish within " + INPUT_DEADLINE + " (a hang)");
            if (thread != null) {
                hang.setStackTrace(thread.getStackTrace());
            }
            throw hang;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Accepts {@code e} as an outcome of bad data: a {@link SluiceException} whose message names a file of
     * {@code directory} or the topic (a {@link CorruptDataException} must name the file). A {@link TopicBusyException}
     * is a finding too: nobody but the code under test takes an admin lock in these tests, so a busy topic means a
     * lock it leaked.
     */
    static void checkRejection(RuntimeException e, Path directory, String topic) {
        if (e instanceof TopicBusyException) {
            fail("the admin lock leaked: " + e, e);
        }
        if (!(e instanceof SluiceException)) {
            fail("not a SluiceException: " + e, e);
        }
        String message = e.getMessage();
        boolean namesFile = message != null && message.contains(directory.toString());
        boolean namesTopic = message != null && message.contains(topic);
        if (e instanceof CorruptDataException ? !namesFile : !namesFile && !namesTopic) {
            fail("the message names neither the file nor the topic: " + e, e);
        }
    }

    /**
     * Writes a new file of mode 0600 holding {@code image} (position 0 to limit) at offset 0, then sets its size to
     * {@code size}: cut short, or extended with a hole that reads as zeros.
     */
    static void writeFile(Path file, ByteBuffer image, long size) {
        writeFile(file, size, new Part(0, image));
    }

    /** Bytes to write at an offset of a file. */
    record Part(long offset, ByteBuffer bytes) {
    }

    /** Writes a new file of mode 0600 holding {@code parts}, then sets its size to {@code size}. */
    static void writeFile(Path file, long size, Part... parts) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (RandomAccessFile access = new RandomAccessFile(file.toFile(), "rw")) {
                FileChannel channel = access.getChannel();
                for (Part part : parts) {
                    ByteBuffer source = part.bytes().duplicate().position(0);
                    long position = part.offset();
                    while (source.hasRemaining()) {
                        position += channel.write(source, position);
                    }
                }
                access.setLength(size);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes every file of {@code directory}, leaving the directory itself. */
    static void removeFiles(Path directory) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails when this process still has a descriptor of a file below {@code root} once an input is done and its
     * files are removed, or (at every input while replaying, at every {@link #MAPPINGS_CHECKED_EVERY}th while
     * fuzzing, as the look costs more than the rest of an input) a mapping of one: every path, error paths
     * included, must close and unmap what it opened.
     */
    void checkNothingLeftOpen(Path root) {
        String prefix = root.toString() + "/";
        java.util.List<String> open = new java.util.ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        open.add("descriptor " + fd.getFileName() + " -> " + target);
                    }
                } catch (IOException closedMeanwhile) {
                    // the listing's own descriptor, or one closed since
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!FUZZING || ++inputs % MAPPINGS_CHECKED_EVERY == 0) {
            try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
                lines.filter(line -> line.contains(prefix)).forEach(line -> open.add("mapping " + line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (FUZZING && !open.isEmpty()) {
                open.add("(left by this input or one of the " + (MAPPINGS_CHECKED_EVERY - 1) + " before it: replay "
                    + "the corpus without JAZZER_FUZZ to find which)");
            }
        }
        if (!open.isEmpty()) {
            fail("the input left open: " + open);
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}

package io.sluice.shm;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.Sluice;
import io.sluice.TestRoot;
import io.sluice.it.Payload;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The participants a test opens under a root of its own. {@link #close()} closes them (and whatever else was added)
 * in reverse order, requires that nothing of theirs is left in the domain, and removes the root in any case.
 */
final class Participants implements AutoCloseable {
    final TestRoot root = new TestRoot();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A participant named {@code name}, closed with the others. */
    Sluice open(String name) {
        return add(Sluice.open(name, root.options()));
    }

    /** Closes {@code closeable} with the participants, before those opened earlier. */
    <C extends AutoCloseable> C add(C closeable) {
        open.add(closeable);
        return closeable;
    }

    /** The files of the root's domain, sorted. */
    List<String> files() {
        return root.domainFiles();
    }

    /** Takes until nothing is left, checking every sample's contents ({@link Payload}); returns the sequences. */
    static List<Long> drain(io.sluice.Subscriber<MemorySegment> subscriber) {
        List<Long> taken = new ArrayList<>();
        while (true) {
            try (io.sluice.Sample<MemorySegment> sample = subscriber.take()) {
                if (sample == null) {
                    return taken;
                }
                org.junit.jupiter.api.Assertions.assertTrue(Payload.verify(sample.segment(), sample.sequence()),
                    () -> "sample " + sample.sequence() + " is intact");
                taken.add(sample.sequence());
            }
        }
    }

    /** Publishes a message of {@code size} bytes filled with {@link Payload} for {@code sequence}. */
    static void publish(Publisher<MemorySegment> publisher, long sequence, long size) {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            Payload.fill(loan.segment(), sequence);
            loan.publish();
        }
    }

    /**
     * Makes {@code publisher} die as a process killed with {@code SIGKILL} would, inside this JVM: the descriptor of
     * its topic file is closed, and with it the open-file-description lock on its row, while its row, its segments
     * and their files stay exactly as they were. Its own mappings are dropped and it is never closed; whoever
     * probes its row lock finds it dead and reclaims it, as it would a dead process's.
     */
    static void crash(Publisher<?> publisher) {
        ShmPublisher<?> dying = (ShmPublisher<?>) publisher;
        ((TopicFile) field(dying, "file")).close();
        ((SegmentMapping<?>) field(dying, "segment")).release();
        ((io.sluice.os.BellRinger) field(dying, "bells")).close();
        ((Participant) field(dying, "owner")).forget(dying);
    }

    /**
     * Makes {@code subscriber} die as a killed process would, inside this JVM: its topic file's descriptor closes
     * (with it the lock on its row), its row stays as it was, with its cursors, bits and pins; it is never closed.
     */
    static void crash(io.sluice.Subscriber<?> subscriber) {
        ShmSubscriber<?> dying = (ShmSubscriber<?>) subscriber;
        ((TopicFile) field(dying, "file")).close();
        for (SegmentMapping<?> mapping : ((PublisherSources<?>) field(dying, "publishers")).mappings()) {
            mapping.release();
        }
        ((Participant) field(dying, "owner")).forget(dying);
    }

    /** Thrown at a fault point by {@link #throwAt}: the code fails there, or its endpoint dies there. */
    static final class Fault extends RuntimeException {
        Fault() {
            super("thrown at a fault point", null, false, false);
        }
    }

    /** Makes every pass through {@code point} throw a {@link Fault} until the returned hook is closed. */
    static AutoCloseable throwAt(FaultPoint point) {
        return point.install(() -> {
            throw new Fault();
        });
    }

    /** The topic file {@code publisher} writes its row in. */
    static TopicFile topicFile(Publisher<?> publisher) {
        return (TopicFile) field(publisher, "file");
    }

    /** The row index of {@code subscriber}. */
    static int row(io.sluice.Subscriber<?> subscriber) {
        return (int) field(subscriber, "row");
    }

    private static Object field(Object owner, String name) {
        try {
            java.lang.reflect.Field field = owner.getClass().getDeclaredField(name);
            field.setAccessible(true);
            return field.get(owner);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("no field " + name + " in " + owner.getClass(), e);
        }
    }

    /** This process's mappings of the file {@code name} of the root's domain (from {@code /proc/self/maps}). */
    long mappings(String name) throws java.io.IOException {
        String file = "/" + name;
        String under = root.path().toString();
        try (var lines = java.nio.file.Files.lines(java.nio.file.Path.of("/proc/self/maps"))) {
            return lines.filter(line -> line.contains(under) && (line.endsWith(file) || line.contains(file + " ")))
                .count();
        }
    }

    @Override
    public void close() throws Exception {
        Throwable first = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Throwable e) {
                first = keep(first, e); // close the others anyway
            }
        }
        try {
            assertEquals(List.of(), root.domainFiles(), "every participant closed: nothing of theirs is left");
        } catch (Throwable e) {
            first = keep(first, e);
        }
        try {
            root.close();
        } catch (Throwable e) {
            first = keep(first, e);
        }
        if (first instanceof Exception exception) {
            throw exception;
        }
        if (first != null) {
            throw (Error) first;
        }
    }

    /** The first failure, with the later ones suppressed in it. */
    private static Throwable keep(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}

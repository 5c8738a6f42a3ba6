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

    /** Publishes a message of {@code size} bytes filled with {@link Payload} for {@code sequence}. */
    static void publish(Publisher<MemorySegment> publisher, long sequence, long size) {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            Payload.fill(loan.segment(), sequence);
            loan.publish();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
            assertEquals(List.of(), root.domainFiles(), "every participant closed: nothing of theirs is left");
        } finally {
            root.close();
        }
    }
}

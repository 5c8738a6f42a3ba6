package io.sluice.cli.torture;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Sluice;
import io.sluice.SluiceException;
import io.sluice.SluiceOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's background traffic: 8 MiB frames at 125 Hz (about 1 GB/s through the transport; the payload is not
 * written, so this is the transport's rate, not memcpy's) from this process to a reliable subscriber in another
 * process, which checks each frame's first and last word. At the end every frame published must have been taken:
 * a reliable subscriber loses nothing.
 */
final class SoakStream implements AutoCloseable {
    static final long FRAME = 8L << 20;
    static final long PERIOD_NANOS = 8_000_000L;

    private final Path root;
    private final Sluice sluice;
    private final Publisher<MemorySegment> publisher;
    private final TortureRun.Child sink;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long timeouts;
    private long taken;
    private long lost;
    private long torn;

    SoakStream() throws IOException, InterruptedException {
        root = TortureRun.createRoot("sluice-soak-");
        sluice = Sluice.open("soak", SluiceOptions.defaults().withRoot(root).withDomain(0));
        publisher = sluice.publisher(TortureChild.STREAM, TortureChild.TYPE, PublisherOptions.defaults().withSlots(4)
            .withInitialSize(FRAME).withReliableTimeout(Duration.ofSeconds(5)));
        java.util.List<String> command = TortureRun.command(root, "sink", "reliable", 0, null);
        // a fixed heap, touched at start: the sink's RSS then shows what grows outside the heap, not the heap sizing
        command.addAll(1, java.util.List.of("-Xms128m", "-XX:+AlwaysPreTouch"));
        sink = new TortureRun.Child(command);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!sink.poll() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        thread = Thread.ofPlatform().name("soak-stream").start(this::stream);
    }

    private void stream() {
        long next = System.nanoTime();
        ValueLayout.OfLong word = ValueLayout.JAVA_LONG_UNALIGNED;
        while (running) {
            long sequence = publisher.publishedCount();
            try (Loan<MemorySegment> loan = publisher.loan(FRAME)) {
                loan.segment().set(word, 0, sequence);
                loan.segment().set(word, FRAME - 8, sequence);
                loan.publish();
            } catch (SluiceException slow) {
                timeouts++; // the sink did not make room within 5 s: counted, reported
            }
            next += PERIOD_NANOS;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -PERIOD_NANOS * 10) {
                next = System.nanoTime(); // fell far behind: do not burst to catch up
            }
        }
    }

    long published() {
        return publisher.publishedCount();
    }

    /** The sink's pid, to sample its memory. */
    long sinkPid() {
        return sink.process.pid();
    }

    /** Reads the sink's latest report. */
    private void pollSink() {
        for (String line = sink.lines.poll(); line != null; line = sink.lines.poll()) {
            if (line.startsWith("SINK ")) {
                String[] fields = line.split(" ");
                taken = Long.parseLong(fields[1]);
                lost = Long.parseLong(fields[2]);
                torn = Long.parseLong(fields[3]);
            }
        }
    }

    /** Stops publishing, waits until the sink has taken everything, and prints the verdict; true when clean. */
    boolean finish(PrintStream out, double seconds) throws InterruptedException {
        running = false;
        thread.join();
        long published = publisher.publishedCount();
        long deadline = System.nanoTime() + 30_000_000_000L;
        do {
            Thread.sleep(200);
            pollSink();
        } while (taken + lost < published && System.nanoTime() - deadline < 0);
        out.printf("soak stream: %d frames of %d MiB published in %.0f s (%.2f GB/s), taken %d, lost %d, torn %d,"
                + " publish timeouts %d%n", published, FRAME >> 20, seconds, published * FRAME / seconds / 1e9,
            taken, lost, torn, timeouts);
        return taken == published && lost == 0 && torn == 0;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        sink.close();
        publisher.close();
        sluice.close();
        TortureRun.removeRoot(root);
    }
}

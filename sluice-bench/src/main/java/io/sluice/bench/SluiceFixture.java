package io.sluice.bench;

import io.sluice.MessageType;
import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import io.sluice.WaitStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A Sluice participant for one benchmark trial, rooted in a fresh temporary directory under {@code /dev/shm} so
 * that benchmarks never meet other users' topics; {@link #close()} closes it and deletes the directory.
 */
final class SluiceFixture implements AutoCloseable {
    /** The message type of every benchmark topic. */
    static final MessageType<MemorySegment> TYPE = MessageType.raw("sluice_bench/msg/Payload");
    /** 44 MB, the size of a colored point cloud: 44 * 1024 * 1024 bytes. */
    static final int SIZE_44MB = 44 << 20;

    final Path root;
    final Sluice sluice;

    SluiceFixture(String name) {
        try {
            this.root = Files.createTempDirectory(Path.of("/dev/shm"), "sluice-jmh-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary root under /dev/shm", e);
        }
        this.sluice = Sluice.open(name, SluiceOptions.defaults().withRoot(root).withDomain(0)
            .withWaitStrategy(WaitStrategy.spin()));
    }

    @Override
    public void close() {
        try {
            sluice.close();
        } finally {
            deleteTree(root);
        }
    }

    private static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the temporary root " + directory, e);
        }
    }
}

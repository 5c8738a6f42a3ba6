package io.sluice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A private shared-memory root for one test, removed with everything below it. */
public final class TestRoot implements AutoCloseable {
    private final Path path;

    public TestRoot() {
        try {
            path = Files.createTempDirectory(Path.of("/dev/shm"), "sluice-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path path() {
        return path;
    }

    public SluiceOptions options() {
        return SluiceOptions.defaults().withRoot(path).withDomain(0);
    }

    /** Names of the files in the Sluice domain directory below this root (empty when it does not exist). */
    public java.util.List<String> domainFiles() {
        try (Stream<Path> dirs = Files.list(path)) {
            return dirs.flatMap(dir -> {
                try (Stream<Path> files = Files.list(dir)) {
                    return files.map(file -> file.getFileName().toString()).toList().stream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }
}

package io.sluice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A private shared-memory root for one test, {@code /dev/shm/sluice-test-<pid>-*} ({@link TestShm}), removed with
 * everything below it by {@link #close()}, which fails the test when something cannot be removed.
 */
public final class TestRoot implements AutoCloseable {
    private final Path path;

    public TestRoot() {
        path = TestShm.createRoot();
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

    /** Deletes the root and everything below it; fails naming whatever could not be deleted. */
    @Override
    public void close() {
        TestShm.deleteTree(path);
    }
}

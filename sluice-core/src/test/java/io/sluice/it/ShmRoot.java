package io.sluice.it;

import io.sluice.SluiceOptions;
import io.sluice.TestShm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A private shared-memory root for one test: {@code /dev/shm/sluice-test-<pid>-*} ({@link TestShm}), removed with
 * everything below it by {@link #close()} (call it from {@code @AfterEach}, so that it runs when the test fails too),
 * which fails the test when something cannot be removed.
 */
public final class ShmRoot implements AutoCloseable {
    private final Path path;

    private ShmRoot(Path path) {
        this.path = path;
    }

    public static ShmRoot create() {
        return new ShmRoot(TestShm.createRoot());
    }

    public Path path() {
        return path;
    }

    /** Domain 0 below this root, blocking waits, default message limit. */
    public SluiceOptions options() {
        return SluiceOptions.defaults().withRoot(path).withDomain(0);
    }

    /** The directory Sluice keeps domain 0's files in for the current user. */
    public Path domainDirectory() {
        return path.resolve("sluice-" + uid() + "-0");
    }

    /** Names of the files in the domain directory, sorted; empty when the directory does not exist. */
    public List<String> domainFiles() {
        Path directory = domainDirectory();
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Names of the segment files ({@code *.seg}) in the domain directory. */
    public List<String> segmentFiles() {
        return domainFiles().stream().filter(name -> name.endsWith(".seg")).toList();
    }

    public static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
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

package io.sluice.cli;

import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A domain of one test under a shared-memory root of its own, {@code /dev/shm/sluice-test-<pid>-<label>-<n>} (named
 * so that {@code tools/clean-test-shm} removes it should the test JVM be killed), and {@code sluice} commands run in
 * it; the root is deleted with all it holds on {@link #close()}.
 */
public final class TestDomain implements AutoCloseable {
    private final Path root;
    private final int domain;

    private TestDomain(Path root, int domain) {
        this.root = root;
        this.domain = domain;
    }

    /** Creates a new root for the test labelled {@code label}, for domain {@code domain}. */
    public static TestDomain create(String label, int domain) {
        try {
            return new TestDomain(Files.createDirectory(Path.of("/dev/shm", "sluice-test-" + ProcessHandle.current()
                .pid() + "-" + label + "-" + System.nanoTime())), domain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** Joins the domain as {@code name}. */
    public Sluice open(String name) {
        return Sluice.open(name, SluiceOptions.defaults().withRoot(root).withDomain(domain));
    }

    /** {@code args} followed by {@code --root ROOT --domain N}. */
    public String[] args(String... args) {
        return CliRun.inDomain(root.toString(), domain, args);
    }

    /** {@code sluice args...} in this domain, in this JVM. */
    public CliRun run(String... args) {
        return CliRun.run(args(args));
    }

    /** {@code sluice args...} in this domain, on a thread of its own ({@link CliRun#async}). */
    public CompletableFuture<CliRun> async(String... args) {
        return CliRun.async(args(args));
    }

    /** {@code sluice args...} in this domain, in a JVM of its own ({@link CliRun#start}). */
    public Process start(Path log, String... args) throws IOException {
        return CliRun.start(log, args(args));
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.sluice.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A node program that tests run as an independent oracle (the CDR oracle of sluice-core, the MCAP oracle of
 * sluice-record): its sources in {@code src/test/node} of a module, its npm dependencies pinned in
 * {@code package.json} and {@code package-lock.json} there.
 *
 * <p>{@link #prepare} copies the sources to a directory under {@code target/}, runs {@code npm ci} there when
 * {@code node_modules} is missing or older than the lock file, and returns where to run {@code node}. Without
 * {@code node} or {@code npm} on the PATH (or with a node older than {@link #MIN_NODE_MAJOR}) it aborts the calling
 * test (skipped), unless the environment variable {@code CI} is {@code true}, where it fails: CI installs them.
 *
 * @param node the node executable
 * @param work the directory the program runs in
 */
public record NodePackage(Path node, Path work) {
    /** How long {@code npm ci} may take. */
    public static final Duration NPM_CI_TIMEOUT = Duration.ofMinutes(5);
    /**
     * Oldest node taken. The Foxglove packages declare {@code node >= 20} (tested with 20); 18 is let through because
     * that is what {@code apt-get install nodejs} gives on Ubuntu 24.04 and Debian 12.
     */
    public static final int MIN_NODE_MAJOR = 18;
    private static final Path NODE_SOURCES = Path.of("src", "test", "node");
    private static final Object INSTALL_LOCK = new Object();

    /**
     * Makes the node program of {@code module} ready to run.
     *
     * @param what   what the program is, for messages ("the CDR oracle")
     * @param module the module directory's name ({@code sluice-core}): Maven runs tests there, an IDE may run them
     *               from the repository root
     * @param work   the directory under the module to install into ({@code target/cdr-oracle})
     * @param files  the files of {@code src/test/node} to copy (package.json, package-lock.json, the script)
     */
    public static NodePackage prepare(String what, String module, Path work, List<String> files) {
        Path node = findOnPath("node");
        Path npm = findOnPath("npm");
        String nodeVersion = node == null ? null : nodeVersion(node);
        if (node == null || npm == null || nodeMajor(nodeVersion) < MIN_NODE_MAJOR) {
            String missing = node == null && npm == null ? "node and npm on the PATH"
                : node == null ? "node on the PATH"
                : npm == null ? "npm on the PATH"
                : "node " + MIN_NODE_MAJOR + " or newer, but " + node + " is " + nodeVersion;
            String message = what + " needs " + missing + " (PATH=" + System.getenv("PATH") + ")";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message + "; CI=true, so this is a failure (.ci/run installs them)");
            }
            Assumptions.abort(message + "; skipping (install Node.js 20+ with npm to run this test)");
        }
        Path moduleDir = moduleDir(module, files.getLast());
        Path workDir = moduleDir.resolve(work);
        synchronized (INSTALL_LOCK) {
            try {
                Files.createDirectories(workDir);
                // the file lock keeps concurrent test JVMs (two builds at once) from installing over each other
                try (FileChannel channel = FileChannel.open(workDir.resolve(".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
                    FileLock lock = channel.lock();
                    try {
                        for (String name : files) {
                            copyIfChanged(moduleDir.resolve(NODE_SOURCES).resolve(name), workDir.resolve(name));
                        }
                        if (needsInstall(workDir)) {
                            npmCi(what, npm, workDir);
                        }
                    } finally {
                        lock.release();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("preparing " + what + " in " + workDir, e);
            }
        }
        return new NodePackage(node, workDir);
    }

    /** "v20.20.2", or what went wrong. */
    private static String nodeVersion(Path node) {
        try {
            Process process = new ProcessBuilder(node.toString(), "--version").redirectErrorStream(true).start();
            try (InputStream in = process.getInputStream()) {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return "(no answer to --version)";
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        } catch (IOException e) {
            return "(" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    private static int nodeMajor(String version) {
        if (version == null) {
            return Integer.MAX_VALUE; // node missing: reported as such
        }
        Matcher m = Pattern.compile("^v(\\d+)\\.").matcher(version);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Path moduleDir(String module, String someFile) {
        Path cwd = Path.of("").toAbsolutePath();
        for (Path candidate : List.of(cwd, cwd.resolve(module))) {
            if (Files.isRegularFile(candidate.resolve(NODE_SOURCES).resolve(someFile))) {
                return candidate;
            }
        }
        throw new AssertionError("cannot find " + NODE_SOURCES.resolve(someFile) + " under " + cwd + " or "
            + cwd.resolve(module));
    }

    /** Copies only changed files, so that the lock file's modification time means "changed since npm ci". */
    private static void copyIfChanged(Path from, Path to) throws IOException {
        byte[] content = Files.readAllBytes(from);
        if (Files.isRegularFile(to) && Arrays.equals(content, Files.readAllBytes(to))) {
            return;
        }
        Path temp = to.resolveSibling(to.getFileName() + ".tmp");
        Files.write(temp, content);
        Files.move(temp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * npm writes {@code node_modules/.package-lock.json} at the end of a successful install, so it stands for
     * "node_modules, completely installed".
     */
    private static boolean needsInstall(Path work) throws IOException {
        Path installed = work.resolve("node_modules").resolve(".package-lock.json");
        return !Files.isRegularFile(installed) || Files.getLastModifiedTime(installed)
            .compareTo(Files.getLastModifiedTime(work.resolve("package-lock.json"))) < 0;
    }

    private static void npmCi(String what, Path npm, Path work) throws IOException {
        Path log = work.resolve("npm-ci.log");
        ProcessBuilder builder = new ProcessBuilder(npm.toString(), "ci", "--no-audit", "--no-fund",
            "--loglevel=error").directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("npm_config_update_notifier", "false");
        long started = System.nanoTime();
        Process process = builder.start();
        boolean finished;
        try {
            finished = process.waitFor(NPM_CI_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during npm ci in " + work, e);
        }
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("npm ci in " + work + " took longer than " + NPM_CI_TIMEOUT.toMinutes()
                + " min; killed. Output:\n" + tail(log));
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("npm ci in " + work + " failed with exit code " + process.exitValue()
                + ". Output:\n" + tail(log));
        }
        System.err.printf("%s: npm ci in %s took %.1f s%n", what, work, (System.nanoTime() - started) / 1e9);
    }

    /** The last 8 KiB of a log, for failure messages. */
    public static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            return text.length() <= 8192 ? text : "..." + text.substring(text.length() - 8192);
        } catch (IOException | UncheckedIOException e) {
            return "(no output: " + e + ")";
        }
    }
}

package io.sluice.it;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM for multi-process tests: started with this JVM's {@code java}, the test classpath,
 * {@code --enable-native-access=ALL-UNNAMED} and a main class from the test sources; spoken to through lines on
 * stdin and stdout.
 *
 * {@snippet :
 * try (ChildJvm.Group children = new ChildJvm.Group()) {
 *     ChildJvm child = children.start("sub", ParticipantChild.class, root.toString());
 *     child.request("SUBS 1 /topic QUEUE 8", "SUBS-READY", Duration.ofSeconds(20));
 *     child.kill();                          // SIGKILL, then waits until the kernel has reaped it
 * }
 * }
 * A child reports a failed command with a line starting {@code ERROR}; {@link #expect} turns that, and the child's
 * exit, into an {@link AssertionError} that carries the child's stderr.
 */
public final class ChildJvm implements AutoCloseable {
    /** Options that keep children light on a small machine; none of them changes behaviour. */
    private static final List<String> JVM_OPTIONS = List.of(
        "--enable-native-access=ALL-UNNAMED", "-Dsluice.faults=true", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx192m",
        "-XX:-UsePerfData", "-Xss1m");
    private static final Duration REAP_TIMEOUT = Duration.ofSeconds(20);
    private static final String END = "\u0000<end of stdout>";
    private static final int STDERR_LIMIT = 64 * 1024;

    private final String name;
    private final Process process;
    private final BufferedWriter stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private volatile boolean ended;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.stdoutReader = Thread.ofPlatform().daemon().name("child-" + name + "-stdout")
            .start(() -> pump(process.getInputStream(), true));
        this.stderrReader = Thread.ofPlatform().daemon().name("child-" + name + "-stderr")
            .start(() -> pump(process.getErrorStream(), false));
    }

    /** The java launcher of this JVM. */
    public static String javaCommand() {
        return ProcessHandle.current().info().command()
            .orElseThrow(() -> new IllegalStateException("cannot tell this JVM's java command"));
    }

    /** Starts {@code main} with the test classpath; {@code args} go to its {@code main}. */
    public static ChildJvm start(String name, Class<?> main, String... args) {
        return start(name, List.of(), System.getProperty("java.class.path"), null, main, List.of(args));
    }

    /**
     * Starts {@code main} with {@code classpath}, in {@code directory} (null: this JVM's), the command prefixed by
     * {@code wrapper} (e.g. {@code setpriv --reuid=65534 ...}; empty for none).
     */
    public static ChildJvm start(String name, List<String> wrapper, String classpath, Path directory, Class<?> main,
                                 List<String> args) {
        return start(name, wrapper, JVM_OPTIONS, classpath, directory, main, args);
    }

    /**
     * Starts {@code main} with the test classpath and exactly {@code jvmOptions} (plus native access) instead of the
     * light defaults: for a test of how the JVM itself behaves, e.g. when it compiles.
     */
    public static ChildJvm startWithJvmOptions(String name, List<String> jvmOptions, Class<?> main, String... args) {
        List<String> options = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "-XX:-UsePerfData"));
        options.addAll(jvmOptions);
        return start(name, List.of(), options, System.getProperty("java.class.path"), null, main, List.of(args));
    }

    private static ChildJvm start(String name, List<String> wrapper, List<String> jvmOptions, String classpath,
                                  Path directory, Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>(wrapper);
        command.add(javaCommand());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(main.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        try {
            return new ChildJvm(name, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child " + name + ": " + command, e);
        }
    }

    private void pump(InputStream stream, boolean stdout) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (stdout) {
                    lines.add(line);
                } else {
                    synchronized (stderr) {
                        if (stderr.length() < STDERR_LIMIT) {
                            stderr.append(line).append('\n');
                        }
                    }
                }
            }
        } catch (IOException ignored) {
            // the stream closed under us: the child is gone
        } finally {
            if (stdout) {
                lines.add(END);
            }
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What the child wrote to stderr so far (at most 64 KiB). */
    public String stderr() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    /** Sends one command line. */
    public void send(String line) {
        try {
            stdin.write(line);
            stdin.newLine();
            stdin.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot write to child " + name + " (alive=" + process.isAlive() + "): "
                + e + describeStderr(), e);
        }
    }

    /**
     * The next line starting with {@code prefix}, waiting at most {@code timeout}. Lines before it are printed and
     * skipped; a line starting {@code ERROR}, the child's exit and the timeout each fail with an AssertionError.
     */
    public String expect(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            String line;
            try {
                line = ended ? END : lines.poll(Math.max(0, remaining), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + prefix + " from child " + name, e);
            }
            if (line == null) {
                throw new AssertionError("child " + name + " did not print " + prefix + " within " + timeout
                    + describeStderr());
            }
            if (line == END) {
                ended = true;
                throw new AssertionError("child " + name + " ended before printing " + prefix + exitDescription()
                    + describeStderr());
            }
            if (line.startsWith(prefix)) {
                return line;
            }
            if (line.startsWith("ERROR") && !prefix.startsWith("ERROR")) {
                throw new AssertionError("child " + name + " reported, while " + prefix + " was expected: " + line
                    + describeStderr());
            }
            System.out.println("[" + name + "] " + line);
        }
    }

    /** {@link #send} then {@link #expect}. */
    public String request(String command, String prefix, Duration timeout) {
        send(command);
        return expect(prefix, timeout);
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux), then waits until the child has been reaped. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(REAP_TIMEOUT);
    }

    /** Waits for the child to exit and returns its exit code; fails when it does not exit in time. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("child " + name + " did not exit within " + timeout);
            }
            stdoutReader.join(timeout.toMillis());
            stderrReader.join(timeout.toMillis());
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for child " + name, e);
        }
    }

    private String exitDescription() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return " (exit code " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return " (still running)";
    }

    private String describeStderr() {
        String text = stderr();
        return text.isEmpty() ? "" : "\n--- stderr of child " + name + " ---\n" + text;
    }

    /** Kills the child if it still runs and waits until it is reaped. Never throws. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            process.waitFor(REAP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                stdin.close();
            } catch (IOException ignored) {
                // the pipe is gone with the child
            }
        }
    }

    /** The children of one test; {@link #close()} (from {@code @AfterEach}) kills every one still running. */
    public static final class Group implements AutoCloseable {
        private final List<ChildJvm> children = new ArrayList<>();

        public synchronized ChildJvm start(String name, Class<?> main, String... args) {
            ChildJvm child = ChildJvm.start(name, main, args);
            children.add(child);
            return child;
        }

        public synchronized ChildJvm start(String name, List<String> wrapper, String classpath, Path directory,
                                           Class<?> main, List<String> args) {
            ChildJvm child = ChildJvm.start(name, wrapper, classpath, directory, main, args);
            children.add(child);
            return child;
        }

        public synchronized ChildJvm startWithJvmOptions(String name, List<String> jvmOptions, Class<?> main,
                                                         String... args) {
            ChildJvm child = ChildJvm.startWithJvmOptions(name, jvmOptions, main, args);
            children.add(child);
            return child;
        }

        @Override
        public synchronized void close() {
            for (ChildJvm child : children) {
                child.close();
            }
            children.clear();
        }
    }
}

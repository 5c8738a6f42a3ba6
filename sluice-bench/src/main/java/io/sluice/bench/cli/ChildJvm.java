package io.sluice.bench.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM of a benchmark run: the same {@code java} executable and class path as this process, native access
 * enabled, running {@link BenchCommand} in a hidden role. It talks back on its standard output in lines
 * {@code bench.<name>=<value>} (see {@link #report(String, Object)}); other lines of its standard output and all of
 * its standard error go to this process's standard error, prefixed with the child's name.
 *
 * <p>Protocol: the child reports {@code ready} once its endpoints exist, then runs, then reports its results and
 * {@code done}; on failure it reports {@code error} and exits non-zero.
 */
final class ChildJvm implements AutoCloseable {
    static final String PREFIX = "bench.";
    /** Extra JVM options for child processes, e.g. to profile them. */
    static final String OPTIONS_VARIABLE = "SLUICE_BENCH_CHILD_OPTS";

    private final String name;
    private final Process process;
    private final Map<String, String> values = new HashMap<>();
    private boolean ended;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Starts {@code java --enable-native-access=ALL-UNNAMED -cp <our class path> io.sluice.bench.cli.BenchCommand
     * <arguments>}.
     */
    static ChildJvm start(String name, List<String> arguments) {
        String java = ProcessHandle.current().info().command()
            .orElseThrow(() -> new IllegalStateException("cannot find this process's java executable: pid="
                + ProcessHandle.current().pid()));
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(extraOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchCommand.class.getName());
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false)
            .redirectInput(ProcessBuilder.Redirect.PIPE);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start child JVM: name=" + name + ", java=" + java + ": "
                + e.getMessage(), e);
        }
        ChildJvm child = new ChildJvm(name, process);
        Thread stdout = Thread.ofPlatform().daemon().name("bench-" + name + "-out").unstarted(child::readStdout);
        Thread stderr = Thread.ofPlatform().daemon().name("bench-" + name + "-err").unstarted(child::readStderr);
        stdout.start();
        stderr.start();
        return child;
    }

    /**
     * JVM options for every child from the environment variable {@value #OPTIONS_VARIABLE}, split on whitespace:
     * for profiling, e.g. {@code -XX:StartFlightRecording=filename=/tmp/child-%p.jfr,settings=profile}.
     */
    static List<String> extraOptions() {
        String options = System.getenv(OPTIONS_VARIABLE);
        return options == null || options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int equals = line.indexOf('=');
                if (line.startsWith(PREFIX) && equals > PREFIX.length()) {
                    synchronized (values) {
                        values.put(line.substring(PREFIX.length(), equals), line.substring(equals + 1));
                        values.notifyAll();
                    }
                } else {
                    System.err.println("[" + name + "] " + line);
                }
            }
        } catch (IOException e) {
            // the child went away: ended below
        } finally {
            synchronized (values) {
                ended = true;
                values.notifyAll();
            }
        }
    }

    private void readStderr() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(),
            StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                System.err.println("[" + name + "] " + line);
            }
        } catch (IOException e) {
            // the child went away
        }
    }

    /**
     * Waits until the child reported {@code key}, and returns every value it reported so far.
     *
     * @throws IllegalStateException when the child reported an error, ended without reporting {@code key}, or did
     *                               not report it before {@code deadlineNanos} ({@link System#nanoTime()} terms)
     */
    Map<String, String> await(String key, long deadlineNanos) {
        synchronized (values) {
            while (true) {
                if (values.containsKey("error")) {
                    throw new IllegalStateException("child failed: name=" + name + ", error=" + values.get("error"));
                }
                if (values.containsKey(key)) {
                    return new HashMap<>(values);
                }
                if (ended) {
                    throw new IllegalStateException("child ended without reporting " + key + ": name=" + name
                        + ", exitCode=" + exitCode());
                }
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    throw new IllegalStateException("child did not report " + key + " in time: name=" + name);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(values, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for child: name=" + name, e);
                }
            }
        }
    }

    private String exitCode() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the child to exit, at most {@code timeoutMillis}; true when it has. */
    boolean waitForExit(long timeoutMillis) {
        try {
            return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends the child if it still runs (it is ours: started by {@link #start}). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitForExit(5_000);
        }
    }

    // ------------------------------------------------------------------------------- the child's side

    private static final PrintStream OUT = System.out;

    /** In a child: reports {@code name=value} to the coordinator. */
    static void report(String name, Object value) {
        synchronized (OUT) {
            OUT.println(PREFIX + name + "=" + value);
            OUT.flush();
        }
    }
}

package io.sluice.cli.demo;

import io.sluice.JvmOptions;
import io.sluice.cli.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One demo process seen from the parent: a child JVM running {@code sluice demo-<role>} with the parent's java
 * executable and class path. Its standard output is parsed line by line ({@link ChildReport}); its standard error
 * is passed on, each line prefixed with the role. Closing its standard input asks it to stop.
 */
final class ChildProcess {
    /** The class whose main dispatches the hidden {@code demo-<role>} subcommands. */
    static final String MAIN_CLASS = "io.sluice.cli.Main";
    private static final Duration DESTROY_GRACE = Duration.ofSeconds(2);

    private final DemoRole role;
    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<Thread> readers = new ArrayList<>();
    private final PrintStream err;
    private volatile ChildReport lastReport;
    private volatile ChildReport summary;

    private ChildProcess(DemoRole role, Process process, PrintStream err) {
        this.role = role;
        this.process = process;
        this.err = err;
    }

    /** Starts {@code role} on {@code domain}. */
    static ChildProcess start(DemoRole role, int domain, PrintStream err) throws IOException {
        Process process = new ProcessBuilder(command(role, domain)).start();
        ChildProcess child = new ChildProcess(role, process, err);
        child.read("out", process.getInputStream(), child::onLine);
        child.read("err", process.getErrorStream(), line -> err.println("[" + role.label() + "] " + line));
        return child;
    }

    /**
     * The child's command line: the running JVM's java, its class path, native access for the FFM API, Sluice's
     * recommended options (as the README tells users to run their publishers and subscribers), its role's AOT cache
     * ({@link DemoAot}), and the JVM's own warnings on standard error (standard output carries its reports).
     */
    static List<String> command(DemoRole role, int domain) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(JvmOptions.RECOMMENDED);
        command.addAll(DemoAot.options(role));
        command.add("-Xlog:disable");
        command.add("-Xlog:all=warning:stderr");
        command.add("-XX:+UseSerialGC"); // small heaps, no GC threads competing for the demo's two-core budget
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.add(role.command());
        command.add("--domain");
        command.add(Integer.toString(domain));
        return command;
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private void read(String stream, InputStream input, Consumer<String> onLine) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
                String line = lines.readLine();
                while (line != null) {
                    onLine.accept(line);
                    line = lines.readLine();
                }
            } catch (IOException closed) {
                // the process is gone: nothing more to read
            }
        }, "demo-" + role.label() + "-" + stream);
        reader.setDaemon(true);
        readers.add(reader);
        reader.start();
    }

    private void onLine(String line) {
        ChildReport report;
        try {
            report = new ChildReport(Json.parseObject(line));
        } catch (IllegalArgumentException notJson) {
            err.println("[" + role.label() + "] " + line);
            return;
        }
        switch (report.event()) {
            case "ready" -> ready.countDown();
            case "report" -> lastReport = report;
            case "summary" -> summary = report;
            default -> err.println("[" + role.label() + "] unknown event: " + line);
        }
    }

    DemoRole role() {
        return role;
    }

    /** Waits for the ready line; false when the process exited or the time ran out first. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (ready.await(50, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!process.isAlive()) {
                return ready.await(0, TimeUnit.MILLISECONDS);
            }
        }
        return false;
    }

    /** Asks the process to stop by closing its standard input. */
    void requestStop() {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyClosed) {
            // it has exited: nothing to ask
        }
    }

    /** Waits for the process to exit and its output to be read; false when the time ran out. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        for (Thread reader : readers) {
            reader.join(DESTROY_GRACE.toMillis());
        }
        return true;
    }

    /** Terminates the process (SIGTERM, so it cleans up), then kills it if it is still there after a grace. */
    void destroy() throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(DESTROY_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(DESTROY_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or null while the process runs. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** The newest per-second report, or null before the first. */
    ChildReport lastReport() {
        return lastReport;
    }

    /** The summary printed at the end, or null when the process did not get that far. */
    ChildReport summary() {
        return summary;
    }
}

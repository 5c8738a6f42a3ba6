package io.sluice.cli.demo;

import io.sluice.cli.UsageErrors;
import io.sluice.cli.json.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice demo [--duration SECONDS] [--json]}: a synthetic 2K RGB-D camera and three subscribers, each a
 * process of its own, moving 63 MB sets of ROS 2 messages at 15 fps through shared memory.
 *
 * <ul>
 *   <li>camera: publishes {@code /camera/rgb} ({@code sensor_msgs/msg/Image}, 8 MB), {@code /camera/depth}
 *       ({@code Image}, 11 MB), {@code /camera/points} ({@code sensor_msgs/msg/PointCloud2}, 44 MB) and
 *       {@code /camera/camera_info} ({@code sensor_msgs/msg/CameraInfo}), every frame checksummed;</li>
 *   <li>controller: {@link io.sluice.Qos#latest() latest}, wakes at 10 Hz and takes the newest frames;</li>
 *   <li>recorder: {@link io.sluice.Qos#queue(int) queue(8)}, takes every frame in order and checks that every gap is
 *       counted lost;</li>
 *   <li>monitor: latest, blocks until frames come; knows the topics only by the schemas they carry and decodes a
 *       sample of each a second from it.</li>
 * </ul>
 * Every subscriber verifies every frame it takes while it holds it (see the package documentation). The subscribers
 * start first, then the camera; at the end the camera stops first, the subscribers drain for half a second, then stop.
 * The parent prints a live table every second and a summary at the end (or, with {@code --json}, one JSON object), and
 * exits 0 when the run was clean ({@link DemoResult}: no frame torn, no loss uncounted...), 1 otherwise.
 *
 * <p>The demo runs in a domain of its own ({@link DemoDomain}) and removes its directory afterwards.
 */
public final class DemoCommand {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final long DRAIN_MILLIS = 500;
    private static final long TABLE_PERIOD_NANOS = 1_000_000_000L;
    private static final String ANSI_HOME_AND_CLEAR = "\033[H\033[2J";

    private final DemoArguments arguments;
    private final int domain;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private final List<ChildProcess> children = new CopyOnWriteArrayList<>();
    private final AtomicBoolean finished = new AtomicBoolean();

    private DemoCommand(DemoArguments arguments, int domain, PrintStream out, PrintStream err) {
        this.arguments = arguments;
        this.domain = domain;
        this.out = out;
        this.err = err;
        this.terminal = out == System.out && System.console() != null && System.console().isTerminal();
    }

    /**
     * {@code sluice demo}: its options, checked before anything starts (a bad one is a usage error, exit code 2).
     * {@link #call} runs the demo: 0 when the run was clean, 1 when a frame was torn, a loss uncounted or a process
     * failed.
     */
    @Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"A synthetic 2K RGB-D camera and three subscribers (controller, recorder, monitor), each in its"
            + " own process; their rates, latencies, losses and CPU.",
            "The camera publishes /camera/rgb, /camera/depth, /camera/points and /camera/camera_info at 15 fps;"
                + " every subscriber verifies every frame it takes. Exit code 0 when the run was clean, 1 when a"
                + " frame was torn, a loss went uncounted or a process failed."},
        footer = "%nEnvironment: SLUICE_DOMAIN, the domain to run in (default: one chosen from the process id).")
    public static final class Cli implements Callable<Integer> {
        @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
            description = "how long the camera publishes, in seconds (default: ${DEFAULT-VALUE})")
        double durationSeconds;

        @Option(names = "--json", description = "print one JSON object at the end instead of the tables")
        boolean json;

        @Spec
        CommandSpec spec;

        private final PrintStream out;
        private final PrintStream err;

        public Cli(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        /** The checked options. @throws ParameterException naming what is wrong */
        DemoArguments arguments() {
            return UsageErrors.check(spec, () -> new DemoArguments(durationSeconds, json));
        }

        @Override
        public Integer call() {
            DemoArguments arguments = arguments();
            int domain = UsageErrors.check(spec,
                () -> DemoDomain.choose(System.getenv("SLUICE_DOMAIN"), ProcessHandle.current().pid()));
            return new DemoCommand(arguments, domain, out, err).run();
        }
    }

    private int run() {
        Path directory = DemoDomain.join(domain);
        Thread hook = new Thread(this::abandon, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> problems = new ArrayList<>();
        double durationSeconds = 0;
        try {
            durationSeconds = runProcesses(problems);
        } catch (IOException cannotStart) {
            problems.add("cannot start a demo process: " + cannotStart.getMessage());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            problems.add("interrupted");
        } finally {
            destroyAll(problems);
            finished.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook finds the work done
            }
        }
        boolean removed = DemoDomain.removeIfEmpty(domain);
        DemoResult result = DemoResult.of(durationSeconds, domain, directory, removed, children, problems);
        if (arguments.json()) {
            out.println(Json.pretty(result.json()));
        } else {
            printSummary(result, durationSeconds);
        }
        out.flush();
        return result.ok() ? 0 : 1;
    }

    /** Starts the processes, lets the camera run, stops everything in order; returns how long the camera ran. */
    private double runProcesses(List<String> problems) throws IOException, InterruptedException {
        for (DemoRole role : List.of(DemoRole.CONTROLLER, DemoRole.RECORDER, DemoRole.MONITOR)) {
            children.add(ChildProcess.start(role, domain, err));
        }
        for (ChildProcess child : children) {
            if (!awaitReady(child, problems)) {
                return 0;
            }
        }
        ChildProcess camera = ChildProcess.start(DemoRole.CAMERA, domain, err);
        children.add(camera);
        if (!awaitReady(camera, problems)) {
            return 0;
        }
        long start = System.nanoTime();
        showLiveTables(start, start + (long) (arguments.durationSeconds() * 1e9), problems);
        camera.requestStop();
        double durationSeconds = (System.nanoTime() - start) / 1e9;
        awaitExit(camera, problems);
        Thread.sleep(DRAIN_MILLIS);
        for (ChildProcess child : children) {
            child.requestStop();
        }
        for (ChildProcess child : children) {
            awaitExit(child, problems);
        }
        return durationSeconds;
    }

    private boolean awaitReady(ChildProcess child, List<String> problems) throws InterruptedException {
        if (child.awaitReady(READY_TIMEOUT)) {
            return true;
        }
        problems.add(child.role().label() + ": not ready within " + READY_TIMEOUT.toSeconds() + " s (exitCode="
            + child.exitCode() + ")");
        return false;
    }

    private void awaitExit(ChildProcess child, List<String> problems) throws InterruptedException {
        if (!child.awaitExit(STOP_TIMEOUT)) {
            problems.add(child.role().label() + ": did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
            child.destroy();
        }
    }

    /**
     * Redraws the table every second until {@code endNanos}, or until a process exits before its time. The camera
     * reports a second after it is ready, and every second after that: the table is drawn half a second out of
     * phase with it, so that it never shows a report about to be replaced.
     */
    private void showLiveTables(long startNanos, long endNanos, List<String> problems) throws InterruptedException {
        Thread.sleep(TABLE_PERIOD_NANOS / 2_000_000);
        Schedule ticks = new Schedule(TABLE_PERIOD_NANOS);
        while (System.nanoTime() - endNanos < 0) {
            long deadline = Math.min(ticks.advance(), endNanos);
            long remaining = deadline - System.nanoTime();
            if (remaining > 0) {
                Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
            }
            for (ChildProcess child : children) {
                if (!child.isAlive()) {
                    problems.add(child.role().label() + ": exited early (exitCode=" + child.exitCode() + ")");
                    return;
                }
            }
            if (!arguments.json() && System.nanoTime() - endNanos < 0) {
                printLive(startNanos);
            }
        }
    }

    private void printLive(long startNanos) {
        Map<String, Object> live = DemoResult.live(children);
        String title = String.format("sluice demo: %.1f s of %.1f s, domain %d (figures of the last second)",
            (System.nanoTime() - startNanos) / 1e9, arguments.durationSeconds(), domain);
        if (terminal) {
            out.print(ANSI_HOME_AND_CLEAR);
        } else {
            out.println();
        }
        out.print(DemoTable.render(title, ChildReport.object(live, "camera"), ChildReport.object(live, "subscribers")));
        out.flush();
    }

    private void printSummary(DemoResult result, double durationSeconds) {
        String title = String.format("sluice demo summary: camera ran %.1f s, domain %d", durationSeconds, domain);
        out.println();
        out.print(DemoTable.render(title, result.camera(), result.subscribers()));
        if (result.ok()) {
            out.println("ok: no frame torn or out of order, no loss uncounted");
        } else {
            out.println("FAILED:");
            result.problems().forEach(problem -> out.println("  " + problem));
        }
    }

    /** Stops every process still running: asks first, then terminates, then kills. */
    private void destroyAll(List<String> problems) {
        for (ChildProcess child : children) {
            child.requestStop();
        }
        for (ChildProcess child : children) {
            try {
                if (!child.awaitExit(STOP_TIMEOUT)) {
                    problems.add(child.role().label() + ": did not stop within " + STOP_TIMEOUT.toSeconds() + " s");
                    child.destroy();
                }
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Shutdown hook: the parent is going away before the end (Ctrl-C): terminate the processes, clean up. */
    private void abandon() {
        if (finished.get()) {
            return;
        }
        for (ChildProcess child : children) {
            try {
                child.destroy();
            } catch (InterruptedException interrupted) {
                return;
            }
        }
        DemoDomain.removeIfEmpty(domain);
    }
}

package io.sluice.cli.demo;

import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import io.sluice.cli.json.Json;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one process of the demo ({@code sluice demo-<role> --domain N}, started by {@link DemoCommand}): joins the
 * domain, starts its {@link DemoNode}, and prints one JSON line per event to standard output:
 * <pre>
 *   {"event":"ready","role":"recorder","pid":4242}                       publishers/subscribers exist
 *   {"event":"report","role":..,"elapsed_s":..,"cpu_percent":..,"figures":{..}}   every second, figures since the last
 *   {"event":"summary","role":..,"elapsed_s":..,"cpu_percent":..,"figures":{..},"error":null}   at the end, whole run
 * </pre>
 * It stops when its standard input closes. CPU is measured from the moment the node is ready, so JVM start-up does
 * not count.
 */
public final class DemoNodeMain {
    private static final long REPORT_PERIOD_NANOS = 1_000_000_000L;

    private final DemoRole role;
    private final PrintStream out;
    private final AtomicBoolean finished = new AtomicBoolean();

    private DemoNodeMain(DemoRole role, PrintStream out) {
        this.role = role;
        this.out = out;
    }

    /**
     * Runs {@code role} with {@code arguments} ({@code --domain N}) until standard input closes.
     *
     * @return the exit code: 0 when the node ran without error, 1 when it failed, 2 for bad arguments
     */
    public static int run(DemoRole role, String[] arguments, PrintStream out, PrintStream err) {
        Integer domain = domainArgument(arguments, err);
        if (domain == null) {
            return 2;
        }
        return new DemoNodeMain(role, out).run(domain, err);
    }

    private static Integer domainArgument(String[] arguments, PrintStream err) {
        if (arguments.length == 2 && arguments[0].equals("--domain")) {
            try {
                return Integer.parseInt(arguments[1]);
            } catch (NumberFormatException notNumber) {
                err.println("sluice: --domain is not a number: domain=" + arguments[1]);
                return null;
            }
        }
        err.println("sluice: usage: sluice demo-<role> --domain N (started by 'sluice demo')");
        return null;
    }

    private int run(int domain, PrintStream err) {
        DemoNode node = role.newNode();
        Sluice sluice = Sluice.open("demo-" + role.label(), SluiceOptions.defaults().withDomain(domain));
        Thread cleanup = new Thread(() -> finish(node, sluice), "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Throwable failure;
        try {
            node.start(sluice);
            CpuMeter cpu = new CpuMeter();
            long startNanos = System.nanoTime();
            emit(line("ready", startNanos, Double.NaN, null));
            StopSignal stop = StopSignal.onEndOf(System.in);
            Schedule reports = new Schedule(REPORT_PERIOD_NANOS);
            long windowStart = startNanos;
            boolean stopped = false;
            while (!stopped && node.failure() == null) {
                stopped = stop.awaitUntil(reports.advance());
                if (!stopped) {
                    long now = System.nanoTime();
                    emit(line("report", startNanos, cpu.windowPercent(), node.windowFigures(now - windowStart)));
                    windowStart = now;
                }
            }
            node.stop();
            failure = node.failure();
            Map<String, Object> summary = line("summary", startNanos, cpu.totalPercent(), node.totalFigures());
            summary.put("error", failure == null ? null : describe(failure));
            emit(summary);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            failure = interrupted;
        } catch (RuntimeException error) {
            failure = error;
        } finally {
            finish(node, sluice);
            removeHook(cleanup);
        }
        if (failure != null) {
            err.println("sluice: " + role.label() + " failed: " + describe(failure));
            failure.printStackTrace(err);
        }
        return failure == null ? 0 : 1;
    }

    /** Stops the node, then closes its publishers and subscribers (removing their files). Once. */
    private void finish(DemoNode node, Sluice sluice) {
        if (finished.compareAndSet(false, true)) {
            try {
                node.stop();
            } finally {
                sluice.close();
            }
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it finds the work done
        }
    }

    private Map<String, Object> line(String event, long startNanos, double cpuPercent, Map<String, Object> figures) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", event);
        line.put("role", role.label());
        if (figures == null) {
            line.put("pid", ProcessHandle.current().pid());
            return line;
        }
        line.put("elapsed_s", TopicStats.round((System.nanoTime() - startNanos) / 1e9, 2));
        line.put("cpu_percent", cpuPercent);
        line.put("figures", figures);
        return line;
    }

    private void emit(Map<String, Object> line) {
        out.println(Json.compact(line));
        out.flush();
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
}

package io.sluice.bench.peers;

import io.sluice.bench.cli.BenchRun;
import io.sluice.cli.Progress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The coordinator of {@code ./sluice bench peers}: runs every available peer on every workload point, peer after
 * peer within a point (so a slow minute of the machine falls on all of them), and turns the harnesses' result
 * lines into {@link Measurement}s.
 *
 * <p>Per measurement: a directory {@code /dev/shm/sluice-peers-<pid>-run/<name>} for sockets and files (in
 * memory, as a user would put them), the receivers started first and
 * awaited ({@code READY}), then the sender; results awaited with a deadline of warm-up + duration + 90 s; every
 * process killed afterwards whatever happened; the directory removed. What a process wrote on stderr stays in
 * {@code <work>/logs/<name>-<role>.log} until the next run.
 */
final class PeersRun implements AutoCloseable {
    /** Time a receiver gets to start (a JVM, a Python with numpy, a RouDi client). */
    private static final long READY_NANOS = 60_000_000_000L;
    /** Time on top of warm-up and duration for results. */
    private static final long RESULT_SLACK_NANOS = 90_000_000_000L;

    private final PeerSetup setup;
    private final PrintStream progress;
    private final Path runs;
    private final Path logs;
    private int counter;

    PeersRun(PeerSetup setup, PrintStream progress) {
        this.setup = setup;
        this.progress = progress;
        this.runs = setup.runDirectory();
        this.logs = setup.work().resolve("logs");
        try {
            deleteTree(logs);
            Files.createDirectories(runs);
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the bench directories under " + setup.work() + ": "
                + e.getMessage(), e);
        }
    }

    /** Runs every point on every launcher; rows for peers that cannot run are added by the caller. */
    List<Measurement> runAll(List<Point> points, List<PeerLauncher> launchers) {
        List<Measurement> rows = new ArrayList<>();
        long total = points.stream().mapToLong(point -> launchers.stream()
            .filter(launcher -> PeerSetup.runs(launcher.peer(), point)).count()).sum();
        try (Progress bar = Progress.start(System.err, "sluice bench peers", total, Progress.Unit.ITEMS)) {
            for (Point point : points) {
                for (PeerLauncher launcher : launchers) {
                    if (!PeerSetup.runs(launcher.peer(), point)) {
                        continue;
                    }
                    bar.update(rows.size(), point.workload() + " " + human(point.size()) + " "
                        + launcher.peer().key());
                    long started = System.nanoTime();
                    Measurement row = measure(launcher, point);
                    rows.add(row);
                    bar.println(progress, String.format(Locale.ROOT, "  %-10s %-9s %-5s %-2s %-20s %-11s %5.1f s  %s",
                        point.workload(), human(point.size()), point.touch() ? "touch" : "", point.subs(),
                        launcher.peer().key(), row.status(), (System.nanoTime() - started) / 1e9, brief(row)));
                    bar.update(rows.size());
                }
            }
        }
        return rows;
    }

    private static String brief(Measurement row) {
        if (!row.ok()) {
            return row.reason();
        }
        return switch (row.workload()) {
            case Measurement.LATENCY -> String.format(Locale.ROOT, "p50 %.1f us, p99 %.1f us",
                row.figure("p50_ns") / 1e3, row.figure("p99_ns") / 1e3);
            case Measurement.THROUGHPUT -> String.format(Locale.ROOT, "%.0f msg/s, %.2f GB/s, lost %.0f",
                row.figure("msgs_per_s"), row.figure("gb_per_s"), row.figure("lost"));
            default -> String.format(Locale.ROOT, "%.1f fps, delivered %.1f%%, p99 %.2f ms, cpu/sub %.1f%%",
                row.figure("fps"), row.figure("delivered_pct"), row.figure("p99_ns") / 1e6,
                row.figure("cpu_pct_per_sub"));
        };
    }

    static String human(long size) {
        if (size >= Point.MIB && size % Point.MIB == 0) {
            return size / Point.MIB + "MiB";
        }
        if (size >= Point.MIB) {
            return String.format(Locale.ROOT, "%.1fMB", size / 1e6);
        }
        if (size >= Point.KIB && size % Point.KIB == 0) {
            return size / Point.KIB + "KiB";
        }
        return size + "B";
    }

    Measurement measure(PeerLauncher launcher, Point point) {
        String name = "m" + (++counter) + "-" + ProcessHandle.current().pid();
        Path dir = runs.resolve(name);
        List<HarnessProcess> processes = new ArrayList<>();
        Measurement result = null;
        try {
            Files.createDirectories(dir);
            List<String> keys = keys(point, name, dir, launcher.peer().spin());
            if (launcher.whole()) {
                return result = whole(launcher, point, name, processes);
            }
            List<String> receiverRoles = new ArrayList<>();
            boolean latency = point.workload().equals(Measurement.LATENCY);
            if (latency) {
                receiverRoles.add(HarnessArgs.PONG);
            } else {
                for (int i = 0; i < point.subs(); i++) {
                    receiverRoles.add(HarnessArgs.SINK);
                }
            }
            long readyDeadline = System.nanoTime() + READY_NANOS;
            for (int i = 0; i < receiverRoles.size(); i++) {
                processes.add(start(launcher, name, receiverRoles.get(i), i, keys));
            }
            for (HarnessProcess receiver : processes) {
                HarnessProcess.Outcome stopped = receiver.awaitReady(readyDeadline);
                if (stopped != null) {
                    return result = row(launcher, point, stopped.status(), stopped.reason(), Map.of());
                }
            }
            HarnessProcess sender = start(launcher, name, latency ? HarnessArgs.PING : HarnessArgs.SOURCE, 0, keys);
            processes.add(sender);
            long resultDeadline = System.nanoTime() + (long) ((point.warmup() + point.duration()) * 1e9)
                + RESULT_SLACK_NANOS;
            HarnessProcess.Outcome sent = sender.awaitResult(resultDeadline);
            if (!sent.status().equals(Measurement.OK)) {
                return result = row(launcher, point, sent.status(), sent.reason(), Map.of());
            }
            List<HarnessProcess.Outcome> received = new ArrayList<>();
            for (HarnessProcess receiver : processes.subList(0, receiverRoles.size())) {
                HarnessProcess.Outcome outcome = receiver.awaitResult(resultDeadline);
                if (!outcome.status().equals(Measurement.OK)) {
                    return result = row(launcher, point, outcome.status(), outcome.reason(), Map.of());
                }
                received.add(outcome);
            }
            return result = row(launcher, point, Measurement.OK, "", figures(point, sent.values(), received));
        } catch (IOException | RuntimeException e) {
            return row(launcher, point, Measurement.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(),
                Map.of());
        } finally {
            // after a result every process is about to exit by itself; otherwise the ones left wait for nothing
            boolean ok = result != null && result.ok();
            for (HarnessProcess process : processes.reversed()) {
                if (ok) {
                    process.waitForExit(5_000);
                }
                process.close();
            }
            deleteTree(dir);
        }
    }

    /**
     * A peer whose program runs the whole measurement and prints one result line: the ddsperf wrapper,
     * {@code ddsperf-run.sh <workload> <mode> <size> <warmup> <duration> [<rate> <subs>]}.
     */
    private Measurement whole(PeerLauncher launcher, Point point, String name, List<HarnessProcess> processes) {
        if (point.touch()) {
            return row(launcher, point, Measurement.UNSUPPORTED, "ddsperf neither writes nor reads the payload of its"
                + " samples: no touched run", Map.of());
        }
        List<String> command = new ArrayList<>(launcher.program());
        command.addAll(List.of(point.harnessWorkload(), launcher.transport(), Long.toString(point.size()),
            Double.toString(point.warmup()), Double.toString(point.duration())));
        boolean fanout = point.harnessWorkload().equals(Measurement.FANOUT);
        if (fanout) {
            command.addAll(List.of(Double.toString(point.rate()), Integer.toString(point.subs())));
        }
        String processName = name + "-" + launcher.peer().key();
        HarnessProcess process = HarnessProcess.start(processName, command, logs.resolve(processName + ".log"),
            setup.environment());
        processes.add(process);
        HarnessProcess.Outcome outcome = process.awaitResult(System.nanoTime()
            + (long) ((point.warmup() + point.duration()) * 1e9) + RESULT_SLACK_NANOS);
        if (!outcome.status().equals(Measurement.OK)) {
            return row(launcher, point, outcome.status(), outcome.reason(), Map.of());
        }
        if (fanout) {
            // the wrapper merges its subscribers itself, into the figures of a fan-out row; it counts sent and
            // received over one wall-clock window, so a message in flight at either end can tip delivered past 100%
            Map<String, Double> figures = new LinkedHashMap<>(outcome.values());
            figures.computeIfPresent("delivered_pct", (key, value) -> Math.min(100.0, value));
            return row(launcher, point, Measurement.OK, "", figures);
        }
        boolean latency = point.workload().equals(Measurement.LATENCY);
        return row(launcher, point, Measurement.OK, "", figures(point, latency ? outcome.values() : Map.of(),
            latency ? List.of() : List.of(outcome)));
    }

    private HarnessProcess start(PeerLauncher launcher, String name, String role, int index, List<String> keys) {
        List<String> all = new ArrayList<>(keys);
        all.add("index=" + index);
        String processName = name + "-" + launcher.peer().key() + "-" + role + (index > 0 ? "-" + index : "");
        return HarnessProcess.start(processName, launcher.command(role, all), logs.resolve(processName + ".log"),
            setup.environment());
    }

    private List<String> keys(Point point, String name, Path dir, boolean spin) {
        return List.of("wait=" + (spin ? "spin" : "block"), "workload=" + point.harnessWorkload(), "name=" + name, "dir=" + dir, "size=" + point.size(),
            "touch=" + (point.touch() ? 1 : 0), "warmup=" + point.warmup(), "duration=" + point.duration(),
            "rate=" + point.rate(), "subs=" + point.subs(), "domain=" + setup.domain(),
            "aeron_dir=" + setup.aeronDir());
    }

    private static Measurement row(PeerLauncher launcher, Point point, String status, String reason,
                                   Map<String, Double> figures) {
        return new Measurement(point.workload(), launcher.peer().key(), point.size(), point.touch(), point.subs(),
            point.rate(), status, reason, figures);
    }

    /**
     * The figures of a point from the sender's result and the receivers': latency from the ping; throughput from
     * the sink; fan-out: delivered % over all sinks, p50 the median of the sinks' p50, p99 and max the worst sink's,
     * CPU per subscriber the mean of the sinks' CPU over their measured windows, fps the mean received per second
     * of the measured duration.
     */
    static Map<String, Double> figures(Point point, Map<String, Double> sender,
                                       List<HarnessProcess.Outcome> receivers) {
        Map<String, Double> figures = new LinkedHashMap<>();
        switch (point.workload()) {
            case Measurement.LATENCY -> {
                for (String key : List.of("p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns",
                    "roundtrips_per_s", "count")) {
                    if (sender.containsKey(key)) {
                        figures.put(key, sender.get(key));
                    }
                }
            }
            case Measurement.THROUGHPUT -> {
                Map<String, Double> sink = receivers.getFirst().values();
                double seconds = sink.getOrDefault("seconds", 0.0);
                double received = sink.getOrDefault("received", 0.0);
                figures.put("received", received);
                // first to last arrival spans received - 1 intervals
                double intervals = Math.max(0, received - 1);
                double perMessage = received > 0 ? sink.getOrDefault("bytes", 0.0) / received : 0;
                figures.put("msgs_per_s", seconds > 0 ? intervals / seconds : 0);
                figures.put("gb_per_s", seconds > 0 ? intervals * perMessage / seconds / 1e9 : 0);
                figures.put("lost", sink.getOrDefault("lost", 0.0));
                if (sink.containsKey("torn")) {
                    figures.put("torn", sink.get("torn"));
                }
            }
            default -> fanoutFigures(point, sender, receivers, figures);
        }
        return figures;
    }

    private static void fanoutFigures(Point point, Map<String, Double> sender, List<HarnessProcess.Outcome> receivers,
                                      Map<String, Double> figures) {
        double sent = sender.getOrDefault("sent", 0.0);
        double received = 0;
        double cpu = 0;
        double worstP99 = 0;
        double worstMax = 0;
        double torn = 0;
        List<Double> p50s = new ArrayList<>();
        for (HarnessProcess.Outcome receiver : receivers) {
            Map<String, Double> sink = receiver.values();
            received += sink.getOrDefault("received", 0.0);
            double seconds = sink.getOrDefault("seconds", 0.0);
            cpu += seconds > 0 ? sink.getOrDefault("cpu_s", 0.0) / seconds : 0;
            worstP99 = Math.max(worstP99, sink.getOrDefault("p99_ns", 0.0));
            worstMax = Math.max(worstMax, sink.getOrDefault("max_ns", 0.0));
            torn += sink.getOrDefault("torn", 0.0);
            p50s.add(sink.getOrDefault("p50_ns", 0.0));
        }
        p50s.sort(Comparator.naturalOrder());
        int subs = receivers.size();
        figures.put("sent", sent);
        figures.put("delivered_pct", sent > 0 ? 100 * received / (sent * subs) : 0);
        figures.put("p50_ns", p50s.isEmpty() ? 0 : p50s.get(p50s.size() / 2));
        figures.put("p99_ns", worstP99);
        figures.put("max_ns", worstMax);
        figures.put("cpu_pct_per_sub", subs > 0 ? 100 * cpu / subs : 0);
        // per sink, over the measured window: the duration, or as long as the source took to send what it sent
        double window = Math.max(point.duration(), point.rate() > 0 ? sent / point.rate() : 0);
        figures.put("fps", subs > 0 && window > 0 ? received / subs / window : 0);
        figures.put("late", sender.getOrDefault("late", 0.0));
        if (sender.containsKey("max_lag_ns")) { // the Java harness: the worst time from a slot to its hand-over
            figures.put("max_lag_ns", sender.get("max_lag_ns"));
        }
        if (torn > 0) {
            figures.put("torn", torn);
        }
    }

    @Override
    public void close() {
        deleteTree(runs);
    }

    /** Deletes {@code root} and everything below it, as far as possible. */
    static void deleteTree(Path root) {
        BenchRun.deleteTree(root);
    }

    /** New entries of {@code /dev/shm} since {@code before}, by name. */
    static Set<String> newShmEntries(Set<String> before) {
        Set<String> now = new TreeSet<>(shmEntries());
        now.removeAll(before);
        return now;
    }

    static Set<String> shmEntries() {
        try (Stream<Path> entries = Files.list(Path.of("/dev/shm"))) {
            return new TreeSet<>(entries.map(path -> path.getFileName().toString()).toList());
        } catch (IOException e) {
            return Set.of();
        }
    }
}

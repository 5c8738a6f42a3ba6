package io.sluice.bench.peers;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The machine's physical limits, from {@code sluice-bench/peers/c/probe.c}: memcpy bandwidth at every message size
 * (what one copy of a message costs at best) and the cross-core cache-line hand-off (the floor of any one-way latency
 * between two cores).
 */
final class Limits {
    private Limits() {
    }

    static List<Measurement> measure(Path probe, boolean quick, PrintStream progress) {
        List<Measurement> rows = new ArrayList<>();
        double duration = quick ? 0.2 : 1;
        List<Long> sizes = new ArrayList<>(Point.SIZES);
        sizes.add(Point.CAMERA_SIZE);
        Path logs;
        try {
            logs = Files.createTempDirectory("sluice-peers-probe");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary directory: " + e.getMessage(), e);
        }
        try {
            for (long size : sizes) {
                rows.add(run(probe, logs, Measurement.MEMCPY, size, List.of("memcpy", "size=" + size,
                    "duration=" + duration), progress));
            }
            rows.add(run(probe, logs, Measurement.HANDOFF, 0, List.of("handoff", "duration=" + duration), progress));
        } finally {
            PeersRun.deleteTree(logs);
        }
        return rows;
    }

    private static Measurement run(Path probe, Path logs, String workload, long size, List<String> args,
                                   PrintStream progress) {
        List<String> command = new ArrayList<>();
        command.add(probe.toString());
        command.addAll(args);
        try (HarnessProcess process = HarnessProcess.start("probe-" + workload, command,
            logs.resolve(workload + "-" + size + ".log"), Map.of())) {
            HarnessProcess.Outcome outcome = process.awaitResult(System.nanoTime() + 60_000_000_000L);
            Measurement row = new Measurement(workload, "limits", size, false, 1, 0, outcome.status(),
                outcome.reason(), outcome.values());
            progress.printf(Locale.ROOT, "  %-10s %-9s %-28s %s%n", workload, size == 0 ? "" : PeersRun.human(size),
                "limits", row.ok() ? outcome.values() : row.reason());
            return row;
        }
    }
}

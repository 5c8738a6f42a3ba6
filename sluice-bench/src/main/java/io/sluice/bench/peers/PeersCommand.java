package io.sluice.bench.peers;

import io.sluice.JvmOptions;
import io.sluice.cli.ProcessCpuClock;
import io.sluice.cli.UsageErrors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./sluice bench peers [--quick] [--json] [--out DIR] [--only PEERS] [--no-install] [--strict] [--update-docs]}
 * (options: {@link Cli}): Sluice and the
 * transports users would pick instead, on the same workloads, in one run (see {@link Point#plan} and
 * {@code sluice-bench/peers/PROTOCOL.md}).
 *
 * <p>A run writes its own results, {@code peers.md}, {@code peers.json} and {@code img/}, into a directory:
 * {@code target/bench-peers} ({@code target/bench-peers/quick} for {@code --quick}, a smoke test of under two
 * minutes) or {@code --out DIR}. Only {@code --update-docs} also writes the published figures: the generated section
 * of {@code docs/PERFORMANCE.md}, the plots in {@code docs/img/} and the summary in {@code README.md}, from a full
 * run or from a full run's {@code peers.json} ({@code --from-json FILE --update-docs}, nothing measured).
 */
public final class PeersCommand {
    private PeersCommand() {
    }

    /** The options of a peers run. */
    record Options(boolean quick, boolean json, Path out, Set<String> only, boolean install, boolean strict,
                   Path fromJson, boolean updateDocs) {
        /** @throws IllegalArgumentException naming what is wrong */
        Options {
            if (updateDocs && quick) {
                throw new IllegalArgumentException("--update-docs takes a full run, not --quick");
            }
            only = Set.copyOf(only);
        }
    }

    /** {@code sluice bench peers}: its options (picocli); {@link #call} runs it. */
    @Command(name = "peers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sluice next to iceoryx, Cyclone DDS (ddsperf), pyzmq, JeroMQ, Python shared memory and Aeron"
            + " IPC on the same workloads, peer after peer; writes the tables and plots.",
            "A run writes peers.md, peers.json and img/ into target/bench-peers (target/bench-peers/quick for"
                + " --quick) or --out DIR; only --update-docs also writes docs/PERFORMANCE.md (section Peers),"
                + " docs/img/ and the summary in README.md."})
    public static final class Cli implements Callable<Integer> {
        @Option(names = "--quick",
            description = "one short point of latency, throughput and the camera (a smoke test, < 2 min)")
        boolean quick;

        @Option(names = "--json", description = "print every row as one JSON object instead of the progress lines")
        boolean json;

        @Option(names = "--out", paramLabel = "DIR",
            description = "write peers.md, peers.json and img/ into DIR (default target/bench-peers,"
                + " target/bench-peers/quick for a quick run)")
        Path out;

        @Option(names = "--only", paramLabel = "PEERS", split = ",",
            description = "peer keys or families, comma-separated, e.g. sluice,iceoryx,aeron-offer")
        List<String> only = List.of();

        @Option(names = "--no-install",
            description = "do not apt-get install missing peers (they are skipped, with the reason)")
        boolean noInstall;

        @Option(names = "--strict",
            description = "exit 1 when a measurement failed (a skipped or unsupported one is fine): for CI")
        boolean strict;

        @Option(names = "--from-json", paramLabel = "FILE",
            description = "measure nothing: write the tables and plots again from a run's peers.json"
                + " (target/bench-peers/peers.json), e.g. after a change to the report")
        Path fromJson;

        @Option(names = "--update-docs",
            description = "also write the published figures: docs/PERFORMANCE.md (section Peers), docs/img/ and the"
                + " summary in README.md (a full run only)")
        boolean updateDocs;

        @Spec
        CommandSpec spec;

        private final PrintStream stdout;
        private final PrintStream stderr;

        public Cli(PrintStream out, PrintStream err) {
            this.stdout = out;
            this.stderr = err;
        }

        /** The options, checked together. @throws ParameterException naming what is wrong */
        Options options() {
            Set<String> peers = new LinkedHashSet<>();
            for (String peer : only) {
                if (!peer.isBlank()) {
                    peers.add(peer.strip());
                }
            }
            return UsageErrors.check(spec,
                () -> new Options(quick, json, out, peers, !noInstall, strict, fromJson, updateDocs));
        }

        @Override
        public Integer call() {
            return run(options(), stdout, stderr);
        }
    }

    /** Runs the command; returns the exit status (0 ran, 1 failed). */
    static int run(Options options, PrintStream out, PrintStream err) {
        Path root = root();
        if (!Files.isRegularFile(root.resolve("sluice-bench/peers/PROTOCOL.md"))) {
            err.println("sluice bench peers: run it from the Sluice repository (sluice-bench/peers/ not found under "
                + root + ")");
            return 1;
        }
        PrintStream progress = options.json() ? err : out;
        if (options.fromJson() != null) {
            return rewrite(options, root, progress, err);
        }
        long started = System.nanoTime();
        List<Point> points = Point.plan(options.quick());
        List<Measurement> rows = new ArrayList<>();
        PeerSetup setup = new PeerSetup(root, progress);
        Thread hook = Thread.ofPlatform().unstarted(() -> { // Ctrl-C: the harnesses first, then RouDi and the files
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroy);
            setup.close();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            setup.prepare(options.install(), options.only());
            progress.printf(Locale.ROOT, "sluice bench peers%s: %d points x %d peers; machine: %s%n",
                options.quick() ? " --quick" : "", points.size(), setup.launchers().size(), MachineInfo.oneLine());
            try (PeersRun run = new PeersRun(setup, progress)) {
                List<PeerLauncher> launchers = AotCaches.train(run, setup.launchers(), setup.work().resolve("aot"),
                    options.quick(), progress, setup.notes());
                rows.addAll(run.runAll(points, launchers));
            }
            if (setup.probes() && (options.only().isEmpty() || options.only().contains("limits"))) {
                rows.addAll(Limits.measure(setup.probe(), options.quick(), progress));
            }
        } catch (RuntimeException e) {
            err.println("sluice bench peers: run failed: " + e.getMessage());
            e.printStackTrace(err);
            return 1;
        } finally {
            setup.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook closes the setup
            }
        }
        List<Peer> peers = new ArrayList<>();
        setup.launchers().forEach(launcher -> peers.add(launcher.peer()));
        for (Map.Entry<String, String> skipped : setup.skipped().entrySet()) {
            rows.add(new Measurement("all", skipped.getKey(), 0, false, 0, 0, Measurement.SKIPPED,
                skipped.getValue(), Map.of()));
        }
        RunInfo info = runInfo(options, setup, (System.nanoTime() - started) / 1e9);
        PeersReport report = new PeersReport(info, peers, rows);
        try {
            write(options, root, report, progress);
        } catch (IOException e) {
            err.println("sluice bench peers: cannot write the report: " + e.getMessage());
            return 1;
        }
        progress.printf(Locale.ROOT, "sluice bench peers: done in %.0f s%n", (System.nanoTime() - started) / 1e9);
        if (options.json()) {
            out.println(report.json());
        }
        out.flush();
        List<Measurement> failed = rows.stream().filter(row -> row.status().equals(Measurement.FAILED)).toList();
        if (!failed.isEmpty()) {
            err.println("sluice bench peers: " + failed.size() + " measurement(s) failed:");
            failed.forEach(row -> err.println("  " + row.peer() + " " + row.workload() + " " + row.size() + " B: "
                + row.reason()));
            return options.strict() ? 1 : 0;
        }
        return 0;
    }

    /** {@code --from-json}: the report of a past run, rendered and written again; nothing is measured. */
    private static int rewrite(Options options, Path root, PrintStream progress, PrintStream err) {
        try {
            PeersJson.Run run = PeersJson.read(Files.readString(options.fromJson(), StandardCharsets.UTF_8));
            RunInfo measured = run.info();
            List<String> notes = new ArrayList<>(measured.notes());
            String note = "Tables and plots rendered again from the run's peers.json (`--from-json`); the figures are "
                + "those measured on commit " + measured.commit() + ".";
            if (!notes.contains(note)) {
                notes.add(note);
            }
            RunInfo info = new RunInfo(measured.command(), measured.quick(), measured.date(), measured.commit(),
                measured.machineLines(), measured.settings(), notes);
            if (options.updateDocs() && info.quick()) {
                err.println("sluice bench peers: --update-docs takes a full run: " + options.fromJson()
                    + " is of a quick run");
                return 1;
            }
            Options as = new Options(info.quick(), options.json(), options.out(), options.only(), false, false,
                options.fromJson(), options.updateDocs());
            write(as, root, new PeersReport(info, run.peers(), run.rows()), progress);
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("sluice bench peers: cannot rewrite from " + options.fromJson() + ": " + e.getMessage());
            return 1;
        }
    }

    /** The repository: {@code -Dsluice.root} (the {@code ./sluice} launcher sets it), else the working directory. */
    static Path root() {
        String root = System.getProperty("sluice.root");
        return Path.of(root == null || root.isBlank() ? "." : root).toAbsolutePath().normalize();
    }

    private static RunInfo runInfo(Options options, PeerSetup setup, double seconds) {
        Map<String, String> settings = new LinkedHashMap<>();
        List<Point> points = Point.plan(options.quick());
        for (Point point : points) {
            settings.putIfAbsent(point.workload(), String.format(Locale.ROOT, "warm-up %.1f s, measured %.1f s per"
                + " peer and point", point.warmup(), point.duration()));
        }
        settings.put("order", "for each point, every peer in turn (one process per role, receivers started first)");
        settings.put("Java harnesses' JVM options", "`" + JvmOptions.commandLine()
            + "`, Sluice's recommended ones (io.sluice.JvmOptions; they touch only io.sluice methods, the harness's"
            + " own loop included); Aeron's also get `" + String.join(" ", PeerSetup.AERON_JVM_OPTIONS) + "`");
        settings.put("Java harnesses' AOT caches", "one per Java transport and side (receiver, sender), trained"
            + " before the run on a fan-out to one sink (8 MiB at 60 Hz; busy-polling peers: throughput at 1 KiB)"
            + " with -XX:AOTMode=record, made with -XX:AOTMode=create, used with -XX:AOTCache by every later Java"
            + " process of that transport, as the README shows users (Java 25, JEP 483/514/515)");
        settings.put("CPU clocks", "each process's own CPU time over its measured window, exact in every harness:"
            + " clock_gettime(CLOCK_PROCESS_CPUTIME_ID) in Java"
            + (ProcessCpuClock.precise() ? "" : " (not available here: 10 ms ticks of getProcessCpuTime)")
            + ", getrusage in C, time.process_time() in Python");
        settings.put("run time", String.format(Locale.ROOT, "%.0f s", seconds));
        List<String> notes = new ArrayList<>(setup.notes());
        notes.add("One run per point on this machine: between runs the same point moves, most at the wake-up-bound"
            + " latencies (tens of µs) and the busy-polling throughputs; read a ratio near 1× as a tie.");
        if (setup.launchers().stream().anyMatch(launcher -> launcher.peer().family().equals("cyclonedds"))) {
            notes.add("Cyclone DDS figures come from ddsperf's once-a-second summaries"
                + " (sluice-bench/peers/dds/NOTES.md): its percentiles are count-weighted means of per-second"
                + " percentiles and its windows whole seconds (1.5 s measures 2 s); ddsperf does not touch its payload, so it has no touched rows.");
        }
        return new RunInfo("./sluice bench peers" + (options.quick() ? " --quick" : ""), options.quick(),
            LocalDate.now(ZoneOffset.UTC).toString(), setup.commit(),
            MachineInfo.lines(), settings, notes);
    }

    /**
     * Writes the run's own results into {@link #resultDirectory}; with {@code --update-docs} also the published
     * figures in {@code docs/} and {@code README.md}.
     */
    private static void write(Options options, Path root, PeersReport report, PrintStream progress)
        throws IOException {
        Path out = resultDirectory(options, root);
        Files.createDirectories(out.resolve("img"));
        Files.writeString(out.resolve("peers.md"), report.markdown(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("peers.json"), report.json(), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> svg : report.svgs().entrySet()) {
            Files.writeString(out.resolve("img").resolve(svg.getKey()), svg.getValue(), StandardCharsets.UTF_8);
        }
        progress.println("wrote " + out.resolve("peers.md") + ", peers.json and " + report.svgs().size()
            + " plots");
        if (options.updateDocs()) {
            updateDocs(root, report, progress);
        }
    }

    /** Where a run writes its results: {@code --out}, else {@code target/bench-peers} ({@code /quick} when quick). */
    static Path resultDirectory(Options options, Path root) {
        return options.out() != null ? options.out()
            : root.resolve(options.quick() ? "target/bench-peers/quick" : "target/bench-peers");
    }

    /** {@code --update-docs}: the section Peers of docs/PERFORMANCE.md, the plots in docs/img/, README's summary. */
    private static void updateDocs(Path root, PeersReport report, PrintStream progress) throws IOException {
        Path docs = root.resolve("docs");
        Files.createDirectories(docs.resolve("img"));
        Path performance = docs.resolve("PERFORMANCE.md");
        String text = Files.readString(performance, StandardCharsets.UTF_8);
        Files.writeString(performance, report.updatePerformance(text), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> svg : report.svgs().entrySet()) {
            Files.writeString(docs.resolve("img").resolve(svg.getKey()), svg.getValue(), StandardCharsets.UTF_8);
        }
        Path readme = root.resolve("README.md");
        Files.writeString(readme, report.updateReadme(Files.readString(readme, StandardCharsets.UTF_8)),
            StandardCharsets.UTF_8);
        progress.println("updated docs/PERFORMANCE.md (section Peers), README.md (summary), " + report.svgs().size()
            + " plots in docs/img/");
    }
}

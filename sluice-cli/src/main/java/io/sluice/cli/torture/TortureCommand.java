package io.sluice.cli.torture;

import io.sluice.cli.Progress;
import io.sluice.cli.UsageErrors;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice torture}: runs every fault point of the transport, in every mode, as many times as asked, and
 * prints a table: per point and mode, the runs, how many reached the point, and per survivor QoS the silent
 * losses (taken + lost below what was published), over-counts, torn or disordered samples, the files left once
 * everybody was gone, and the longest single non-blocking call a survivor made.
 *
 * <pre>
 * sluice torture [--runs N] [--modes halt,stop] [--only LABEL,...] [--seed S] [--ledger FILE [--resume]]
 *                [--soak DURATION]
 * </pre>
 * {@code --soak 1h} repeats random runs until the time is up, and prints this process's memory, open files and
 * {@code /dev/shm} use as it goes. {@code --ledger} appends one line per run (tab-separated) to a file; with
 * {@code --resume} the runs the ledger holds count towards {@code --runs}, only the missing ones run, and the table
 * covers both, so that a long matrix spreads over several invocations. Exit code 0 when every run was clean, 1
 * otherwise, 2 for bad arguments. The options are read by {@link Cli} (picocli).
 */
public final class TortureCommand {
    private TortureCommand() {
    }

    record Options(int runs, List<String> modes, List<String> only, long seed, Path ledger, Duration soak,
                   boolean resume) {
    }

    /**
     * {@code sluice torture}: its options, checked before anything runs (a bad one is a usage error, exit code 2);
     * {@link #call} runs the matrix or the soak.
     */
    @Command(name = "torture", mixinStandardHelpOptions = true,
        description = {"Fault injection: kills and stops a process at every fault point of the transport and checks"
            + " the others.",
            "Per point and mode: the runs, how many reached the point, and per survivor QoS the silent losses,"
                + " over-counts, torn or disordered samples, the files left and the longest call a survivor made."
                + " Exit code 0 when every run was clean, 1 otherwise."})
    public static final class Cli implements Callable<Integer> {
        @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "runs per point and mode (default: ${DEFAULT-VALUE})")
        int runs;

        @Option(names = "--modes", paramLabel = "MODE", split = ",", defaultValue = "halt,stop",
            completionCandidates = Modes.class,
            description = "halt (as by kill -9), stop (SIGSTOP, then SIGCONT), comma-separated"
                + " (default: ${DEFAULT-VALUE})")
        List<String> modes;

        @Option(names = "--only", paramLabel = "LABEL", split = ",", completionCandidates = Labels.class,
            description = "only these fault points, comma-separated (default: every point)")
        List<String> only = List.of();

        @Option(names = "--seed", paramLabel = "S", description = "the seed of the random choices (default: the clock)")
        Long seed;

        @Option(names = "--ledger", paramLabel = "FILE",
            description = "append one line per run (tab-separated) to FILE")
        Path ledger;

        @Option(names = "--resume", description = "with --ledger: the runs FILE holds count towards --runs; only the"
            + " missing ones run, and the table covers both")
        boolean resume;

        @Option(names = "--soak", paramLabel = "DURATION", converter = SoakDuration.class,
            description = "random runs until DURATION (90s, 10m, 1h) is up, with this process's memory, open files"
                + " and /dev/shm use as it goes, and a reliable stream beside them")
        Duration soak;

        @Spec
        CommandSpec spec;

        private final PrintStream out;
        private final PrintStream err;

        public Cli(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        /** The checked options. @throws ParameterException naming what is wrong */
        Options options() {
            return UsageErrors.check(spec, () -> TortureCommand.options(runs, modes, only,
                seed == null ? System.nanoTime() : seed, ledger, soak, resume));
        }

        @Override
        public Integer call() {
            return run(options(), out, err);
        }
    }

    /** {@code --soak}'s value: {@link #duration}. */
    static final class SoakDuration implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return duration(text);
            } catch (RuntimeException wrong) {
                throw new CommandLine.TypeConversionException("duration needs a number and a unit s, m or h, e.g."
                    + " 90s, 10m, 1h: duration=" + text);
            }
        }
    }

    /** The modes, for completion. */
    static final class Modes implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("halt", "stop").iterator();
        }
    }

    /** The fault points' labels, for completion. */
    static final class Labels implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return TorturePoint.all().stream().map(TorturePoint::label).iterator();
        }
    }

    /** The options checked. @throws IllegalArgumentException naming what is wrong */
    static Options options(int runs, List<String> modes, List<String> only, long seed, Path ledger, Duration soak,
                           boolean resume) {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs < 1: runs=" + runs);
        }
        for (String mode : modes) {
            if (!mode.equals("halt") && !mode.equals("stop")) {
                throw new IllegalArgumentException("unknown mode: mode=" + mode + " (halt or stop)");
            }
        }
        for (String label : only) {
            TorturePoint.of(label);
        }
        if (resume && (ledger == null || soak != null)) {
            throw new IllegalArgumentException("--resume needs --ledger FILE and no --soak");
        }
        return new Options(runs, List.copyOf(modes), List.copyOf(only), seed, ledger, soak, resume);
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}. */
    static Duration duration(String text) {
        char unit = text.charAt(text.length() - 1);
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (unit) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("duration needs a unit s, m or h: duration=" + text);
        };
    }

    /** Runs the matrix (or the soak) {@code options} ask for; 0 when every run was clean, 1 otherwise. */
    static int run(Options options, PrintStream out, PrintStream err) {
        List<TorturePoint> points = new ArrayList<>();
        for (TorturePoint point : TorturePoint.all()) {
            if (options.only().isEmpty() || options.only().contains(point.label())) {
                points.add(point);
            }
        }
        out.println("sluice torture: " + points.size() + " points x " + options.modes() + " x "
            + (options.soak() == null ? options.runs() + " run(s)" : "random runs for " + options.soak())
            + ", seed " + options.seed() + "; machine: " + Runtime.getRuntime().availableProcessors() + " cpus, "
            + System.getProperty("os.name") + " " + System.getProperty("os.version") + ", Java " + Runtime.version());
        SplittableRandom random = new SplittableRandom(options.seed());
        List<TortureRun.Result> results = new ArrayList<>();
        Map<String, Integer> earlier = new LinkedHashMap<>();
        if (options.resume()) {
            try {
                for (TortureRun.Result result : readLedger(options.ledger())) {
                    String key = result.point().label() + " " + result.mode();
                    if (points.contains(result.point()) && options.modes().contains(result.mode())
                        && earlier.getOrDefault(key, 0) < options.runs()) {
                        results.add(result);
                        earlier.merge(key, 1, Integer::sum);
                    }
                }
            } catch (IOException | RuntimeException e) {
                err.println("sluice torture: cannot read the ledger: " + e.getMessage());
                return 2;
            }
            out.println("resumed: " + results.size() + " runs from " + options.ledger());
        }
        int planned = points.size() * options.modes().size() * options.runs() - results.size();
        Path scratch = null;
        if (planned >= AOT_WORTH_IT || options.soak() != null) {
            try {
                scratch = Files.createTempDirectory("sluice-torture-");
                out.println(TortureRun.trainAotCache(scratch));
            } catch (IOException e) {
                out.println("children start without an AOT cache (" + e + ")");
            }
        }
        long started = System.nanoTime();
        try (Progress progress = Progress.start(err, "torture", options.soak() == null ? planned : -1,
            Progress.Unit.ITEMS)) {
            return runAll(points, options, random, results, earlier, new RunCount(progress, options.soak()),
                started, out, err);
        } finally {
            if (scratch != null) {
                TortureRun.forgetAotCache();
                TortureRun.deleteTree(scratch);
            }
        }
    }

    /** Below this many runs, training an AOT cache (~3 s) costs more than it saves (~0.1 s a run). */
    private static final int AOT_WORTH_IT = 100;

    private static int runAll(List<TorturePoint> points, Options options, SplittableRandom random,
                              List<TortureRun.Result> results, Map<String, Integer> earlier, RunCount progress,
                              long started, PrintStream out, PrintStream err) {
        if (options.soak() == null) {
            // round by round over every point and mode: an interrupted matrix has as many runs in every cell (give or
            // take one), and whatever the machine went through meanwhile spreads over all of them
            for (int run = 0; run < options.runs(); run++) {
                for (TorturePoint point : points) {
                    for (String mode : options.modes()) {
                        if (run >= earlier.getOrDefault(point.label() + " " + mode, 0)) {
                            results.add(runOne(point, mode, run, random, options, progress));
                        }
                    }
                }
            }
        }
        boolean streamClean = true;
        if (options.soak() != null) {
            long end = started + options.soak().toNanos();
            long nextSample = started;
            try (SoakStream stream = new SoakStream()) {
                Soak soak = new Soak(out, stream, progress);
                for (int run = 0; System.nanoTime() - end < 0; run++) {
                    if (System.nanoTime() - nextSample >= 0) {
                        soak.sample(results.size());
                        nextSample = System.nanoTime() + Math.max(options.soak().toNanos() / 12, 10_000_000_000L);
                    }
                    TorturePoint point = points.get(random.nextInt(points.size()));
                    String mode = options.modes().get(random.nextInt(options.modes().size()));
                    results.add(runOne(point, mode, run, random, options, progress));
                }
                soak.sample(results.size());
                soak.summary();
                streamClean = stream.finish(out, (System.nanoTime() - started) / 1e9);
            } catch (IOException e) {
                err.println("sluice torture: cannot start the soak stream: " + e);
                return 1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
        }
        progress.finish();
        int failed = report(results, out) + (streamClean ? 0 : 1);
        int resumed = earlier.values().stream().mapToInt(Integer::intValue).sum();
        out.printf("%d runs in %.0f s%s%n", results.size() - resumed, (System.nanoTime() - started) / 1e9,
            resumed == 0 ? "" : " (and " + resumed + " from the ledger)");
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    private static TortureRun.Result runOne(TorturePoint point, String mode, int run, SplittableRandom random,
                                            Options options, RunCount progress) {
        String victimQos = TortureRun.VICTIM_QOS.get(run % TortureRun.VICTIM_QOS.size());
        int nth = 1 + random.nextInt(point.hits());
        TortureRun.Result result = new TortureRun(point, mode, victimQos, nth).run();
        progress.ran(point.label() + " " + mode, result.clean());
        if (options.ledger() != null) {
            appendLedger(options.ledger(), result, nth);
        }
        return result;
    }

    /** Prints the table; returns how many runs were not clean. */
    static int report(List<TortureRun.Result> results, PrintStream out) {
        Map<String, List<TortureRun.Result>> rows = new LinkedHashMap<>();
        for (TortureRun.Result result : results) {
            rows.computeIfAbsent(result.point().label() + " " + result.mode(), key -> new ArrayList<>()).add(result);
        }
        out.printf("%-34s %5s %7s | %-26s | %-26s | %-26s | %-26s | %5s %9s%n", "point mode", "runs", "reached",
            "latest: silent/over/torn", "queue: silent/over/torn", "reliable: silent/over/torn",
            "late: silent/over/torn", "files", "block ms");
        int failed = 0;
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<TortureRun.Result>> row : rows.entrySet()) {
            List<TortureRun.Result> runs = row.getValue();
            long reached = runs.stream().filter(TortureRun.Result::reached).count();
            StringBuilder cells = new StringBuilder();
            long worst = 0;
            for (String qos : TortureRun.SURVIVOR_QOS) {
                long silent = 0;
                long over = 0;
                long torn = 0;
                for (TortureRun.Result result : runs) {
                    TortureRun.Outcome outcome = TortureRun.byQos(result).get(qos);
                    if (outcome != null) {
                        silent += outcome.silentLoss();
                        over += outcome.overCount();
                        torn += outcome.torn() + outcome.disorder();
                        worst = Math.max(worst, outcome.worstBlockNanos());
                    }
                }
                cells.append(String.format("| %-26s ", silent + "/" + over + "/" + torn));
            }
            long leftovers = 0;
            for (TortureRun.Result result : runs) {
                worst = Math.max(worst, result.publisherWorstBlockNanos());
                leftovers += result.leftovers().size();
                if (!result.clean()) {
                    failed++;
                    problems.add(row.getKey() + " (victim " + result.victimQos() + "): "
                        + (result.error() != null ? result.error() : "")
                        + (result.leftovers().isEmpty() ? "" : " leftovers=" + result.leftovers())
                        + " outcomes=" + result.outcomes());
                }
            }
            out.printf("%-34s %5d %7d %s| %5d %9.1f%n", row.getKey(), runs.size(), reached, cells, leftovers,
                worst / 1e6);
        }
        for (String problem : problems) {
            out.println("FAILED " + problem);
        }
        return failed;
    }

    /**
     * The runs a ledger holds, as far as the report needs them: per survivor the silent losses, over-counts, torn
     * plus disordered samples and the worst block; the number of files left; an unclean run without those shows as
     * failed in an earlier invocation (its output said why).
     */
    static List<TortureRun.Result> readLedger(Path ledger) throws IOException {
        List<TortureRun.Result> results = new ArrayList<>();
        if (!Files.exists(ledger)) {
            return results;
        }
        int number = 0;
        for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length < 8) {
                throw new IllegalArgumentException("ledger line " + number + " has " + fields.length
                    + " fields, not 8 or more: " + line);
            }
            List<TortureRun.Outcome> outcomes = new ArrayList<>();
            for (int i = 6; i < fields.length - 2; i++) {
                String[] cell = fields[i].split("[:/]");
                if (cell.length != 5) {
                    throw new IllegalArgumentException("ledger line " + number + ": bad survivor cell " + fields[i]);
                }
                outcomes.add(new TortureRun.Outcome(cell[0], Long.parseLong(cell[1]), Long.parseLong(cell[2]),
                    Long.parseLong(cell[3]), 0, Long.parseLong(cell[4]) * 1000, -1, -1, -1, -1));
            }
            int leftovers = Integer.parseInt(fields[fields.length - 2]);
            boolean clean = Boolean.parseBoolean(fields[5]);
            TortureRun.Result result = new TortureRun.Result(TorturePoint.of(fields[0]), fields[1], fields[3],
                Boolean.parseBoolean(fields[4]), outcomes, Long.parseLong(fields[fields.length - 1]) * 1000,
                java.util.Collections.nCopies(leftovers, "(a file, named in that run's output)"), null);
            if (!clean && result.clean()) {
                result = new TortureRun.Result(result.point(), result.mode(), result.victimQos(), result.reached(),
                    outcomes, result.publisherWorstBlockNanos(), result.leftovers(),
                    "failed in an earlier invocation (ledger line " + number + "; its output said why)");
            }
            results.add(result);
        }
        return results;
    }

    private static void appendLedger(Path ledger, TortureRun.Result result, int nth) {
        StringBuilder line = new StringBuilder();
        line.append(result.point().label()).append('\t').append(result.mode()).append('\t').append(nth).append('\t')
            .append(result.victimQos()).append('\t').append(result.reached()).append('\t').append(result.clean());
        for (TortureRun.Outcome outcome : result.outcomes()) {
            line.append('\t').append(outcome.qos()).append(':').append(outcome.silentLoss()).append('/')
                .append(outcome.overCount()).append('/').append(outcome.torn() + outcome.disorder()).append('/')
                .append(outcome.worstBlockNanos() / 1000);
        }
        line.append('\t').append(result.leftovers().size()).append('\t')
            .append(result.publisherWorstBlockNanos() / 1000).append('\n');
        try {
            Files.writeString(ledger, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * The runs done so far, shown by a {@link Progress} on standard error (a bar on a terminal, a line every 5 s
     * otherwise): per run its point and mode, the failures so far, and for a soak the time against its length.
     */
    private static final class RunCount {
        private final Progress progress;
        private final Duration soak;
        private final long started = System.nanoTime();
        private int done;
        private int failed;

        RunCount(Progress progress, Duration soak) {
            this.progress = progress;
            this.soak = soak;
        }

        void ran(String what, boolean clean) {
            done++;
            failed += clean ? 0 : 1;
            String time = soak == null ? ""
                : ", " + clock(System.nanoTime() - started) + " of " + clock(soak.toNanos());
            progress.update(done, what + (failed == 0 ? "" : ", " + failed + " failed") + time);
        }

        void finish() {
            progress.finish();
        }

        /** {@link Progress#println}: a line of its own on {@code stream}, never mixed with the bar. */
        void println(PrintStream stream, String line) {
            progress.println(stream, line);
        }

        private static String clock(long nanos) {
            long seconds = nanos / 1_000_000_000L;
            return String.format("%d:%02d", seconds / 60, seconds % 60);
        }
    }

    /** What a long run does to this process and to /dev/shm: sampled as it goes. */
    private static final class Soak {
        private final PrintStream out;
        private final SoakStream stream;
        private final List<long[]> samples = new ArrayList<>();
        private final RunCount progress;

        Soak(PrintStream out, SoakStream stream, RunCount progress) {
            this.out = out;
            this.progress = progress;
            this.stream = stream;
        }

        void sample(int runs) {
            long rss = status(Path.of("/proc/self/status"), "VmRSS:");
            long fds = count(Path.of("/proc/self/fd"));
            long shm = shmUsedBytes();
            long sinkRss = status(Path.of("/proc/" + stream.sinkPid() + "/status"), "VmRSS:");
            samples.add(new long[] {runs, rss, fds, shm, sinkRss});
            progress.println(out, String.format("soak: %d runs, %d frames streamed, RSS %d kB (sink %d kB), %d open"
                + " files, /dev/shm used %.1f MB", runs, stream.published(), rss, sinkRss, fds, shm / 1e6));
        }

        void summary() {
            if (samples.size() < 2) {
                return;
            }
            long[] first = samples.get(1 < samples.size() ? 1 : 0);
            long[] last = samples.get(samples.size() - 1);
            out.printf("soak: from the second sample to the last: RSS %+d kB (sink %+d kB), open files %+d,"
                + " /dev/shm %+.1f MB%n", last[1] - first[1], last[4] - first[4], last[2] - first[2],
                (last[3] - first[3]) / 1e6);
        }

        private static long status(Path file, String key) {
            try {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith(key)) {
                        return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // not Linux enough: -1
            }
            return -1;
        }

        private static long count(Path directory) {
            try (var list = Files.list(directory)) {
                return list.count();
            } catch (IOException e) {
                return -1;
            }
        }

        private static long shmUsedBytes() {
            try {
                var store = Files.getFileStore(Path.of("/dev/shm"));
                return store.getTotalSpace() - store.getUnallocatedSpace();
            } catch (IOException e) {
                return -1;
            }
        }
    }
}

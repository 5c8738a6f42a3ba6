package io.sluice.bench.cli;

import io.sluice.cli.Main;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code sluice bench}: measures Sluice between processes on this machine. The publisher runs in this JVM, every
 * subscriber in a JVM of its own started from the same {@code java} and class path.
 *
 * {@snippet lang = "shell" :
 * ./sluice bench latency --size 1KB --wait spin
 * ./sluice bench throughput --size 64B --subscribers 2 --json
 * ./sluice bench idle --duration 10s
 * ./sluice bench executor --quick
 * ./sluice bench peers --quick
 * }
 * Each run uses its own domain ({@code 50000 + pid % 10000} unless {@code --domain} says otherwise) and deletes its
 * domain directory afterwards. See {@link ModeCommand} for the options ({@code sluice bench latency --help}) and
 * {@link BenchReport} for what the figures mean.
 */
public final class BenchCommand {
    private BenchCommand() {
    }

    /** Runs {@code sluice bench} with {@code args} (without the word "bench"); exits non-zero on failure. */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0 || isChild(args)) {
            System.out.flush();
            System.exit(status);
        }
    }

    /**
     * Runs {@code sluice bench} with {@code args} (without the word "bench") as the {@code sluice} command does, and
     * returns its exit status: 0 when it ran, 2 for bad options (said in one line), 1 when the run failed. Human
     * output, or the JSON object with {@code --json}, goes to {@code out}; errors to {@code err}.
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] command = new String[args.length + 1];
        command[0] = "bench";
        System.arraycopy(args, 0, command, 1, args.length);
        return Main.run(command, out, err);
    }

    /** Runs what {@code options} say (a coordinator, or a child process of a run); 0 when it ran, 1 when it failed. */
    static int execute(BenchOptions options, PrintStream out, PrintStream err) {
        if (options.isChild()) {
            return runChild(options);
        }
        try {
            return coordinate(options, out);
        } catch (RuntimeException e) {
            err.println("sluice bench: run failed: " + e.getMessage());
            e.printStackTrace(err);
            return 1;
        }
    }

    private static boolean isChild(String[] args) {
        return Arrays.asList(args).contains(BenchOptions.ROLE_OPTION);
    }

    /** How long the core-to-core round trip is measured before and after a run (each after as long a warm-up). */
    private static final long CORE_TO_CORE_NANOS = 100_000_000L;

    private static int coordinate(BenchOptions options, PrintStream out) {
        if (options.mode() == BenchOptions.Mode.EXECUTOR) {
            ExecutorRun.coordinate(options, out); // a report of its own: several scenarios, peers side by side
            return 0;
        }
        Machine machine = Machine.describe();
        double coreToCoreBefore = CoreToCore.roundTripNanos(CORE_TO_CORE_NANOS);
        BenchReport report;
        try (BenchRun run = new BenchRun(options)) {
            if (!options.json()) {
                BenchReport.printHeader(out, options, machine, run.domain);
            }
            report = new BenchReport(options, machine, run.domain);
            addNotes(report, machine);
            switch (options.mode()) {
                case LATENCY -> LatencyRun.coordinate(run, report);
                case THROUGHPUT -> ThroughputRun.coordinate(run, report);
                case IDLE -> IdleRun.coordinate(run, report);
                case EXECUTOR -> throw new AssertionError("handled above");
            }
        }
        report.coreToCore(coreToCoreBefore, CoreToCore.roundTripNanos(CORE_TO_CORE_NANOS));
        report.noteOtherWork();
        if (options.json()) {
            out.println(report.toJson());
        } else {
            report.printResults(out);
        }
        out.flush();
        return 0;
    }

    private static void addNotes(BenchReport report, Machine machine) {
        BenchOptions options = report.options;
        if (options.waitStrategy().equals(io.sluice.WaitStrategy.spin()) && options.mode() != BenchOptions.Mode.IDLE) {
            int busy = options.subscribers() + 1; // spinning subscribers, and a publisher that spins or publishes
            if (busy > machine.cores()) {
                report.notes.add(String.format(Locale.ROOT, "%d busy processes on %d cores: they share cores,"
                    + " expect scheduler delays in the figures", busy, machine.cores()));
            }
        }
    }

    private static int runChild(BenchOptions options) {
        try {
            switch (options.role()) {
                case LatencyRun.ROLE -> LatencyRun.subscriber(options);
                case ThroughputRun.ROLE -> ThroughputRun.subscriber(options);
                case IdleRun.ROLE -> IdleRun.subscriber(options);
                case ExecutorRun.CPU_PUBLISHER_ROLE -> ExecutorRun.cpuPublisher(options);
                case ExecutorRun.FANOUT_PUBLISHER_ROLE -> ExecutorRun.fanoutPublisher(options);
                default -> throw new IllegalArgumentException("unknown role: role=" + options.role());
            }
            return 0;
        } catch (RuntimeException e) {
            e.printStackTrace();
            ChildJvm.report("error", String.valueOf(e.getMessage()).replace('\n', ' '));
            return 1;
        }
    }
}

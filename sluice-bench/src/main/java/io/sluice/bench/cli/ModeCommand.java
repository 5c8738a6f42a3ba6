package io.sluice.bench.cli;

import io.sluice.WaitStrategy;
import io.sluice.cli.UsageErrors;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice bench latency|throughput|idle|executor [options]}: one command per {@link BenchOptions.Mode}, the
 * same options for each (those a mode does not take are refused when the options are checked together, see
 * {@link BenchOptions#of}). The hidden {@code --role}, {@code --child-index} and {@code --child-spec} make a process a
 * child of a run ({@link ChildJvm}).
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false,
    footer = {"%nSizes: a whole number with B, KB, MB or GB (KB = 1024 B). Times: a whole number with ms, s or m."
        + " Each run uses its own domain and deletes its directory afterwards."})
final class ModeCommand implements Callable<Integer> {
    @Option(names = "--size", paramLabel = "<n>[B|KB|MB|GB]", converter = SizeConverter.class,
        description = "message size (default 64B; at least 16B)")
    Long size;

    @Option(names = "--subscribers", paramLabel = "<n>", description = "subscriber processes (default 1)")
    Integer subscribers;

    @Option(names = "--touch", description = "the publisher writes every byte, subscribers read every byte")
    boolean touch;

    @Option(names = "--wait", paramLabel = "spin|block|backoff", converter = WaitConverter.class,
        completionCandidates = WaitNames.class,
        description = "how subscribers wait (default spin; block for idle and executor); in the latency run the"
            + " publisher waits for acks the same way")
    WaitStrategy waitStrategy;

    @Option(names = "--duration", paramLabel = "<t>", converter = DurationConverter.class,
        description = "measured time, e.g. 500ms, 10s (default 5s; 10s for idle; executor: per point, 2s)")
    Duration duration;

    @Option(names = "--count", paramLabel = "<n>", description = "measured messages instead of a duration")
    Long count;

    @Option(names = "--warmup", paramLabel = "<t>", converter = WarmupConverter.class,
        description = "warm-up time (default 2s; executor: per point, 1s)")
    Duration warmup;

    @Option(names = "--warmup-count", paramLabel = "<n>", description = "warm-up messages instead of a warm-up time")
    Long warmupCount;

    @Option(names = "--slots", paramLabel = "<n>",
        description = "publisher slots (default: 4 for latency; by size for throughput)")
    Integer slots;

    @Option(names = "--domain", paramLabel = "<n>",
        description = "Sluice domain (default 50000 + pid %% 10000; cleaned afterwards)")
    Integer domain;

    @Option(names = "--json", description = "print exactly one JSON object")
    boolean json;

    @Option(names = "--quick", description = "executor: a subset of the grid, 500ms per point after 300ms")
    boolean quick;

    @Option(names = BenchOptions.ROLE_OPTION, hidden = true)
    String role;

    @Option(names = "--child-index", hidden = true)
    Integer childIndex;

    @Option(names = BenchOptions.CHILD_SPEC_OPTION, hidden = true)
    String childSpec;

    @Spec
    CommandSpec spec;

    private final BenchOptions.Mode mode;
    private final PrintStream out;
    private final PrintStream err;

    ModeCommand(BenchOptions.Mode mode, PrintStream out, PrintStream err) {
        this.mode = mode;
        this.out = out;
        this.err = err;
    }

    /** The command line of {@code mode}: its name and what it measures. */
    static CommandLine commandLine(BenchOptions.Mode mode, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(new ModeCommand(mode, out, err));
        line.getCommandSpec().name(mode.label());
        line.getCommandSpec().usageMessage().description(switch (mode) {
            case LATENCY -> "Ping-pong between a publisher and subscriber processes: one-way latency percentiles"
                + " (publish to receive) and the round-trip rate.";
            case THROUGHPUT -> "One publisher publishes as fast as reliable subscribers take: msgs/s and GB/s.";
            case IDLE -> "One subscriber waits with no traffic: its CPU use (goal: < 1%% of a core).";
            case EXECUTOR -> "The event loop, the polling-point and multi-threaded baselines and the LMAX Disruptor"
                + " side by side: CPU for 1-64 publishers at 10 Hz-10 kHz, an 8 MB point cloud at 30 Hz to 1-32"
                + " subscribers, three-to-one throughput (options: --duration and --warmup per point, --quick,"
                + " --json, --domain).";
        });
        return line;
    }

    /** The options, checked together. @throws ParameterException naming what is wrong */
    BenchOptions options() {
        return UsageErrors.check(spec, () -> BenchOptions.of(mode, size, subscribers, touch, waitStrategy, duration,
            count, warmup, warmupCount, slots, json, domain, role, childIndex, quick, childSpec));
    }

    @Override
    public Integer call() {
        return BenchCommand.execute(options(), out, err);
    }

    /** {@code --size}: {@link BenchOptions#parseSize}. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String text) {
            try {
                return BenchOptions.parseSize(text);
            } catch (IllegalArgumentException wrong) {
                throw new CommandLine.TypeConversionException(wrong.getMessage());
            }
        }
    }

    /** {@code --duration}: {@link BenchOptions#parseDuration}. */
    static class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private final String option;

        DurationConverter() {
            this("--duration");
        }

        DurationConverter(String option) {
            this.option = option;
        }

        @Override
        public Duration convert(String text) {
            try {
                return BenchOptions.parseDuration(option, text);
            } catch (IllegalArgumentException wrong) {
                throw new CommandLine.TypeConversionException(wrong.getMessage());
            }
        }
    }

    /** {@code --warmup}: {@link BenchOptions#parseDuration}. */
    static final class WarmupConverter extends DurationConverter {
        WarmupConverter() {
            super("--warmup");
        }
    }

    /** {@code --wait}: {@link BenchOptions#parseWait}. */
    static final class WaitConverter implements CommandLine.ITypeConverter<WaitStrategy> {
        @Override
        public WaitStrategy convert(String text) {
            try {
                return BenchOptions.parseWait(text);
            } catch (IllegalArgumentException wrong) {
                throw new CommandLine.TypeConversionException(wrong.getMessage());
            }
        }
    }

    /** The names {@code --wait} takes, for completion. */
    static final class WaitNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return List.of("spin", "block", "backoff").iterator();
        }
    }
}

package io.sluice.bench.cli;

import io.sluice.PublisherOptions;
import io.sluice.WaitStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The settings of one {@code sluice bench} run, read from its command line by {@link ModeCommand}. Immutable.
 *
 * {@snippet :
 * BenchOptions options = BenchOptions.parse(new String[] {"latency", "--size", "1KB", "--wait", "block"});
 * }
 *
 * @param mode          what is measured
 * @param size          message size in bytes, at least {@link BenchMessage#HEADER_LENGTH}
 * @param subscribers   subscriber processes, at least 1
 * @param touch         the publisher writes every byte and each subscriber reads every byte of every message
 * @param waitStrategy  how subscribers (and, in the latency run, the publisher waiting for acks) wait
 * @param duration      measured time, used when {@code count} is 0
 * @param count         measured messages (round trips in the latency run), 0 to measure for {@code duration}
 * @param warmup        warm-up time, used when {@code warmupCount} is negative
 * @param warmupCount   warm-up messages, negative to warm up for {@code warmup}
 * @param slots         publisher slots, 0 for the default of the mode and size ({@link #effectiveSlots()})
 * @param json          print exactly one JSON object instead of the human report
 * @param domain        the Sluice domain of the run, negative to derive one from the process id
 * @param role          empty for the coordinator; the hidden role of a child process otherwise
 * @param childIndex    which subscriber a child process is, 0 for the coordinator
 * @param quick         executor mode: a short run over a subset of the grid (e.g. for a test)
 * @param childSpec     what a child process of the executor mode publishes ({@code key=value,…}); empty otherwise
 */
public record BenchOptions(Mode mode, long size, int subscribers, boolean touch, WaitStrategy waitStrategy,
                           Duration duration, long count, Duration warmup, long warmupCount, int slots,
                           boolean json, int domain, String role, int childIndex, boolean quick,
                           String childSpec) {

    /** The largest message the benchmark sends: Sluice's default maximum message size. */
    public static final long MAX_SIZE = 1L << 30;
    /** The most subscriber processes one run starts. */
    public static final int MAX_SUBSCRIBERS = 64;
    /** The hidden option that turns a process into a child of a run. */
    static final String ROLE_OPTION = "--role";
    /** The hidden option that tells an executor-mode child what to publish. */
    static final String CHILD_SPEC_OPTION = "--child-spec";

    /** What a run measures. */
    public enum Mode {
        /** Ping-pong: one-way latency percentiles and the round-trip rate. */
        LATENCY,
        /** The publisher publishes as fast as reliable subscribers let it: messages and bytes per second. */
        THROUGHPUT,
        /** A subscriber waits with no traffic: its CPU use. */
        IDLE,
        /**
         * The executors side by side with the LMAX Disruptor: CPU per load, large-message fan-out, three-to-one
         * throughput (see {@link ExecutorRun}).
         */
        EXECUTOR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public BenchOptions {
        if (mode == null || waitStrategy == null || duration == null || warmup == null || role == null
            || childSpec == null) {
            throw new IllegalArgumentException("mode, waitStrategy, duration, warmup, role and childSpec must not be"
                + " null");
        }
        if (size < BenchMessage.HEADER_LENGTH || size > MAX_SIZE) {
            throw new IllegalArgumentException("size out of range [" + BenchMessage.HEADER_LENGTH + "B, 1GB]: size="
                + size);
        }
        if (subscribers < 1 || subscribers > MAX_SUBSCRIBERS) {
            throw new IllegalArgumentException("subscribers out of range [1, " + MAX_SUBSCRIBERS + "]: subscribers="
                + subscribers);
        }
        if (duration.isNegative() || duration.isZero() && count == 0) {
            throw new IllegalArgumentException("duration must be > 0 when no count is given: duration=" + duration);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count < 0: count=" + count);
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warmup < 0: warmup=" + warmup);
        }
        if (slots < 0 || slots > PublisherOptions.MAX_SLOTS) {
            throw new IllegalArgumentException("slots out of range [1, " + PublisherOptions.MAX_SLOTS
                + "]: slots=" + slots);
        }
        if (domain > 65535) {
            throw new IllegalArgumentException("domain out of range [0, 65535]: domain=" + domain);
        }
    }

    /** Executor mode: the measured time of each point, and its warm-up. */
    static final Duration EXECUTOR_DURATION = Duration.ofSeconds(2);
    static final Duration EXECUTOR_WARMUP = Duration.ofSeconds(1);
    /** Executor mode with {@code --quick}: the same, shorter. */
    static final Duration QUICK_DURATION = Duration.ofMillis(500);
    static final Duration QUICK_WARMUP = Duration.ofMillis(300);

    /**
     * The defaults of {@code mode}: 64 B, one subscriber, untouched, spin (block for idle and executor), 2 s
     * warm-up; executor: 2 s per point after 1 s of warm-up.
     */
    public static BenchOptions defaults(Mode mode) {
        boolean executor = mode == Mode.EXECUTOR;
        return new BenchOptions(mode, 64, 1, false,
            mode == Mode.IDLE || executor ? WaitStrategy.block() : WaitStrategy.spin(),
            executor ? EXECUTOR_DURATION : Duration.ofSeconds(mode == Mode.IDLE ? 10 : 5), 0,
            executor ? EXECUTOR_WARMUP : Duration.ofSeconds(2), -1, 0, false, -1, "", 0, false, "");
    }

    /**
     * Parses {@code args} as {@code sluice bench} does ({@link ModeCommand}, picocli): the mode ({@code latency},
     * {@code throughput}, {@code idle} or {@code executor}), then options. Child processes and tests use it.
     *
     * @throws IllegalArgumentException naming the option and the value that is wrong
     */
    public static BenchOptions parse(String[] args) {
        CommandLine line = BenchProvider.commandLine(System.out, System.err);
        try {
            CommandLine.ParseResult parsed = line.parseArgs(args);
            if (!parsed.hasSubcommand()
                || !(parsed.subcommand().commandSpec().userObject() instanceof ModeCommand mode)) {
                throw new IllegalArgumentException("missing mode: expected one of latency, throughput, idle,"
                    + " executor");
            }
            return mode.options();
        } catch (CommandLine.ParameterException wrong) {
            throw new IllegalArgumentException(wrong.getMessage(), wrong);
        }
    }

    /**
     * The options of a {@code mode} run, checked together: what is not given ({@code null}) takes the mode's default
     * ({@link #defaults}); {@code --quick} shortens an executor run unless its times are given.
     *
     * @throws IllegalArgumentException naming the option and the value that is wrong
     */
    static BenchOptions of(Mode mode, Long size, Integer subscribers, boolean touch, WaitStrategy waitStrategy,
                           Duration duration, Long count, Duration warmup, Long warmupCount, Integer slots,
                           boolean json, Integer domain, String role, Integer childIndex, boolean quick,
                           String childSpec) {
        BenchOptions defaults = defaults(mode);
        long countValue = count == null ? defaults.count : count;
        long warmupCountValue = warmupCount == null ? defaults.warmupCount : warmupCount;
        Duration durationValue = duration == null ? defaults.duration : duration;
        Duration warmupValue = warmup == null ? defaults.warmup : warmup;
        if (duration != null && countValue > 0) {
            throw new IllegalArgumentException("--duration and --count exclude each other: duration=" + duration
                + ", count=" + countValue);
        }
        if (countValue > 0 && mode == Mode.IDLE) {
            throw new IllegalArgumentException("idle runs for a duration, not a count: count=" + countValue);
        }
        if (warmupCountValue > 0 && mode == Mode.IDLE) {
            throw new IllegalArgumentException("idle warms up for a duration, not a count: warmupCount="
                + warmupCountValue);
        }
        if (mode == Mode.EXECUTOR) {
            if (countValue > 0 || warmupCountValue >= 0) {
                throw new IllegalArgumentException("executor runs each point for a duration, not a count: count="
                    + countValue + ", warmupCount=" + warmupCountValue);
            }
            if (quick && duration == null) {
                durationValue = QUICK_DURATION;
            }
            if (quick && warmup == null) {
                warmupValue = QUICK_WARMUP;
            }
        } else if (quick) {
            throw new IllegalArgumentException("--quick applies to the executor mode only: mode=" + mode.label());
        }
        return new BenchOptions(mode, size == null ? defaults.size : size,
            subscribers == null ? defaults.subscribers : subscribers, touch,
            waitStrategy == null ? defaults.waitStrategy : waitStrategy, durationValue, countValue, warmupValue,
            warmupCountValue, slots == null ? defaults.slots : slots, json, domain == null ? defaults.domain : domain,
            role == null ? defaults.role : role, childIndex == null ? defaults.childIndex : childIndex, quick,
            childSpec == null ? defaults.childSpec : childSpec);
    }

    /**
     * Parses a size: a whole number followed by {@code B}, {@code KB}, {@code MB} or {@code GB} (powers of 1024,
     * case ignored), or a bare number of bytes.
     *
     * @throws IllegalArgumentException when the text is not such a size or is out of range
     */
    public static long parseSize(String text) {
        String trimmed = text.trim().toUpperCase(Locale.ROOT);
        int digits = leadingDigits(trimmed);
        String unit = trimmed.substring(digits);
        long multiplier = switch (unit) {
            case "", "B" -> 1;
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            default -> -1;
        };
        if (digits == 0 || multiplier < 0 || digits > 10) {
            throw new IllegalArgumentException("size must be a whole number with unit B, KB, MB or GB (KB=1024),"
                + " e.g. 64B, 1KB, 44MB: size=" + text);
        }
        long value = Long.parseLong(trimmed.substring(0, digits));
        long bytes = value * multiplier;
        if (bytes < BenchMessage.HEADER_LENGTH || bytes > MAX_SIZE) {
            throw new IllegalArgumentException("size out of range [" + BenchMessage.HEADER_LENGTH + "B, 1GB]: size="
                + text);
        }
        return bytes;
    }

    /** Parses a duration: a whole number with unit {@code ms}, {@code s} or {@code m}; a bare number is seconds. */
    static Duration parseDuration(String option, String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        int digits = leadingDigits(trimmed);
        if (digits == 0 || digits > 9) {
            throw new IllegalArgumentException("duration must be a whole number with unit ms, s or m, e.g. 500ms,"
                + " 10s: " + option.substring(2) + "=" + text);
        }
        long value = Long.parseLong(trimmed.substring(0, digits));
        return switch (trimmed.substring(digits)) {
            case "ms" -> Duration.ofMillis(value);
            case "", "s" -> Duration.ofSeconds(value);
            case "m" -> Duration.ofMinutes(value);
            default -> throw new IllegalArgumentException("duration must be a whole number with unit ms, s or m,"
                + " e.g. 500ms, 10s: " + option.substring(2) + "=" + text);
        };
    }

    static WaitStrategy parseWait(String text) {
        return switch (text) {
            case "spin" -> WaitStrategy.spin();
            case "block" -> WaitStrategy.block();
            case "backoff" -> WaitStrategy.backoff();
            default -> throw new IllegalArgumentException("wait must be spin, block or backoff: wait=" + text);
        };
    }

    /** How many characters at the start of {@code text} are digits. */
    private static int leadingDigits(String text) {
        int digits = 0;
        while (digits < text.length() && Character.isDigit(text.charAt(digits))) {
            digits++;
        }
        return digits;
    }

    /**
     * Publisher slots: what {@code --slots} says, else for latency 4 (ping-pong holds one message at a time), for
     * throughput enough to keep the subscriber busy while the publisher writes: 512 up to 256 B, 64 up to 4 KB,
     * 16 up to 16 MB, 8 above; for idle 4.
     */
    public int effectiveSlots() {
        if (slots > 0) {
            return slots;
        }
        if (mode != Mode.THROUGHPUT) {
            return 4;
        }
        if (size <= 256) {
            return 512;
        }
        if (size <= 4096) {
            return 64;
        }
        return size <= 16L << 20 ? 16 : 8;
    }

    /** Whether this process is a child of a run rather than its coordinator. */
    public boolean isChild() {
        return !role.isEmpty();
    }

    /** The wait strategy's command-line name. */
    public String waitLabel() {
        return waitStrategy.toString();
    }

    /** The arguments that give a child process these options in {@code role} as subscriber {@code index}. */
    List<String> childArguments(String childRole, int index, int runDomain) {
        List<String> args = new ArrayList<>();
        args.add(mode.label());
        args.add("--size");
        args.add(Long.toString(size));
        args.add("--subscribers");
        args.add(Integer.toString(subscribers));
        if (touch) {
            args.add("--touch");
        }
        args.add("--wait");
        args.add(waitLabel());
        if (count > 0) {
            args.add("--count");
            args.add(Long.toString(count));
        } else {
            args.add("--duration");
            args.add(duration.toMillis() + "ms");
        }
        args.add("--warmup");
        args.add(warmup.toMillis() + "ms");
        if (warmupCount >= 0) {
            args.add("--warmup-count");
            args.add(Long.toString(warmupCount));
        }
        args.add("--slots");
        args.add(Integer.toString(effectiveSlots()));
        args.add("--domain");
        args.add(Integer.toString(runDomain));
        args.add(ROLE_OPTION);
        args.add(childRole);
        args.add("--child-index");
        args.add(Integer.toString(index));
        return args;
    }

    /** A size as the user would write it: {@code 64B}, {@code 1KB}, {@code 44MB}, or bytes when not a whole unit. */
    public static String formatSize(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GB";
        }
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MB";
        }
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KB";
        }
        return bytes + "B";
    }

}

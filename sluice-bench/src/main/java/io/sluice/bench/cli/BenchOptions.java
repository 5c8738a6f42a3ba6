package io.sluice.bench.cli;

import io.sluice.PublisherOptions;
import io.sluice.WaitStrategy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The settings of one {@code sluice bench} run, parsed from its command line. Immutable.
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
     * Parses {@code args}: the mode ({@code latency}, {@code throughput} or {@code idle}), then options.
     *
     * @throws IllegalArgumentException naming the option and the value that is wrong
     */
    public static BenchOptions parse(String[] args) {
        if (args.length == 0) {
            throw new IllegalArgumentException("missing mode: expected one of latency, throughput, idle, executor");
        }
        Mode mode = parseMode(args[0]);
        BenchOptions defaults = defaults(mode);
        long size = defaults.size;
        int subscribers = defaults.subscribers;
        boolean touch = defaults.touch;
        WaitStrategy waitStrategy = defaults.waitStrategy;
        Duration duration = defaults.duration;
        long count = defaults.count;
        Duration warmup = defaults.warmup;
        long warmupCount = defaults.warmupCount;
        int slots = defaults.slots;
        boolean json = defaults.json;
        int domain = defaults.domain;
        String role = defaults.role;
        int childIndex = defaults.childIndex;
        boolean quick = defaults.quick;
        String childSpec = defaults.childSpec;
        boolean durationGiven = false;
        boolean warmupGiven = false;
        for (int index = 1; index < args.length; index++) {
            String option = args[index];
            String inlineValue = null;
            int equals = option.indexOf('=');
            if (option.startsWith("--") && equals > 0) {
                inlineValue = option.substring(equals + 1);
                option = option.substring(0, equals);
            }
            switch (option) {
                case "--touch" -> touch = true;
                case "--json" -> json = true;
                case "--quick" -> quick = true;
                case "--size", "--subscribers", "--wait", "--duration", "--count", "--warmup", "--warmup-count",
                     "--slots", "--domain", ROLE_OPTION, "--child-index", CHILD_SPEC_OPTION -> {
                    String value = inlineValue;
                    if (value == null) {
                        if (index + 1 >= args.length) {
                            throw new IllegalArgumentException("missing value: option=" + option);
                        }
                        value = args[++index];
                    }
                    switch (option) {
                        case "--size" -> size = parseSize(value);
                        case "--subscribers" -> subscribers = parseInt(option, value);
                        case "--wait" -> waitStrategy = parseWait(value);
                        case "--duration" -> {
                            duration = parseDuration(option, value);
                            durationGiven = true;
                        }
                        case "--count" -> count = parseLong(option, value);
                        case "--warmup" -> {
                            warmup = parseDuration(option, value);
                            warmupGiven = true;
                        }
                        case "--warmup-count" -> warmupCount = parseLong(option, value);
                        case "--slots" -> slots = parseInt(option, value);
                        case "--domain" -> domain = parseInt(option, value);
                        case ROLE_OPTION -> role = value;
                        case "--child-index" -> childIndex = parseInt(option, value);
                        case CHILD_SPEC_OPTION -> childSpec = value;
                        default -> throw new AssertionError(option);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option: option=" + args[index]
                    + " (see sluice bench --help)");
            }
        }
        if (durationGiven && count > 0) {
            throw new IllegalArgumentException("--duration and --count exclude each other: duration=" + duration
                + ", count=" + count);
        }
        if (count > 0 && mode == Mode.IDLE) {
            throw new IllegalArgumentException("idle runs for a duration, not a count: count=" + count);
        }
        if (warmupCount > 0 && mode == Mode.IDLE) {
            throw new IllegalArgumentException("idle warms up for a duration, not a count: warmupCount="
                + warmupCount);
        }
        if (mode == Mode.EXECUTOR) {
            if (count > 0 || warmupCount >= 0) {
                throw new IllegalArgumentException("executor runs each point for a duration, not a count: count="
                    + count + ", warmupCount=" + warmupCount);
            }
            if (quick && !durationGiven) {
                duration = QUICK_DURATION;
            }
            if (quick && !warmupGiven) {
                warmup = QUICK_WARMUP;
            }
        } else if (quick) {
            throw new IllegalArgumentException("--quick applies to the executor mode only: mode=" + mode.label());
        }
        return new BenchOptions(mode, size, subscribers, touch, waitStrategy, duration, count, warmup, warmupCount,
            slots, json, domain, role, childIndex, quick, childSpec);
    }

    static Mode parseMode(String text) {
        return switch (text) {
            case "latency" -> Mode.LATENCY;
            case "throughput" -> Mode.THROUGHPUT;
            case "idle" -> Mode.IDLE;
            case "executor" -> Mode.EXECUTOR;
            default -> throw new IllegalArgumentException("unknown mode: mode=" + text
                + " (expected latency, throughput, idle or executor)");
        };
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

    private static int parseInt(String option, String text) {
        long value = parseLong(option, text);
        if (value != (int) value) {
            throw notWholeNumber(option, text);
        }
        return (int) value;
    }

    private static long parseLong(String option, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw notWholeNumber(option, text);
        }
    }

    private static IllegalArgumentException notWholeNumber(String option, String text) {
        return new IllegalArgumentException("not a whole number: " + option.substring(2) + "=" + text);
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

    /** The usage text of {@code sluice bench}. */
    public static String usage() {
        return """
            usage: sluice bench <latency|throughput|idle|executor|peers> [options]
              latency     ping-pong between a publisher and subscriber processes: one-way latency
                          percentiles (publish to receive) and the round-trip rate
              throughput  one publisher publishes as fast as reliable subscribers take: msgs/s and GB/s
              idle        one subscriber waits with no traffic: its CPU use (goal: < 1% of a core)
              executor    the event loop, the polling-point and multi-threaded baselines and the LMAX
                          Disruptor side by side: CPU for 1-64 publishers at 10 Hz-10 kHz, an 8 MB
                          point cloud at 30 Hz to 1-32 subscribers, three-to-one throughput
                          (options: --duration and --warmup per point, default 2s and 1s; --quick;
                          --json; --domain)
              peers       Sluice next to iceoryx, Cyclone DDS, pyzmq, JeroMQ, Python shared memory and
                          Aeron IPC on the same workloads; writes the tables and plots
                          (see 'sluice bench peers --help')
            options:
              --size <n>[B|KB|MB|GB]  message size, KB = 1024 B (default 64B; at least 16B)
              --subscribers <n>       subscriber processes (default 1)
              --touch                 publisher writes every byte, subscribers read every byte
              --wait spin|block|backoff
                                      how subscribers wait (default spin; block for idle); in the latency
                                      run the publisher waits for acks the same way
              --duration <t>          measured time, e.g. 500ms, 10s (default 5s; 10s for idle)
              --count <n>             measured messages instead of a duration
              --warmup <t>            warm-up time (default 2s)
              --warmup-count <n>      warm-up messages instead of a warm-up time
              --slots <n>             publisher slots (default: 4 for latency; by size for throughput)
              --domain <n>            Sluice domain (default 50000 + pid % 10000; cleaned afterwards)
              --json                  print exactly one JSON object
              --quick                 executor: a subset of the grid, 500ms per point after 300ms
            """;
    }
}

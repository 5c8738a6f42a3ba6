package io.sluice;

import java.util.List;

/**
 * JVM options Sluice recommends for every process that publishes or subscribes, above all one that handles a few
 * dozen samples a second: put them on its {@code java} command line (the README shows how). The {@code sluice}
 * command runs with them.
 *
 * <p>Why: HotSpot compiles a method with C2 only after ~5,000 calls (C1 with full profiling after 200). A camera
 * subscriber at 30 Hz makes that many calls of its take path in about three minutes, and until then runs it in the
 * interpreter or in profiling C1 code: in {@code ./sluice bench peers}' fan-out at 8 MiB and 30 Hz that made the
 * median latency ~2× and the CPU per subscriber ~3× what the compiled path costs (docs/PERFORMANCE.md, "Where a
 * subscriber's time goes"). {@link #RECOMMENDED} scales the compile thresholds of Sluice's own methods (the
 * package {@code io.sluice} and below) by 0.02, so that their take and publish paths reach C2 after ~100 calls —
 * a few seconds at 30 Hz — and leaves every other method of the JVM at its default. {@code -XX:CompileCommand=quiet}
 * keeps HotSpot from echoing the command on standard output.
 *
 * <p>Tested by {@code RecommendedJvmOptionsTest}: with these options the subscriber's {@code take} is compiled by C2
 * within 2,000 calls; with the defaults it is not.
 */
public final class JvmOptions {
    /** The scale of the compile thresholds of Sluice's methods: 0.02 used the least CPU of 0.01, 0.02 and 0.05. */
    public static final String THRESHOLD_SCALE = "0.02";

    /** The options, one per element, as they go on a {@code java} command line. */
    public static final List<String> RECOMMENDED = List.of("-XX:CompileCommand=quiet",
        "-XX:CompileCommand=CompileThresholdScaling,io.sluice.*::*," + THRESHOLD_SCALE);

    private JvmOptions() {
    }

    /** {@link #RECOMMENDED} joined with spaces, e.g. for {@code JAVA_TOOL_OPTIONS} or a launcher script. */
    public static String commandLine() {
        return String.join(" ", RECOMMENDED);
    }
}

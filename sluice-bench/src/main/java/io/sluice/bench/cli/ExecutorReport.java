package io.sluice.bench.cli;

import io.sluice.cli.ProcessCpuClock;
import io.sluice.cli.json.Json;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of {@code sluice bench executor} and how they are printed: settings and machine first, then a table
 * per scenario, ratios against the peers measured in the same run, and whether the goals were met — as text, or
 * as exactly one JSON object with {@code --json}.
 *
 * <p>Goals, and how they are judged:
 * <ol>
 *   <li>CPU: the event loop uses at most half the CPU of the polling-point baseline at equal load — judged at each
 *       shared-memory point where both delivered within 5% of the same rate and the baseline used at least
 *       {@value #CPU_FLOOR_PERCENT}% of a core (below that the JVM's own background work, JIT and GC, is most of
 *       the figure); met when it holds at every such point.</li>
 *   <li>Fan-out: no loss for 32 subscribers at 30 Hz — judged per executor: nothing lost and every subscriber
 *       delivered at least 95% of 30 Hz over the window.</li>
 *   <li>Throughput: the event loop's three-to-one rate at least the Disruptor's — median against median, per
 *       idle pair.</li>
 * </ol>
 */
final class ExecutorReport {
    /** Below this polling-point CPU (% of a core) a point does not judge the CPU goal. */
    static final double CPU_FLOOR_PERCENT = 2.0;

    final BenchOptions options;
    final Machine machine;
    final int domain;
    final List<CpuRow> cpu = new ArrayList<>();
    final List<FanoutRow> fanout = new ArrayList<>();
    final List<ThroughputRow> throughput = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    double coreToCoreBeforeNanos = Double.NaN;
    double coreToCoreAfterNanos = Double.NaN;

    /**
     * One point of the CPU scenario for one consumer.
     *
     * @param transport          {@code shm} (publishers in a child JVM) or {@code in-process}
     * @param offeredPerSecond   publishers × rate
     * @param publishedPerSecond what the schedule achieved (for shm: over the child's whole life, all executors)
     * @param skipped            deadlines the schedule skipped, having fallen 100 ms behind
     * @param maxLateNanos       the latest a message left after its deadline
     * @param deliveredPerSecond handler calls per second over the measured window
     * @param lost               shm: sequence gaps over the window; in-process: offers refused because full
     * @param cpuPercent         the node process's CPU time per wall time, % of one core
     * @param systemPercent      the kernel's part of it (system calls, wake-ups; 10 ms ticks), % of one core
     * @param consumerCpuPercent in-process only: the consumer thread's own CPU, % of one core
     * @param machineBusyPercent the whole machine's busy CPU over the window, % of one core (everything: this
     *                           process, the publisher, other work on the machine)
     */
    record CpuRow(int publishers, long rateHz, String transport, String executor, double offeredPerSecond,
                  double publishedPerSecond, long skipped, long maxLateNanos, double deliveredPerSecond, long lost,
                  long errors, double cpuPercent, double systemPercent, double consumerCpuPercent,
                  double machineBusyPercent) {
        CpuRow withPublisher(double published, long skippedDeadlines, long maxLate) {
            return new CpuRow(publishers, rateHz, transport, executor, offeredPerSecond, published,
                skippedDeadlines, maxLate, deliveredPerSecond, lost, errors, cpuPercent, systemPercent,
                consumerCpuPercent, machineBusyPercent);
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("publishers", publishers);
            json.put("rate_hz", rateHz);
            json.put("transport", transport);
            json.put("executor", executor);
            json.put("offered_msgs_per_s", offeredPerSecond);
            json.put("published_msgs_per_s", publishedPerSecond);
            json.put("skipped_deadlines", skipped);
            json.put("max_late_ns", maxLateNanos);
            json.put("delivered_msgs_per_s", deliveredPerSecond);
            json.put("lost", lost);
            json.put("errors", errors);
            json.put("cpu_percent", cpuPercent);
            json.put("system_cpu_percent", systemPercent);
            json.put("cpu_us_per_msg", deliveredPerSecond > 0 ? cpuPercent * 1e4 / deliveredPerSecond : null);
            json.put("consumer_thread_cpu_percent", consumerCpuPercent);
            json.put("machine_busy_percent", machineBusyPercent);
            return json;
        }
    }

    /**
     * One point of the fan-out scenario.
     *
     * @param meanDeliveredHz samples per second per subscriber, averaged over the subscribers
     * @param minDeliveredHz  the slowest subscriber's rate
     * @param lost            per subscriber the larger of sequence gaps and {@code lostCount()} growth, summed
     * @param cpuPercent      the node process's CPU over the window, % of one core
     * @param machineBusyPercent the whole machine's busy CPU over the window, % of one core
     */
    record FanoutRow(int subscribers, String executor, long rateHz, double publishedHz, double meanDeliveredHz,
                     double minDeliveredHz, long delivered, long lost, long p50Nanos, long p99Nanos, long maxNanos,
                     long samples, double cpuPercent, double machineBusyPercent, long errors) {
        FanoutRow withPublished(double published) {
            return new FanoutRow(subscribers, executor, rateHz, published, meanDeliveredHz, minDeliveredHz,
                delivered, lost, p50Nanos, p99Nanos, maxNanos, samples, cpuPercent, machineBusyPercent, errors);
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("subscribers", subscribers);
            json.put("executor", executor);
            json.put("rate_hz", rateHz);
            json.put("published_hz", publishedHz);
            json.put("delivered_hz_per_subscriber", meanDeliveredHz);
            json.put("min_delivered_hz", minDeliveredHz);
            json.put("delivered", delivered);
            json.put("lost", lost);
            json.put("p50_ns", p50Nanos);
            json.put("p99_ns", p99Nanos);
            json.put("max_ns", maxNanos);
            json.put("samples", samples);
            json.put("cpu_percent", cpuPercent);
            json.put("machine_busy_percent", machineBusyPercent);
            json.put("errors", errors);
            return json;
        }
    }

    /**
     * One side of a three-to-one pair.
     *
     * @param idle          {@code blocking} or {@code busy-spin}
     * @param msgsPerSecond each repetition's rate, in run order
     * @param fullOffers    per repetition, how often a producer found the queue full and tried again
     * @param machineBusyPercent per repetition, the whole machine's busy CPU over the window, % of one core
     */
    record ThroughputRow(String idle, String executor, String configuration, double[] msgsPerSecond,
                         long[] fullOffers, double[] machineBusyPercent) {
        double median() {
            double[] sorted = msgsPerSecond.clone();
            Arrays.sort(sorted);
            return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("idle", idle);
            json.put("executor", executor);
            json.put("configuration", configuration);
            json.put("median_msgs_per_s", median());
            json.put("runs_msgs_per_s", Arrays.stream(msgsPerSecond).boxed().toList());
            json.put("full_retries", Arrays.stream(fullOffers).boxed().toList());
            json.put("machine_busy_percent", Arrays.stream(machineBusyPercent).boxed().toList());
            return json;
        }
    }

    /** Whether a goal was met, with the figures that decide it. */
    record Goal(String name, Boolean met, String detail) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("goal", name);
            json.put("met", met);
            json.put("detail", detail);
            return json;
        }
    }

    ExecutorReport(BenchOptions options, Machine machine, int domain) {
        this.options = options;
        this.machine = machine;
        this.domain = domain;
    }

    void coreToCore(double beforeNanos, double afterNanos) {
        coreToCoreBeforeNanos = beforeNanos;
        coreToCoreAfterNanos = afterNanos;
        if (Math.max(beforeNanos, afterNanos) > 2 * Math.min(beforeNanos, afterNanos)) {
            notes.add(String.format(Locale.ROOT, "the machine's core-to-core round trip changed during the run"
                + " (%.0f ns before, %.0f ns after): on a virtual machine the host moved the CPUs", beforeNanos,
                afterNanos));
        }
    }

    // ------------------------------------------------------------------------------------------- settings

    private Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("quick", options.quick());
        settings.put("warmup_ms", options.warmup().toMillis());
        settings.put("duration_ms", options.duration().toMillis());
        settings.put("fanout_duration_ms", options.duration().toMillis() * ExecutorRun.FANOUT_DURATION_FACTOR);
        settings.put("cpu_publishers", toList(options.quick() ? ExecutorRun.QUICK_PUBLISHERS
            : ExecutorRun.PUBLISHERS));
        settings.put("cpu_rates_hz", Arrays.stream(options.quick() ? ExecutorRun.QUICK_RATES_HZ
            : ExecutorRun.RATES_HZ).boxed().toList());
        settings.put("cpu_jit_warmup", ExecutorRun.WARMUP_PUBLISHERS + " x " + ExecutorRun.WARMUP_RATE_HZ
            + " Hz, every consumer, not recorded");
        settings.put("cpu_message_bytes", ExecutorWork.MESSAGE_BYTES);
        settings.put("cpu_qos", "queue(" + ExecutorRun.CPU_DEPTH + ")");
        settings.put("cpu_slots", ExecutorRun.CPU_SLOTS);
        settings.put("fanout_subscribers", toList(options.quick() ? ExecutorRun.QUICK_FANOUT_SUBSCRIBERS
            : ExecutorRun.FANOUT_SUBSCRIBERS));
        settings.put("fanout_message", "raw, " + BenchOptions.formatSize(ExecutorRun.FANOUT_BYTES)
            + ", filled whole by the publisher");
        settings.put("fanout_bytes", ExecutorRun.FANOUT_BYTES);
        settings.put("fanout_rate_hz", ExecutorRun.FANOUT_HZ);
        settings.put("fanout_qos", "queue(" + ExecutorRun.FANOUT_DEPTH + ")");
        settings.put("fanout_slots", ExecutorRun.FANOUT_SLOTS);
        settings.put("fanout_touch_stride_bytes", ExecutorRun.FANOUT_STRIDE);
        settings.put("multi_threaded_threads", ExecutorRun.MT_THREADS);
        settings.put("executor_idle", "blocking (ExecutorOptions default)");
        settings.put("process_cpu_clock", ProcessCpuClock.precise() ? "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)"
            : "OperatingSystemMXBean.getProcessCpuTime");
        settings.put("in_process_capacity", ExecutorRun.CAPACITY);
        settings.put("throughput_producers", ExecutorRun.PRODUCERS);
        settings.put("throughput_repeats", ExecutorRun.REPEATS);
        settings.put("disruptor_version", ExecutorRun.DISRUPTOR_VERSION);
        settings.put("domain", domain);
        settings.put("child_jvm_options", String.join(" ", ChildJvm.extraOptions()));
        return settings;
    }

    private static List<Integer> toList(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    void printHeader(PrintStream out) {
        out.println("sluice bench executor");
        StringBuilder line = new StringBuilder("settings: ");
        settings().forEach((key, value) -> line.append(key).append('=').append(value).append(", "));
        line.setLength(line.length() - 2);
        out.println(line);
        out.println("machine: " + machine.describeLine());
        out.flush();
    }

    // ------------------------------------------------------------------------------------------- goals

    List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        goals.add(cpuGoal());
        goals.add(fanoutGoal());
        for (String idle : List.of("blocking", "busy-spin")) {
            ThroughputRow ours = throughputRow(idle, "event-loop");
            ThroughputRow peer = throughputRow(idle, "disruptor");
            if (ours == null || peer == null) {
                continue;
            }
            double ratio = ours.median() / peer.median();
            goals.add(new Goal("throughput 3->1 >= disruptor (" + idle + ")", ratio >= 1.0,
                String.format(Locale.ROOT, "event-loop %.0f msgs/s vs disruptor %.0f msgs/s: ratio %.2f",
                    ours.median(), peer.median(), ratio)));
        }
        return goals;
    }

    private Goal cpuGoal() {
        int judged = 0;
        int met = 0;
        double worst = 0;
        StringBuilder failures = new StringBuilder();
        for (CpuRow eventLoop : cpu) {
            if (!eventLoop.transport.equals("shm") || !eventLoop.executor.equals("event-loop")) {
                continue;
            }
            CpuRow polling = cpuRow("shm", "polling-point", eventLoop.publishers, eventLoop.rateHz);
            if (polling == null || polling.cpuPercent < CPU_FLOOR_PERCENT || !equalLoad(eventLoop, polling)) {
                continue;
            }
            judged++;
            double ratio = eventLoop.cpuPercent / polling.cpuPercent;
            worst = Math.max(worst, ratio);
            if (ratio <= 0.5) {
                met++;
            } else {
                failures.append(String.format(Locale.ROOT, " %dx%dHz=%.2f", eventLoop.publishers,
                    eventLoop.rateHz, ratio));
            }
        }
        String detail = String.format(Locale.ROOT, "event-loop/polling-point CPU <= 0.5 at %d of %d points judged"
            + " (polling-point >= %.0f%% of a core, delivered rates within 5%%); worst ratio %.2f", met, judged,
            CPU_FLOOR_PERCENT, worst) + (failures.isEmpty() ? "" : "; above 0.5:" + failures);
        return new Goal("cpu event-loop <= 1/2 polling-point", judged == 0 ? null : met == judged, detail);
    }

    private static boolean equalLoad(CpuRow a, CpuRow b) {
        double high = Math.max(a.deliveredPerSecond, b.deliveredPerSecond);
        return high <= 0 || Math.abs(a.deliveredPerSecond - b.deliveredPerSecond) <= 0.05 * high;
    }

    private Goal fanoutGoal() {
        int most = fanout.stream().mapToInt(FanoutRow::subscribers).max().orElse(0);
        StringBuilder detail = new StringBuilder("at " + most + " subscribers:");
        Boolean eventLoopMet = null;
        for (FanoutRow row : fanout) {
            if (row.subscribers != most) {
                continue;
            }
            boolean ok = row.lost == 0 && row.minDeliveredHz >= 0.95 * row.rateHz;
            detail.append(String.format(Locale.ROOT, " %s lost=%d min=%.1fHz %s;", row.executor, row.lost,
                row.minDeliveredHz, ok ? "met" : "not met"));
            if (row.executor.equals("event-loop")) {
                eventLoopMet = ok;
            }
        }
        if (most != 32) {
            detail.append(" (the goal names 32 subscribers; this run stopped at ").append(most).append(')');
        }
        return new Goal("fan-out no loss, 32 subscribers at 30 Hz (event-loop)", eventLoopMet, detail.toString());
    }

    CpuRow cpuRow(String transport, String executor, int publishers, long rateHz) {
        for (CpuRow row : cpu) {
            if (row.transport.equals(transport) && row.executor.equals(executor) && row.publishers == publishers
                && row.rateHz == rateHz) {
                return row;
            }
        }
        return null;
    }

    ThroughputRow throughputRow(String idle, String executor) {
        for (ThroughputRow row : throughput) {
            if (row.idle.equals(idle) && row.executor.equals(executor)) {
                return row;
            }
        }
        return null;
    }

    private static double ratio(double ours, double theirs) {
        return theirs > 0 ? ours / theirs : Double.NaN;
    }

    // ------------------------------------------------------------------------------------------- text

    void printResults(PrintStream out) {
        out.println();
        out.println("1. CPU: N publishers x R Hz, 64 B messages; node process CPU in % of one core");
        out.println("   shared memory (publishers in a child JVM), Qos.queue(" + ExecutorRun.CPU_DEPTH + ")");
        out.printf(Locale.ROOT, "   %4s %6s %9s | %-29s | %-29s | %-29s | %6s %6s %8s%n", "N", "R/Hz",
            "pub msg/s", "event-loop cpu% [sys] (msg/s)", "polling-point cpu% [sys]", "multi-threaded cpu% [sys]",
            "EL/PP", "EL/MT", "machine%");
        for (CpuRow eventLoop : rows("shm", "event-loop")) {
            CpuRow polling = cpuRow("shm", "polling-point", eventLoop.publishers, eventLoop.rateHz);
            CpuRow multi = cpuRow("shm", "multi-threaded", eventLoop.publishers, eventLoop.rateHz);
            double machine = eventLoop.machineBusyPercent;
            machine = Math.max(machine, polling == null ? 0 : polling.machineBusyPercent);
            machine = Math.max(machine, multi == null ? 0 : multi.machineBusyPercent);
            out.printf(Locale.ROOT, "   %4d %6d %9.0f | %-29s | %-29s | %-29s | %6.2f %6.2f %8.0f%n",
                eventLoop.publishers, eventLoop.rateHz, eventLoop.publishedPerSecond, cell(eventLoop), cell(polling),
                cell(multi), ratio(eventLoop.cpuPercent, polling == null ? Double.NaN : polling.cpuPercent),
                ratio(eventLoop.cpuPercent, multi == null ? Double.NaN : multi.cpuPercent), machine);
        }
        out.println("   machine% = the whole machine's busy CPU over the window, % of one core, the most of the three"
            + " (node + publisher + anything else running)");
        out.println("   in process (the schedule on a thread of the node, included in the process CPU); consumer"
            + " thread CPU in brackets");
        out.printf(Locale.ROOT, "   %4s %6s %9s | %-34s | %-34s | %6s %6s%n", "N", "R/Hz", "pub msg/s",
            "event-loop inbox cpu% [thr] (msg/s)", "disruptor cpu% [thr] (msg/s)", "EL/D", "thr");
        for (CpuRow eventLoop : rows("in-process", "event-loop")) {
            CpuRow disruptor = cpuRow("in-process", "disruptor", eventLoop.publishers, eventLoop.rateHz);
            out.printf(Locale.ROOT, "   %4d %6d %9.0f | %-34s | %-34s | %6.2f %6.2f%n", eventLoop.publishers,
                eventLoop.rateHz, eventLoop.publishedPerSecond, threadCell(eventLoop), threadCell(disruptor),
                ratio(eventLoop.cpuPercent, disruptor == null ? Double.NaN : disruptor.cpuPercent),
                ratio(eventLoop.consumerCpuPercent, disruptor == null ? Double.NaN : disruptor.consumerCpuPercent));
        }
        long lost = cpu.stream().mapToLong(CpuRow::lost).sum();
        out.println("   lost (shm gaps, in-process refused offers): " + lost + describeCpuLosses());
        out.println();
        out.printf(Locale.ROOT, "2. fan-out: %s raw at %d Hz, Qos.queue(%d), one long read per %d B page%n",
            BenchOptions.formatSize(ExecutorRun.FANOUT_BYTES), ExecutorRun.FANOUT_HZ, ExecutorRun.FANOUT_DEPTH,
            ExecutorRun.FANOUT_STRIDE);
        out.printf(Locale.ROOT, "   %4s %-15s %9s %9s %6s %10s %10s %10s %6s %8s%n", "S", "executor", "Hz/sub",
            "min Hz", "lost", "p50 us", "p99 us", "max us", "cpu%", "machine%");
        for (FanoutRow row : fanout) {
            out.printf(Locale.ROOT, "   %4d %-15s %9.2f %9.2f %6d %10.1f %10.1f %10.1f %6.1f %8.0f%n",
                row.subscribers, row.executor, row.meanDeliveredHz, row.minDeliveredHz, row.lost, row.p50Nanos / 1e3,
                row.p99Nanos / 1e3, row.maxNanos / 1e3, row.cpuPercent, row.machineBusyPercent);
        }
        out.println();
        out.printf(Locale.ROOT, "3. throughput: %d producers -> 1 consumer, capacity %d, median of %d (msgs/s)%n",
            ExecutorRun.PRODUCERS, ExecutorRun.CAPACITY, ExecutorRun.REPEATS);
        for (String idle : List.of("blocking", "busy-spin")) {
            ThroughputRow ours = throughputRow(idle, "event-loop");
            ThroughputRow peer = throughputRow(idle, "disruptor");
            if (ours == null || peer == null) {
                continue;
            }
            out.printf(Locale.ROOT, "   %-9s event-loop %,.0f (%s)  disruptor %,.0f (%s)  ratio %.2f%n", idle,
                ours.median(), runs(ours), peer.median(), runs(peer), ours.median() / peer.median());
        }
        out.println();
        out.println("goals:");
        for (Goal goal : goals()) {
            out.println("   " + (goal.met == null ? "n/a" : goal.met ? "met    " : "NOT met") + "  " + goal.name
                + ": " + goal.detail);
        }
        out.printf(Locale.ROOT, "core-to-core round trip: before=%.0f ns, after=%.0f ns%n", coreToCoreBeforeNanos,
            coreToCoreAfterNanos);
        for (String note : notes) {
            out.println("note: " + note);
        }
        out.flush();
    }

    private List<CpuRow> rows(String transport, String executor) {
        return cpu.stream().filter(row -> row.transport.equals(transport) && row.executor.equals(executor))
            .toList();
    }

    private String describeCpuLosses() {
        StringBuilder text = new StringBuilder();
        for (CpuRow row : cpu) {
            if (row.lost > 0) {
                text.append(text.isEmpty() ? " (" : ", ").append(row.executor).append(' ').append(row.transport)
                    .append(' ').append(row.publishers).append('x').append(row.rateHz).append("Hz=").append(row.lost);
            }
        }
        return text.isEmpty() ? "" : text.append(')').toString();
    }

    private static String cell(CpuRow row) {
        return row == null ? "-" : String.format(Locale.ROOT, "%6.2f [%4.1f] (%.0f)", row.cpuPercent,
            row.systemPercent, row.deliveredPerSecond);
    }

    private static String threadCell(CpuRow row) {
        return row == null ? "-" : String.format(Locale.ROOT, "%6.2f [%5.2f] (%.0f)", row.cpuPercent,
            row.consumerCpuPercent, row.deliveredPerSecond);
    }

    private static String runs(ThroughputRow row) {
        StringBuilder text = new StringBuilder();
        for (double rate : row.msgsPerSecond) {
            text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2fM", rate / 1e6));
        }
        return text.toString();
    }

    // ------------------------------------------------------------------------------------------- JSON

    String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "executor");
        json.put("settings", settings());
        json.put("machine", machine.toJson());
        json.put("cpu", cpu.stream().map(CpuRow::toJson).toList());
        List<Map<String, Object>> ratios = new ArrayList<>();
        for (CpuRow eventLoop : rows("shm", "event-loop")) {
            CpuRow polling = cpuRow("shm", "polling-point", eventLoop.publishers, eventLoop.rateHz);
            CpuRow multi = cpuRow("shm", "multi-threaded", eventLoop.publishers, eventLoop.rateHz);
            CpuRow inbox = cpuRow("in-process", "event-loop", eventLoop.publishers, eventLoop.rateHz);
            CpuRow disruptor = cpuRow("in-process", "disruptor", eventLoop.publishers, eventLoop.rateHz);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("publishers", eventLoop.publishers);
            row.put("rate_hz", eventLoop.rateHz);
            row.put("event_loop_vs_polling_point", polling == null ? null : ratio(eventLoop.cpuPercent,
                polling.cpuPercent));
            row.put("event_loop_vs_multi_threaded", multi == null ? null : ratio(eventLoop.cpuPercent,
                multi.cpuPercent));
            row.put("inbox_vs_disruptor_process", inbox == null || disruptor == null ? null
                : ratio(inbox.cpuPercent, disruptor.cpuPercent));
            row.put("inbox_vs_disruptor_consumer_thread", inbox == null || disruptor == null ? null
                : ratio(inbox.consumerCpuPercent, disruptor.consumerCpuPercent));
            ratios.add(row);
        }
        json.put("cpu_ratios", ratios);
        json.put("fanout", fanout.stream().map(FanoutRow::toJson).toList());
        json.put("throughput", throughput.stream().map(ThroughputRow::toJson).toList());
        json.put("goals", goals().stream().map(Goal::toJson).toList());
        json.put("core_to_core_before_ns", coreToCoreBeforeNanos);
        json.put("core_to_core_after_ns", coreToCoreAfterNanos);
        json.put("notes", notes);
        return Json.compact(json);
    }
}

package io.sluice.bench.cli;

import io.sluice.cli.json.Json;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one run and how they are printed: settings and machine first, then results; as text for people
 * or as exactly one JSON object ({@code --json}).
 *
 * <p>Rates: {@code msgs_per_s} is, for latency, round trips per second as the publisher saw them; for throughput,
 * messages per second as received, summed over subscribers. {@code gbytes_per_s} is that rate times the message
 * size (times the subscribers for latency), in 10^9 bytes per second. CPU is in percent of one core over each
 * process's own measured window.
 */
final class BenchReport {
    final BenchOptions options;
    final Machine machine;
    final int domain;
    /** One-way latency, merged over subscribers; null when the run does not measure latency. */
    Histogram latency;
    /** Messages (latency: round trips) the publisher sent while measuring. */
    long sent;
    /** The publisher's measured window. */
    long publisherWindowNanos;
    long publisherCpuNanos;
    long publisherPid = ProcessHandle.current().pid();
    /** Busy CPU of the whole machine over the publisher's window, percent of one core. */
    double machineBusyPercent = Double.NaN;
    /** CPU the hypervisor gave to others over the publisher's window, percent of one core. */
    double stealPercent = Double.NaN;
    /** {@link CoreToCore} round trip measured before the run started and after it ended, nanoseconds. */
    double coreToCoreBeforeNanos = Double.NaN;
    double coreToCoreAfterNanos = Double.NaN;
    final List<SubscriberFigures> subscribers = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    /**
     * What one subscriber process measured.
     *
     * @param received     messages received while measuring
     * @param lost         messages missing from the sequence the subscriber received, over the whole run
     * @param lostCounted  what {@code Subscriber.lostCount()} reported at the end
     * @param windowNanos  from the first measured message received to the stop message (idle: its own window)
     * @param cpuNanos     process CPU time over that window
     * @param checksum     sum of every byte read with {@code --touch}, 0 otherwise
     */
    record SubscriberFigures(int index, long pid, long received, long lost, long lostCounted, long windowNanos,
                             long cpuNanos, long checksum) {
        double cpuPercent() {
            return windowNanos <= 0 ? Double.NaN : 100.0 * cpuNanos / windowNanos;
        }

        double messagesPerSecond() {
            return windowNanos <= 0 ? Double.NaN : received * 1e9 / windowNanos;
        }

        static SubscriberFigures from(Map<String, String> values, int index) {
            return new SubscriberFigures(index, number(values, "pid"), number(values, "received"),
                number(values, "lost"), number(values, "lost_counted"), number(values, "window_ns"),
                number(values, "cpu_ns"), number(values, "checksum"));
        }

        private static long number(Map<String, String> values, String key) {
            String value = values.get(key);
            if (value == null) {
                throw new IllegalStateException("child report lacks a value: key=" + key + ", values="
                    + values.keySet());
            }
            return Long.parseLong(value);
        }
    }

    BenchReport(BenchOptions options, Machine machine, int domain) {
        this.options = options;
        this.machine = machine;
        this.domain = domain;
    }

    /**
     * Records the publisher's measured window and the machine's CPU over it: {@code cpu} is the stopped window,
     * {@code machineBefore} the machine's CPU times taken when it opened.
     */
    void measurePublisher(CpuWindow cpu, SystemCpu machineBefore) {
        publisherWindowNanos = cpu.wallNanos();
        publisherCpuNanos = cpu.cpuNanos();
        SystemCpu machineAfter = SystemCpu.now();
        machineBusyPercent = machineAfter.busyPercentSince(machineBefore, publisherWindowNanos);
        stealPercent = machineAfter.stealPercentSince(machineBefore, publisherWindowNanos);
    }

    /** Records the machine's core-to-core round trip around the run; notes when it moved a lot. */
    void coreToCore(double beforeNanos, double afterNanos) {
        coreToCoreBeforeNanos = beforeNanos;
        coreToCoreAfterNanos = afterNanos;
        if (Math.max(beforeNanos, afterNanos) > 2 * Math.min(beforeNanos, afterNanos)) {
            notes.add(String.format(Locale.ROOT, "the machine's core-to-core round trip changed during the run"
                + " (%.0f ns before, %.0f ns after): on a virtual machine the host moved the CPUs; the figures"
                + " mix two machines", beforeNanos, afterNanos));
        }
    }

    /** Machine CPU used by processes other than the run's, percent of one core; NaN when unknown. */
    double otherCpuPercent() {
        double ours = publisherCpuPercent();
        for (SubscriberFigures figures : subscribers) {
            ours += figures.cpuPercent();
        }
        return Math.max(0, machineBusyPercent - ours);
    }

    /** Adds a note when other work used a noticeable share of the machine while the run measured. */
    void noteOtherWork() {
        double others = otherCpuPercent();
        if (others > 10) {
            notes.add(String.format(Locale.ROOT, "other processes used about %.0f%% of a core while the run"
                + " measured (machine busy %.0f%%, steal %.0f%%): the figures are skewed", others,
                machineBusyPercent, stealPercent));
        }
    }

    double publisherCpuPercent() {
        return publisherWindowNanos <= 0 ? Double.NaN : 100.0 * publisherCpuNanos / publisherWindowNanos;
    }

    long totalReceived() {
        long total = 0;
        for (SubscriberFigures figures : subscribers) {
            total += figures.received;
        }
        return total;
    }

    long totalLost() {
        long total = 0;
        for (SubscriberFigures figures : subscribers) {
            total += Math.max(figures.lost, figures.lostCounted);
        }
        return total;
    }

    /** Latency: round trips per second; throughput: messages received per second, all subscribers; idle: NaN. */
    double messagesPerSecond() {
        return switch (options.mode()) {
            case LATENCY -> publisherWindowNanos <= 0 ? Double.NaN : sent * 1e9 / publisherWindowNanos;
            case THROUGHPUT -> {
                double total = 0;
                for (SubscriberFigures figures : subscribers) {
                    total += figures.messagesPerSecond();
                }
                yield total;
            }
            case IDLE, EXECUTOR -> Double.NaN; // the executor mode reports through ExecutorReport
        };
    }

    double gigabytesPerSecond() {
        double rate = messagesPerSecond();
        return options.mode() == BenchOptions.Mode.LATENCY
            ? rate * options.size() * options.subscribers() / 1e9
            : rate * options.size() / 1e9;
    }

    // ------------------------------------------------------------------------------------------- text

    /** The settings and machine lines, printed before the run starts. */
    static void printHeader(PrintStream out, BenchOptions options, Machine machine, int domain) {
        out.println("sluice bench " + options.mode().label());
        out.println("settings: size=" + BenchOptions.formatSize(options.size()) + " (" + options.size() + " B)"
            + ", subscribers=" + options.subscribers() + ", touch=" + options.touch() + ", wait="
            + options.waitLabel() + ", warmup=" + describeWarmup(options) + ", measure=" + describeMeasure(options)
            + ", slots=" + options.effectiveSlots() + qosLine(options) + ", domain=" + domain);
        out.println("machine: " + machine.describeLine());
        if (!ChildJvm.extraOptions().isEmpty()) {
            out.println("child JVM options (" + ChildJvm.OPTIONS_VARIABLE + "): "
                + String.join(" ", ChildJvm.extraOptions()));
        }
        out.flush();
    }

    private static String qosLine(BenchOptions options) {
        return switch (options.mode()) {
            case LATENCY -> ", qos=queue(" + options.effectiveSlots() + "), acks=queue(4) of "
                + BenchMessage.ACK_LENGTH + " B";
            case THROUGHPUT -> ", qos=reliable(" + options.effectiveSlots() + ")";
            case IDLE -> ", qos=queue(4)";
            case EXECUTOR -> "";
        };
    }

    static String describeWarmup(BenchOptions options) {
        return options.warmupCount() >= 0 ? options.warmupCount() + " messages" : format(options.warmup());
    }

    static String describeMeasure(BenchOptions options) {
        return options.count() > 0 ? options.count() + " messages" : format(options.duration());
    }

    private static String format(java.time.Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** The results, after {@link #printHeader}. */
    void printResults(PrintStream out) {
        switch (options.mode()) {
            case LATENCY -> {
                out.printf(Locale.ROOT, "one-way latency (ns): p50=%d p90=%d p99=%d p99.9=%d max=%d mean=%.0f"
                        + " samples=%d%n", latency.getValueAtPercentile(50), latency.getValueAtPercentile(90),
                    latency.getValueAtPercentile(99), latency.getValueAtPercentile(99.9), latency.getMaxValue(),
                    latency.getMean(), latency.getTotalCount());
                out.printf(Locale.ROOT, "round trips: %d in %.3f s = %.0f/s (%.3f GB/s delivered)%n", sent,
                    publisherWindowNanos / 1e9, messagesPerSecond(), gigabytesPerSecond());
            }
            case THROUGHPUT -> {
                out.printf(Locale.ROOT, "sent: %d in %.3f s = %.0f msgs/s%n", sent, publisherWindowNanos / 1e9,
                    publisherWindowNanos <= 0 ? Double.NaN : sent * 1e9 / publisherWindowNanos);
                for (SubscriberFigures figures : subscribers) {
                    double rate = figures.messagesPerSecond();
                    out.printf(Locale.ROOT, "subscriber-%d: received=%d in %.3f s = %.0f msgs/s, %.3f GB/s%n",
                        figures.index, figures.received, figures.windowNanos / 1e9, rate,
                        rate * options.size() / 1e9);
                }
                out.printf(Locale.ROOT, "total: %.0f msgs/s, %.3f GB/s%n", messagesPerSecond(), gigabytesPerSecond());
            }
            case IDLE -> {
                for (SubscriberFigures figures : subscribers) {
                    out.printf(Locale.ROOT, "subscriber-%d idle over %.1f s: cpu=%.3f%% of a core (%d us), "
                            + "received=%d%n", figures.index, figures.windowNanos / 1e9, figures.cpuPercent(),
                        figures.cpuNanos / 1000, figures.received);
                }
            }
        }
        if (options.mode() != BenchOptions.Mode.IDLE) {
            out.println("lost: " + totalLost() + describeLosses());
        }
        StringBuilder cpu = new StringBuilder("cpu (% of one core): ");
        cpu.append(String.format(Locale.ROOT, "publisher pid=%d %.1f", publisherPid, publisherCpuPercent()));
        for (SubscriberFigures figures : subscribers) {
            cpu.append(String.format(Locale.ROOT, ", subscriber-%d pid=%d %.1f", figures.index, figures.pid,
                figures.cpuPercent()));
        }
        out.println(cpu);
        out.printf(Locale.ROOT, "machine during the run (%% of one core): busy=%.1f, others=%.1f, steal=%.1f;"
                + " core-to-core round trip: before=%.0f ns, after=%.0f ns%n", machineBusyPercent, otherCpuPercent(),
            stealPercent, coreToCoreBeforeNanos, coreToCoreAfterNanos);
        for (String note : notes) {
            out.println("note: " + note);
        }
        out.flush();
    }

    private String describeLosses() {
        if (subscribers.size() < 2 && totalLost() == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (");
        for (SubscriberFigures figures : subscribers) {
            if (figures.index > 0) {
                text.append(", ");
            }
            text.append("subscriber-").append(figures.index).append(": gaps=").append(figures.lost)
                .append(" lostCount=").append(figures.lostCounted);
        }
        return text.append(')').toString();
    }

    // ------------------------------------------------------------------------------------------- JSON

    /** The report as one compact JSON object, in the order the fields are listed here. */
    String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", options.mode().label());
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("size_bytes", options.size());
        settings.put("size", BenchOptions.formatSize(options.size()));
        settings.put("subscribers", options.subscribers());
        settings.put("touch", options.touch());
        settings.put("wait", options.waitLabel());
        settings.put("warmup_ms", options.warmupCount() >= 0 ? 0 : options.warmup().toMillis());
        settings.put("warmup_count", options.warmupCount());
        settings.put("duration_ms", options.count() > 0 ? 0 : options.duration().toMillis());
        settings.put("count", options.count());
        settings.put("slots", options.effectiveSlots());
        settings.put("domain", domain);
        settings.put("child_jvm_options", String.join(" ", ChildJvm.extraOptions()));
        json.put("settings", settings);
        json.put("machine", machine.toJson());
        boolean measured = latency != null;
        json.put("p50_ns", measured ? latency.getValueAtPercentile(50) : null);
        json.put("p90_ns", measured ? latency.getValueAtPercentile(90) : null);
        json.put("p99_ns", measured ? latency.getValueAtPercentile(99) : null);
        json.put("p999_ns", measured ? latency.getValueAtPercentile(99.9) : null);
        json.put("max_ns", measured ? latency.getMaxValue() : null);
        json.put("mean_ns", measured ? latency.getMean() : null);
        json.put("samples", measured ? latency.getTotalCount() : null);
        json.put("msgs_per_s", messagesPerSecond());
        json.put("gbytes_per_s", gigabytesPerSecond());
        json.put("sent", sent);
        json.put("received", totalReceived());
        json.put("lost", totalLost());
        if (options.mode() == BenchOptions.Mode.IDLE) {
            double worst = 0;
            for (SubscriberFigures figures : subscribers) {
                worst = Math.max(worst, figures.cpuPercent());
            }
            json.put("idle_cpu_percent", worst);
        }
        json.put("machine_busy_percent", machineBusyPercent);
        json.put("other_cpu_percent", otherCpuPercent());
        json.put("steal_percent", stealPercent);
        json.put("core_to_core_before_ns", coreToCoreBeforeNanos);
        json.put("core_to_core_after_ns", coreToCoreAfterNanos);
        List<Map<String, Object>> processes = new ArrayList<>();
        Map<String, Object> publisher = new LinkedHashMap<>();
        publisher.put("role", "publisher");
        publisher.put("pid", publisherPid);
        publisher.put("cpu_percent", publisherCpuPercent());
        publisher.put("cpu_ns", publisherCpuNanos);
        publisher.put("window_ns", publisherWindowNanos);
        publisher.put("sent", sent);
        processes.add(publisher);
        for (SubscriberFigures figures : subscribers) {
            double rate = figures.messagesPerSecond();
            Map<String, Object> subscriber = new LinkedHashMap<>();
            subscriber.put("role", "subscriber");
            subscriber.put("index", figures.index);
            subscriber.put("pid", figures.pid);
            subscriber.put("cpu_percent", figures.cpuPercent());
            subscriber.put("cpu_ns", figures.cpuNanos);
            subscriber.put("window_ns", figures.windowNanos);
            subscriber.put("received", figures.received);
            subscriber.put("lost", figures.lost);
            subscriber.put("lost_counted", figures.lostCounted);
            subscriber.put("msgs_per_s", rate);
            subscriber.put("gbytes_per_s", rate * options.size() / 1e9);
            subscriber.put("checksum", figures.checksum);
            processes.add(subscriber);
        }
        json.put("processes", processes);
        json.put("notes", notes);
        return Json.compact(json);
    }
}

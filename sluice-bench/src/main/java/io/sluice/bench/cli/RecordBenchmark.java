package io.sluice.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.Main;
import io.sluice.cli.record.BagTypes;
import io.sluice.record.McapCompression;
import io.sluice.record.McapWriter;
import io.sluice.record.McapWriterOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice bench record}: how fast recording is, each figure beside what the machine itself does in the same run.
 *
 * <ol>
 *   <li><b>Write throughput</b> of {@link McapWriter} at 1 MB and 8 MB messages (from a shared-memory segment, as a
 *       recorder writes them) to {@code /dev/shm} and to a directory on disk, timed until the file is on its device
 *       ({@code fsync} after the last write), beside {@code dd} writing the same number of bytes to the same file
 *       system: with direct I/O ({@code oflag=direct}) on disk, plainly on tmpfs, which has no direct I/O. Best of
 *       three.</li>
 *   <li><b>zstd</b> (level 1): MB of messages per second of the writing thread's CPU, on camera-like data (smooth
 *       gradients with noise).</li>
 *   <li><b>The demo camera recorded</b> (68.6 MB frame sets at 15 Hz, uncompressed) by {@code sluice record} in its
 *       own process, to {@code /dev/shm}, to {@code /dev/shm} without CRCs and to disk: messages the recorder lost,
 *       and the demo controller's latency (p50, p99 of /camera/rgb and /camera/points) against a run of the demo
 *       without a recorder in the same round; {@code --rounds} rounds, and the medians of their ratios.</li>
 *   <li><b>Playback</b> with {@code --rate 0} of a recording of raw 8 MiB frames ({@code --bytes} of them): GB/s of
 *       messages published (as {@code sluice play} times itself), beside a plain copy of the same bytes in memory.</li>
 * </ol>
 */
@Command(name = "record", mixinStandardHelpOptions = true,
    description = "Recording: MCAP write throughput against dd, zstd per core, the demo camera recorded (losses,"
        + " controller latency against no recorder), playback speed.")
public final class RecordBenchmark implements Callable<Integer> {
    @Option(names = "--disk", paramLabel = "DIR",
        description = "a directory on the disk to write to (default: target/bench-record of the repository)")
    Path disk;

    @Option(names = "--bytes", paramLabel = "BYTES", defaultValue = "2000000000",
        description = "bytes each throughput run writes (default: ${DEFAULT-VALUE})")
    long bytes;

    @Option(names = "--demo-seconds", paramLabel = "SECONDS", defaultValue = "8",
        description = "how long each demo run lasts (default: ${DEFAULT-VALUE})")
    int demoSeconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
        description = "rounds of the demo runs (without a recorder, with one to /dev/shm, without CRCs, to disk),"
            + " for medians (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--quick", description = "smaller runs: 400 MB, 4 s of demo, 1 round")
    boolean quick;

    private final PrintStream out;
    private final PrintStream err;

    public RecordBenchmark(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() throws Exception {
        if (disk == null) {
            disk = Path.of(System.getProperty("sluice.root", "."), "target", "bench-record");
        }
        if (quick) {
            bytes = Math.min(bytes, 400_000_000L);
            demoSeconds = Math.min(demoSeconds, 4);
            rounds = 1;
        }
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "sluice-bench-record-");
        Files.createDirectories(disk);
        Path diskDir = Files.createTempDirectory(disk, "run-");
        try {
            out.println("# sluice bench record");
            out.printf(Locale.ROOT, "settings: %d MB per throughput run (best of 3), demo runs of %d s, disk dir %s%n",
                bytes / 1_000_000, demoSeconds, disk);
            out.println("machine: " + Machine.describe().describeLine());
            out.println();
            throughput(shm, diskDir);
            zstd(shm);
            demo(shm, diskDir);
            return 0;
        } finally {
            deleteTree(shm);
            deleteTree(diskDir);
        }
    }

    private void throughput(Path shm, Path diskDir) throws Exception {
        out.println("## MCAP write throughput (uncompressed, timed to the fsync), against dd to the same file system");
        out.println("| file system | message | MCAP GB/s | dd GB/s, direct I/O | MCAP / dd direct | dd GB/s, buffered"
            + " + fsync | MCAP / dd buffered |");
        out.println("|---|---|---|---|---|---|---|");
        for (Path dir : List.of(shm, diskDir)) {
            boolean tmpfs = dir.startsWith("/dev/shm");
            for (int size : new int[] {1 << 20, 8 << 20}) {
                double mcap = 0;
                double direct = 0;
                double buffered = 0;
                for (int run = 0; run < 3; run++) {
                    mcap = Math.max(mcap, mcapWrite(dir.resolve("t.mcap"), size, McapCompression.NONE)[0]);
                    if (!tmpfs) {
                        direct = Math.max(direct, dd(dir.resolve("dd.bin"), size, "oflag=direct"));
                    }
                    buffered = Math.max(buffered, dd(dir.resolve("dd.bin"), size, "conv=fsync"));
                }
                out.printf(Locale.ROOT, "| %s | %d MiB | %.2f | %s | %s | %.2f | %.2f |%n", tmpfs ? "/dev/shm (tmpfs)"
                        : "disk (" + fileSystem(dir) + ")", size >> 20, mcap,
                    tmpfs ? "(none on tmpfs)" : String.format(Locale.ROOT, "%.2f", direct),
                    tmpfs ? "" : String.format(Locale.ROOT, "%.2f", mcap / direct), buffered, mcap / buffered);
            }
        }
        out.println();
    }

    /** GB/s and CPU seconds of the writing thread, for {@link #bytes} of messages of {@code size}. */
    private double[] mcapWrite(Path file, int size, McapCompression compression) throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment frame = cameraLike(arena, size);
            long count = Math.max(1, bytes / size);
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            try (McapWriter writer = McapWriter.create(file, McapWriterOptions.defaults().withCompression(compression)
                .withLibrary("sluice bench record"))) {
                int schema = writer.schema("sensor_msgs/msg/Image", "ros2msg",
                    io.sluice.msg.sensor_msgs.Image.TYPE.schema().getBytes(StandardCharsets.UTF_8));
                int channel = writer.channel("/camera/rgb", schema, "cdr", Map.of());
                for (long i = 0; i < count; i++) {
                    writer.write(channel, i, i, i, frame);
                }
            }
            try (java.nio.channels.FileChannel written = java.nio.channels.FileChannel.open(file)) {
                written.force(true); // on disk, the bytes are there when the clock stops, as dd's direct I/O has them
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
            Files.delete(file);
            return new double[] {count * (double) size / seconds / 1e9, cpuSeconds, count * (double) size};
        }
    }

    /** dd writing the same bytes in blocks of {@code size}, with {@code flag}: GB/s from what it reports. */
    private double dd(Path file, int size, String flag) throws Exception {
        List<String> command = new ArrayList<>(List.of("dd", "if=/dev/zero", "of=" + file, "bs=" + size,
            "count=" + Math.max(1, bytes / size), flag));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(600, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("dd failed: " + output);
        }
        Files.deleteIfExists(file);
        // "... copied, 1.234 s, 1.6 GB/s": bytes over seconds, not dd's rounded rate
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+) bytes .* copied, ([0-9.]+) s")
            .matcher(output);
        if (!matcher.find()) {
            throw new IOException("cannot read dd's output: " + output);
        }
        return Long.parseLong(matcher.group(1)) / Double.parseDouble(matcher.group(2)) / 1e9;
    }

    private void zstd(Path shm) throws IOException {
        out.println("## zstd (level 1) per core, camera-like 8 MiB frames, to /dev/shm");
        double[] plain = mcapWrite(shm.resolve("z.mcap"), 8 << 20, McapCompression.NONE);
        double[] zstd = mcapWrite(shm.resolve("z.mcap"), 8 << 20, McapCompression.ZSTD);
        out.printf(Locale.ROOT, "zstd: %.0f MB/s per CPU second of the writing thread (%.2f GB/s wall);"
                + " uncompressed: %.0f MB/s per CPU second; zstd / uncompressed (CPU): %.2f%n%n",
            zstd[2] / zstd[1] / 1e6, zstd[0], plain[2] / plain[1] / 1e6, (zstd[2] / zstd[1]) / (plain[2] / plain[1]));
    }

    private void demo(Path shm, Path diskDir) throws Exception {
        out.println("## The demo camera recorded (68.6 MB frame sets at 15 Hz, uncompressed, all four topics), "
            + rounds + " rounds");
        out.println("| round | run | frame sets | messages lost by the recorder | recorded GB |"
            + " controller rgb p50 / p99 ms | points p50 / p99 ms | p50 ratio to no recorder (rgb, points) |"
            + " p99 ratio (rgb, points) | demo CPU % (camera + 3 subscribers) | recorder CPU % |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Map<String, List<double[]>> ratios = new java.util.LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            JsonNode alone = demoRun(null);
            row(round, "no recorder", alone, null, null);
            for (String run : List.of("to /dev/shm", "to /dev/shm, --no-crc", "to disk")) {
                Path file = (run.contains("disk") ? diskDir : shm).resolve("demo.mcap");
                JsonNode recorded = run.contains("no-crc") ? demoRun(file, "--no-crc") : demoRun(file);
                ratios.computeIfAbsent(run, key -> new ArrayList<>()).add(row(round, run, recorded, alone, file));
                Files.deleteIfExists(file);
            }
        }
        out.println();
        out.println("Medians over the rounds (each ratio against the run without a recorder of the same round):");
        for (Map.Entry<String, List<double[]>> run : ratios.entrySet()) {
            out.printf(Locale.ROOT, "- %s: lost %.0f of %.0f messages; controller latency p50 %.2f, %.2f;"
                    + " p99 %.2f, %.2f (rgb, points)%n", run.getKey(), median(run.getValue(), 4),
                median(run.getValue(), 5), median(run.getValue(), 0), median(run.getValue(), 1),
                median(run.getValue(), 2), median(run.getValue(), 3));
        }
        out.println();
        playback(shm.resolve("play.mcap"));
    }

    private static double median(List<double[]> rows, int column) {
        double[] values = rows.stream().mapToDouble(row -> row[column]).sorted().toArray();
        return values.length % 2 == 1 ? values[values.length / 2]
            : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private String lastRecord;
    /** CPU of the last recorder process over the demo's run, in % of one core. */
    private double lastRecorderCpu;

    /**
     * Prints one run; returns its ratios to the run without a recorder (p50 rgb, p50 points, p99 rgb, p99 points),
     * the messages the recorder lost and the messages published (four per frame set).
     */
    private double[] row(int round, String name, JsonNode demo, JsonNode alone, Path file) throws IOException {
        JsonNode controller = demo.get("subscribers").get("controller");
        JsonNode rgb = controller.get("/camera/rgb").get("latency_us");
        JsonNode points = controller.get("/camera/points").get("latency_us");
        double[] result = new double[6];
        String p50 = "";
        String p99 = "";
        long frameSets = demo.get("camera").get("frames_published").asLong();
        if (alone != null) {
            JsonNode base = alone.get("subscribers").get("controller");
            JsonNode baseRgb = base.get("/camera/rgb").get("latency_us");
            JsonNode basePoints = base.get("/camera/points").get("latency_us");
            result[0] = rgb.get("p50").asDouble() / baseRgb.get("p50").asDouble();
            result[1] = points.get("p50").asDouble() / basePoints.get("p50").asDouble();
            result[2] = rgb.get("p99").asDouble() / baseRgb.get("p99").asDouble();
            result[3] = points.get("p99").asDouble() / basePoints.get("p99").asDouble();
            result[4] = Double.parseDouble(lost(lastRecord));
            result[5] = 4.0 * frameSets;
            p50 = String.format(Locale.ROOT, "%.2f, %.2f", result[0], result[1]);
            p99 = String.format(Locale.ROOT, "%.2f, %.2f", result[2], result[3]);
        }
        double demoCpu = demo.get("camera").get("cpu_percent").asDouble();
        for (JsonNode subscriber : demo.get("subscribers")) {
            demoCpu += subscriber.get("cpu_percent").asDouble();
        }
        out.printf(Locale.ROOT, "| %d | %s | %d | %s | %s | %.1f / %.1f | %.1f / %.1f | %s | %s | %.0f | %s |%n", round,
            name, frameSets, file == null ? "-" : lost(lastRecord) + " of " + 4 * frameSets,
            file == null ? "-" : String.format(Locale.ROOT, "%.2f", Files.size(file) / 1e9),
            rgb.get("p50").asDouble() / 1000, rgb.get("p99").asDouble() / 1000,
            points.get("p50").asDouble() / 1000, points.get("p99").asDouble() / 1000, p50, p99, demoCpu,
            file == null ? "-" : String.format(Locale.ROOT, "%.0f", lastRecorderCpu));
        return result;
    }

    /** The recorder's "lost N" in its summary line. */
    private static String lost(String summary) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("; lost ([0-9]+)").matcher(summary);
        return matcher.find() ? matcher.group(1) : "?";
    }

    /** One demo run (as its own process), with a recorder process writing {@code file} when not null. */
    private JsonNode demoRun(Path file, String... recorderOptions) throws Exception {
        int domain = 30_000 + (int) (ProcessHandle.current().pid() % 10_000);
        Process recorder = null;
        if (file != null) {
            List<String> args = new ArrayList<>(List.of("record", "-o", file.toString(), "--duration",
                Integer.toString(demoSeconds + 30), "/camera/rgb", "/camera/depth", "/camera/points",
                "/camera/camera_info"));
            args.addAll(List.of(recorderOptions));
            recorder = child(domain, args.toArray(String[]::new));
            Thread.sleep(1500); // its JVM up and waiting for the topics
        }
        long recorderCpuBefore = recorder == null ? 0 : cpuNanos(recorder);
        long demoStart = System.nanoTime();
        Process demo = child(domain, "demo", "--duration", Integer.toString(demoSeconds), "--json");
        String json = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        demo.waitFor(300, TimeUnit.SECONDS);
        if (recorder != null) {
            lastRecorderCpu = 100.0 * (cpuNanos(recorder) - recorderCpuBefore) / (System.nanoTime() - demoStart);
            new ProcessBuilder("kill", "-INT", Long.toString(recorder.pid())).start().waitFor();
            lastRecord = new String(recorder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!recorder.waitFor(120, TimeUnit.SECONDS) || recorder.exitValue() != 0) {
                throw new IOException("the recorder failed: " + lastRecord
                    + new String(recorder.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        JsonNode result = new ObjectMapper().readTree(json);
        if (result == null || result.get("subscribers") == null) {
            throw new IOException("the demo failed: " + json
                + new String(demo.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return result;
    }

    private static long cpuNanos(Process process) {
        return process.toHandle().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    private static Process child(int domain, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
            "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("sluice.root") != null) {
            command.add("-Dsluice.root=" + System.getProperty("sluice.root"));
        }
        command.add(Main.class.getName());
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SLUICE_DOMAIN", Integer.toString(domain));
        return builder.start();
    }

    private void playback(Path file) throws Exception {
        out.println("## Playback with --rate 0 of " + bytes / 1_000_000 + " MB of raw 8 MiB frames from /dev/shm (no"
            + " subscriber), against a copy in memory");
        try (Arena arena = Arena.ofConfined();
             McapWriter writer = McapWriter.create(file, McapWriterOptions.defaults())) {
            // raw frames (a channel of raw bytes, as sluice record writes a MessageType.raw topic)
            int channel = writer.channel("/bench/frames", 0, BagTypes.RAW_ENCODING,
                Map.of("sluice_type_name", "sluice_bench/msg/Frame"));
            MemorySegment frame = cameraLike(arena, 8 << 20);
            for (long i = 0, count = Math.max(1, bytes / (8 << 20)); i < count; i++) {
                writer.write(channel, i, 1_000_000_000L + i * 66_666_667L, 1_000_000_000L + i * 66_666_667L, frame);
            }
        }
        Process play = child(30_000 + (int) (ProcessHandle.current().pid() % 10_000), "play", file.toString(),
            "--rate", "0");
        String output = new String(play.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!play.waitFor(300, TimeUnit.SECONDS) || play.exitValue() != 0) {
            throw new IOException("play failed: " + output);
        }
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(
            "played (\\d+) messages \\(([0-9.]+) MB\\) in ([0-9.]+) s").matcher(output);
        if (!matcher.find()) {
            throw new IOException("cannot read play's output: " + output);
        }
        double playGbs = Double.parseDouble(matcher.group(2)) / 1e3 / Double.parseDouble(matcher.group(3));
        double copyGbs;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment from = cameraLike(arena, 64 << 20);
            MemorySegment to = arena.allocate(64 << 20, 4096);
            double best = 0;
            for (int run = 0; run < 5; run++) {
                long start = System.nanoTime();
                for (int i = 0; i < 16; i++) {
                    MemorySegment.copy(from, 0, to, 0, from.byteSize());
                }
                best = Math.max(best, 16.0 * from.byteSize() / ((System.nanoTime() - start) / 1e9) / 1e9);
            }
            copyGbs = best;
        }
        out.printf(Locale.ROOT, "play: %s messages, %.2f GB/s (timed by play itself, start to end); memory copy of"
            + " 64 MiB blocks: %.2f GB/s; play / copy: %.2f%n", matcher.group(1), playGbs, copyGbs, playGbs / copyGbs);
    }

    /** Bytes like a camera's: smooth gradients with a little noise, so that compression has what real frames give. */
    static MemorySegment cameraLike(Arena arena, int size) {
        MemorySegment frame = arena.allocate(size, 4096);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < size; i++) {
            frame.set(ValueLayout.JAVA_BYTE, i, (byte) ((i % 2208) / 9 + (i / 6624) / 5 + random.nextInt(4)));
        }
        return frame;
    }

    private static String fileSystem(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "?";
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

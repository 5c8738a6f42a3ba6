package io.sluice.bench.peers;

import io.sluice.cli.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the Aeron and JeroMQ peers of {@code sluice bench peers} for real, as the coordinator does: the Aeron media
 * driver, then the receivers, each a child JVM, until they print {@code READY}, then the sender; checks the
 * {@code RESULT} lines and that the counts of both sides agree (never timings). Short runs, generous timeouts.
 */
class PeerTransportsTest {
    private static final Path SHM = Path.of("/dev/shm");
    private static final long WAIT_SECONDS = 90;

    private final List<Child> children = new ArrayList<>();
    private Path dir;

    @BeforeEach
    void makeDirectory() throws IOException {
        // named as the suite's /dev/shm entries are (see tools/clean-test-shm): removed if this JVM is killed midway
        dir = Files.createTempDirectory(Files.isDirectory(SHM) ? SHM : Path.of(System.getProperty("java.io.tmpdir")),
            "sluice-test-" + ProcessHandle.current().pid() + "-peer-transports-");
    }

    @AfterEach
    void cleanUp() throws IOException {
        for (Child child : children) {
            child.kill();
        }
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
        assertFalse(Files.exists(dir));
    }

    @Test
    @Timeout(180)
    void aeronOfferShouldAnswerEveryPingAndDeliverEveryMessage() throws IOException {
        startDriver();
        latency("aeron-offer", 1024);
        throughput("aeron-offer", 65_536); // 48 frames a message: the receiver reassembles them
        stopDriver();
    }

    @Test
    @Timeout(180)
    void aeronClaimShouldAnswerEveryPingAndDeliverEveryMessage() throws IOException {
        startDriver();
        latency("aeron-claim", 64);
        throughput("aeron-claim", 1024);
        stopDriver();
    }

    @Test
    @Timeout(180)
    void aeronShouldDeliverEveryMessageToEverySink() throws IOException {
        startDriver();
        fanout("aeron-offer", 4096, false);
        stopDriver();
    }

    @Test
    @Timeout(180)
    void jeromqShouldAnswerEveryPingAndDeliverEveryMessage() throws IOException {
        latency("jeromq", 1024);
        throughput("jeromq", 65_536);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".port")).toList(), "port files left behind");
        }
    }

    @Test
    @Timeout(180)
    void jeromqShouldAccountForEveryMessageToEverySink() throws IOException {
        fanout("jeromq", 4096, true);
    }

    @Test
    @Timeout(120)
    void aeronShouldRefuseMessagesAboveItsMaximumLength() {
        // no driver needed: the size is checked before Aeron is reached
        Child source = start("source", harness("aeron-offer", "source", "throughput", 46_137_344, 0));
        assertEquals(3, source.waitFor(), source.diagnostics());
        String error = source.line("ERROR ");
        assertTrue(error.startsWith("ERROR unsupported: Aeron's maximum message length is 16777216 bytes"
            + " (term length 134217728 / 8, at most 16 MiB): a 46137344-byte message cannot be offered"), error);

        Child ping = start("ping", harness("aeron-claim", "ping", "latency", 2048, 0));
        assertEquals(3, ping.waitFor(), ping.diagnostics());
        assertTrue(ping.line("ERROR ").startsWith("ERROR unsupported: Aeron's tryClaim is limited to"
            + " maxPayloadLength = 1376 bytes"), ping.diagnostics());
    }

    // ------------------------------------------------------------------------------------------------ runs

    private void latency(String transport, long size) {
        Child pong = start("pong", harness(transport, "pong", "latency", size, 0));
        pong.awaitReady();
        Child ping = start("ping", harness(transport, "ping", "latency", size, 0));
        Map<String, Object> pinged = ping.result();
        Map<String, Object> ponged = pong.result();
        long count = integer(pinged, "count");
        assertTrue(count > 0, ping.diagnostics());
        assertEquals(count, integer(ponged, "count"), pong.diagnostics());
        for (String key : List.of("p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns")) {
            assertTrue(integer(pinged, key) > 0, key);
        }
        assertTrue(integer(pinged, "p50_ns") <= integer(pinged, "max_ns"), ping.diagnostics());
        assertTrue(number(pinged, "roundtrips_per_s") > 0, ping.diagnostics());
    }

    private void throughput(String transport, long size) {
        Child sink = start("sink", harness(transport, "sink", "throughput", size, 0));
        sink.awaitReady();
        Child source = start("source", harness(transport, "source", "throughput", size, 0));
        Map<String, Object> sent = source.result();
        Map<String, Object> received = sink.result();
        long count = integer(sent, "sent");
        assertTrue(count > 0, source.diagnostics());
        assertTrue(number(sent, "seconds") > 0, source.diagnostics());
        assertEquals(count, integer(received, "received"), sink.diagnostics());
        assertEquals(0, integer(received, "lost"), sink.diagnostics());
        assertEquals(count * size, integer(received, "bytes"), sink.diagnostics());
    }

    private void fanout(String transport, long size, boolean lossy) {
        int subs = 2;
        List<Child> sinks = new ArrayList<>();
        for (int i = 0; i < subs; i++) {
            Child sink = start("sink" + i, harness(transport, "sink", "fanout", size, i, "subs=" + subs));
            sinks.add(sink);
        }
        sinks.forEach(Child::awaitReady);
        Child source = start("source", harness(transport, "source", "fanout", size, 0, "subs=" + subs));
        long sent = integer(source.result(), "sent");
        assertTrue(sent > 0, source.diagnostics());
        for (Child sink : sinks) {
            Map<String, Object> result = sink.result();
            long received = integer(result, "received");
            long lost = integer(result, "lost");
            assertTrue(received > 0, sink.diagnostics());
            if (lossy) { // every measured message arrived or is counted lost
                assertEquals(sent, received + lost, sink.diagnostics());
            } else {
                assertEquals(sent, received, sink.diagnostics());
                assertEquals(0, lost, sink.diagnostics());
            }
            assertTrue(integer(result, "p50_ns") > 0, sink.diagnostics());
        }
    }

    private List<String> harness(String transport, String role, String workload, long size, int index,
                                 String... extra) {
        List<String> command = new ArrayList<>(List.of(PeerHarness.class.getName(), transport, role,
            "workload=" + workload, "name=t" + ProcessHandle.current().pid(), "dir=" + dir, "size=" + size,
            "touch=1", "warmup=0.5", "duration=1", "rate=200", "subs=1", "index=" + index, "wait=block"));
        command.addAll(List.of(extra)); // later keys win
        return command;
    }

    private Child driver;

    private void startDriver() {
        driver = start("driver", List.of(AeronDriver.class.getName(), "dir=" + AeronTransport.aeronDir(dir.toString())));
        driver.awaitReady();
        assertTrue(Files.isDirectory(AeronTransport.aeronDir(dir.toString())), driver.diagnostics());
    }

    private void stopDriver() {
        driver.closeInput();
        assertEquals(0, driver.waitFor(), driver.diagnostics());
        assertFalse(Files.exists(AeronTransport.aeronDir(dir.toString())), "the driver left its directory");
    }

    private static long integer(Map<String, Object> result, String key) {
        double value = number(result, key);
        assertEquals(Math.rint(value), value, key + " is not an integer: " + result);
        return (long) value;
    }

    private static double number(Map<String, Object> result, String key) {
        Object value = result.get(key);
        if (!(value instanceof Number number)) {
            throw new AssertionError("no number " + key + " in " + result);
        }
        return number.doubleValue();
    }

    // ---------------------------------------------------------------------------------------------- child JVMs

    private Child start(String name, List<String> mainAndArguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "--add-exports",
            "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArguments);
        try {
            Path err = dir.resolve(name + ".err");
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            Child child = new Child(name, process, err);
            children.add(child);
            return child;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** A child JVM whose stdout lines are collected as they come. */
    private static final class Child {
        private final String name;
        private final Process process;
        private final Path err;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Child(String name, Process process, Path err) {
            this.name = name;
            this.process = process;
            this.err = err;
            this.reader = Thread.ofPlatform().daemon().name("stdout-" + name).start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    lines.add("(stdout: " + e + ")");
                }
            });
        }

        void awaitReady() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (!lines.contains("READY")) {
                if (!process.isAlive() && !reader.isAlive() || System.nanoTime() - deadline > 0) {
                    kill();
                    fail(name + " did not print READY\n" + diagnostics());
                }
                sleep();
            }
        }

        int waitFor() {
            try {
                if (!process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    kill();
                    fail(name + " did not exit within " + WAIT_SECONDS + " s\n" + diagnostics());
                }
                reader.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new AssertionError("interrupted", e);
            }
            return process.exitValue();
        }

        /** Waits for exit 0 and returns the RESULT object. */
        Map<String, Object> result() {
            assertEquals(0, waitFor(), diagnostics());
            String line = line("RESULT ");
            return Json.parseObject(line.substring("RESULT ".length()));
        }

        /** The one line starting with {@code prefix}. */
        String line(String prefix) {
            List<String> found = lines.stream().filter(l -> l.startsWith(prefix)).toList();
            assertEquals(1, found.size(), "lines starting with '" + prefix + "'\n" + diagnostics());
            return found.getFirst();
        }

        void closeInput() {
            try {
                process.getOutputStream().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void kill() {
            if (process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        String diagnostics() {
            String errors;
            try {
                errors = Files.exists(err) ? Files.readString(err) : "";
            } catch (IOException e) {
                errors = "(" + e + ")";
            }
            if (errors.length() > 8000) {
                errors = "..." + errors.substring(errors.length() - 8000);
            }
            return name + " stdout:\n" + String.join("\n", lines) + "\n" + name + " stderr:\n" + errors;
        }

        private static void sleep() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}

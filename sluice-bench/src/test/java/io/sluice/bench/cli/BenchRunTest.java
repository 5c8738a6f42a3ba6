package io.sluice.bench.cli;

import io.sluice.cli.json.Json;
import io.sluice.cli.ShmLease;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Short runs with real child JVMs. They check behaviour only — the report's fields, that every message sent was
 * received, that nothing was lost, that the run's domain directory is gone afterwards — never speed.
 */
class BenchRunTest {
    private static final List<String> REQUIRED = List.of("p50_ns", "p99_ns", "max_ns", "msgs_per_s",
        "gbytes_per_s", "settings", "machine", "processes", "sent", "received", "lost");

    /** The run's default domain directory, leased so that it goes if this JVM is killed midway (see ShmLease). */
    private ShmLease domain;

    @BeforeEach
    void leaseDomain() {
        domain = ShmLease.of(ShmLease.domainDirectory(50000 + (int) (ProcessHandle.current().pid() % 10000)));
    }

    @AfterEach
    void releaseDomain() {
        domain.close();
    }

    @Test
    @Timeout(120)
    void shouldMeasureLatencyAcrossProcessesWithoutLoss() throws Exception {
        Map<String, Object> report = runJson("latency", "--size", "1KB", "--touch", "--subscribers", "2",
            "--count", "300", "--warmup-count", "30", "--wait", "block");
        REQUIRED.forEach(field -> assertTrue(report.containsKey(field), field));
        assertEquals("latency", report.get("benchmark"));
        assertEquals(300L, report.get("sent"));
        assertEquals(600L, report.get("received")); // every subscriber got every measured ping
        assertEquals(600L, report.get("samples"));
        assertEquals(0L, report.get("lost"));
        assertNotNull(report.get("p50_ns"));
        assertTrue(((Number) report.get("max_ns")).doubleValue() >= ((Number) report.get("p99_ns")).doubleValue());
        assertTrue(((Number) report.get("p99_ns")).doubleValue() >= ((Number) report.get("p50_ns")).doubleValue());
        List<Map<String, Object>> processes = processes(report);
        assertEquals(3, processes.size());
        assertEquals("publisher", processes.get(0).get("role"));
        for (Map<String, Object> subscriber : processes.subList(1, 3)) {
            assertEquals("subscriber", subscriber.get("role"));
            assertEquals(300L, subscriber.get("received"));
            assertEquals(0L, subscriber.get("lost"));
            assertEquals(0L, subscriber.get("lost_counted"));
            assertTrue(subscriber.containsKey("cpu_percent"));
        }
        assertDomainCleaned(report);
    }

    @Test
    @Timeout(120)
    void shouldDeliverEveryMessageToEveryReliableSubscriber() throws Exception {
        Map<String, Object> report = runJson("throughput", "--size", "64B", "--subscribers", "2", "--count",
            "20000", "--warmup-count", "1000");
        REQUIRED.forEach(field -> assertTrue(report.containsKey(field), field));
        assertEquals("throughput", report.get("benchmark"));
        assertEquals(20000L, report.get("sent"));
        assertEquals(40000L, report.get("received"));
        assertEquals(0L, report.get("lost"));
        for (Map<String, Object> subscriber : processes(report).subList(1, 3)) {
            assertEquals(20000L, subscriber.get("received"));
            assertEquals(0L, subscriber.get("lost"));
            assertEquals(0L, subscriber.get("lost_counted"));
        }
        assertEquals(512L, settings(report).get("slots"));
        assertDomainCleaned(report);
    }

    @Test
    @Timeout(120)
    void shouldReadEveryByteOfLargeTouchedMessages() throws Exception {
        Map<String, Object> report = runJson("throughput", "--size", "1MB", "--touch", "--count", "40",
            "--warmup-count", "4");
        assertEquals(40L, report.get("sent"));
        assertEquals(40L, report.get("received"));
        assertEquals(0L, report.get("lost"));
        assertTrue(((Number) processes(report).get(1).get("checksum")).doubleValue() != 0.0);
        assertDomainCleaned(report);
    }

    @Test
    @Timeout(120)
    void shouldReportIdleCpuOfABlockingSubscriber() throws Exception {
        Map<String, Object> report = runJson("idle", "--warmup", "0", "--duration", "500ms");
        REQUIRED.forEach(field -> assertTrue(report.containsKey(field), field));
        assertTrue(report.containsKey("idle_cpu_percent"));
        assertEquals(0L, report.get("received"));
        assertEquals("block", settings(report).get("wait"));
        assertDomainCleaned(report);
    }

    @Test
    @Timeout(120)
    void shouldPrintSettingsAndMachineBeforeResults() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"latency", "--count", "50", "--warmup-count", "5", "--wait",
            "block"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, status);
        String text = out.toString(StandardCharsets.UTF_8);
        int settings = text.indexOf("settings: size=64B");
        int machine = text.indexOf("machine: cpu=");
        int results = text.indexOf("one-way latency (ns): p50=");
        assertTrue(settings >= 0 && machine > settings && results > machine, text);
        assertTrue(text.contains("lost: 0"), text);
    }

    private static Map<String, Object> runJson(String... args) throws Exception {
        String[] withJson = new String[args.length + 1];
        System.arraycopy(args, 0, withJson, 0, args.length);
        withJson[args.length] = "--json";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = BenchCommand.run(withJson, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        String text = out.toString(StandardCharsets.UTF_8).trim();
        assertEquals(0, status, text);
        assertTrue(text.startsWith("{") && text.endsWith("}") && text.lines().count() == 1, text);
        @SuppressWarnings("unchecked")
        Map<String, Object> report = (Map<String, Object>) Json.parse(text);
        return report;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> processes(Map<String, Object> report) {
        return (List<Map<String, Object>>) report.get("processes");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> settings(Map<String, Object> report) {
        return (Map<String, Object>) report.get("settings");
    }

    private static void assertDomainCleaned(Map<String, Object> report) throws Exception {
        int domain = ((Number) settings(report).get("domain")).intValue();
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Path directory = Path.of("/dev/shm", "sluice-" + uid + "-" + domain);
        assertFalse(Files.exists(directory), "domain directory left behind: " + directory);
    }
}

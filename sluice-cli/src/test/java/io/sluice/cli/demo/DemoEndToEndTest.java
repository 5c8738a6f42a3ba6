package io.sluice.cli.demo;

import io.sluice.cli.Main;
import io.sluice.cli.ShmLease;
import io.sluice.cli.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code sluice demo --json} for real: four child JVMs moving 63 MB sets of ROS 2 messages through /dev/shm. */
class DemoEndToEndTest {
    private static final Path SHM = Path.of("/dev/shm");
    /** Topic, ROS 2 type, and what the monitor decodes from the schema the topic carries. */
    private static final Map<String, List<String>> TOPICS = Map.of(
        "/camera/rgb", List.of("sensor_msgs/msg/Image", "rgb8 2208x1242"),
        "/camera/depth", List.of("sensor_msgs/msg/Image", "32FC1 2208x1242"),
        "/camera/points", List.of("sensor_msgs/msg/PointCloud2", "x,y,z,rgb 16B 2208x1242"),
        "/camera/camera_info", List.of("sensor_msgs/msg/CameraInfo", "plumb_bob fx=1057.31"));

    @Test
    @Timeout(120)
    void shouldMoveEveryTopicToEverySubscriberIntactAsRos2MessagesAndCleanUp() throws IOException {
        // the demo's domain directory, leased so that it goes if this JVM is killed midway (see ShmLease); released
        // only after the test has checked that the demo removed it itself
        int domain = DemoDomain.choose(System.getenv("SLUICE_DOMAIN"), ProcessHandle.current().pid());
        try (ShmLease lease = ShmLease.of(ShmLease.domainDirectory(domain))) {
            runTheDemoAndCheckIt();
        }
    }

    private static void runTheDemoAndCheckIt() throws IOException {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            exitCode = Main.run(new String[] {"demo", "--duration", "3", "--json"}, out, err);
        }
        String output = outBytes.toString(StandardCharsets.UTF_8);
        String diagnostics = "stdout:\n" + output + "\nstderr:\n" + errBytes.toString(StandardCharsets.UTF_8);

        Map<String, Object> result = Json.parseObject(output); // exactly one JSON object, nothing else
        assertEquals(Boolean.TRUE, result.get("ok"), diagnostics);
        assertEquals(0, exitCode, diagnostics);
        Map<String, Object> camera = ChildReport.object(result, "camera");
        long published = ChildReport.integer(camera, "frames_published");
        assertTrue(published > 0, diagnostics);
        Map<String, Object> cameraTopics = ChildReport.object(camera, "topics");
        assertEquals(TOPICS.keySet(), cameraTopics.keySet(), diagnostics);
        TOPICS.forEach((topic, expected) -> {
            Map<String, Object> description = ChildReport.object(cameraTopics, topic);
            assertEquals(expected.get(0), description.get("type"), topic);
            assertTrue(ChildReport.integer(description, "message_bytes") > 0, topic);
        });
        assertTrue(ChildReport.integer(ChildReport.object(cameraTopics, "/camera/points"), "message_bytes")
            > 43_877_376L, diagnostics);

        Map<String, Object> subscribers = ChildReport.object(result, "subscribers");
        for (String role : List.of("controller", "recorder", "monitor")) {
            Map<String, Object> subscriber = ChildReport.object(subscribers, role);
            TOPICS.forEach((topic, expected) -> {
                Map<String, Object> figures = ChildReport.object(subscriber, topic);
                String where = role + " " + topic + "\n" + diagnostics;
                assertEquals(expected.get(0), figures.get("type"), where);
                assertTrue(ChildReport.integer(figures, "frames") > 0, where);
                assertEquals(0, ChildReport.integer(figures, "torn"), where);
                assertEquals(0, ChildReport.integer(figures, "uncounted"), where);
                assertEquals(0, ChildReport.integer(figures, "out_of_order"), where);
                if (role.equals("recorder")) { // every frame verified, or counted lost
                    assertEquals(published, ChildReport.integer(figures, "frames")
                        + ChildReport.integer(figures, "lost"), where);
                }
                if (role.equals("monitor")) { // decoded from the type and schema the topic carries
                    assertTrue(ChildReport.integer(figures, "decoded") > 0, where);
                    assertEquals(0, ChildReport.integer(figures, "decode_errors"), where);
                    assertEquals(expected.get(1), figures.get("decoded_as"), where);
                }
            });
            assertTrue(subscriber.get("cpu_percent") instanceof Number, diagnostics);
        }

        String domainSuffix = "-" + ChildReport.integer(result, "domain");
        try (Stream<Path> entries = Files.list(SHM)) {
            List<String> leftOver = entries.map(entry -> entry.getFileName().toString())
                .filter(name -> name.endsWith(domainSuffix) && !name.startsWith("sluice-test-")) // not the lease
                .toList();
            assertEquals(List.of(), leftOver, "left under " + SHM);
        }
    }
}

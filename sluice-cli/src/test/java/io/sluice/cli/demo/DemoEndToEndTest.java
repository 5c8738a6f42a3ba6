package io.sluice.cli.demo;

import io.sluice.cli.Main;
import io.sluice.cli.json.JsonReader;
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

/** Runs {@code sluice demo --json} for real: four child JVMs moving 60 MB frame sets through /dev/shm. */
class DemoEndToEndTest {
    private static final Path SHM = Path.of("/dev/shm");

    @Test
    @Timeout(120)
    void shouldMoveEveryTopicToEverySubscriberIntactAndCleanUp() throws IOException {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8)) {
            exitCode = Main.run(new String[] {"demo", "--duration", "3", "--json"}, out, err);
        }
        String output = outBytes.toString(StandardCharsets.UTF_8);
        String diagnostics = "stdout:\n" + output + "\nstderr:\n" + errBytes.toString(StandardCharsets.UTF_8);

        Map<String, Object> result = JsonReader.parseObject(output); // exactly one JSON object, nothing else
        assertEquals(Boolean.TRUE, result.get("ok"), diagnostics);
        assertEquals(0, exitCode, diagnostics);
        assertTrue(ChildReport.integer(ChildReport.object(result, "camera"), "frames_published") > 0, diagnostics);
        Map<String, Object> subscribers = ChildReport.object(result, "subscribers");
        for (String role : List.of("controller", "recorder", "monitor")) {
            Map<String, Object> subscriber = ChildReport.object(subscribers, role);
            for (DemoTopic topic : DemoTopic.values()) {
                Map<String, Object> figures = ChildReport.object(subscriber, topic.topicName());
                String where = role + " " + topic.topicName() + "\n" + diagnostics;
                assertTrue(ChildReport.integer(figures, "frames") > 0, where);
                assertEquals(0, ChildReport.integer(figures, "torn"), where);
                assertEquals(0, ChildReport.integer(figures, "uncounted"), where);
            }
            assertTrue(subscriber.get("cpu_percent") instanceof Number, diagnostics);
        }

        String domainSuffix = "-" + ChildReport.integer(result, "domain");
        try (Stream<Path> entries = Files.list(SHM)) {
            List<String> leftOver = entries.map(entry -> entry.getFileName().toString())
                .filter(name -> name.endsWith(domainSuffix))
                .toList();
            assertEquals(List.of(), leftOver, "left under " + SHM);
        }
    }
}

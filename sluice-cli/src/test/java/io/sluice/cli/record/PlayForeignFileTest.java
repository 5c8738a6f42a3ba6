package io.sluice.cli.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.cli.CliRun;
import io.sluice.cli.TestDomain;
import io.sluice.msg.geometry_msgs.Point;
import io.sluice.testing.NodePackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file that another MCAP implementation wrote in the {@code ros2} profile (Foxglove's {@code @mcap/core}, through
 * sluice-record's oracle, {@code sluice-record/src/test/node/mcap-oracle.mjs}) played by {@code sluice play} into
 * subscribers of Sluice's own generated types: every message arrives with the values the oracle encoded.
 */
@Timeout(300)
class PlayForeignFileTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void shouldPlayWhatMcapCoreWroteIntoSubscribersOfTheGeneratedTypes(String compression) throws Exception {
        Path file = dir.resolve("foreign-" + compression + ".mcap");
        writeWithMcapCore(file, compression);
        try (TestDomain domain = TestDomain.create("foreign", 8);
             Sluice sluice = domain.open("viewer");
             Subscriber<io.sluice.msg.std_msgs.String> chatter = sluice.subscriber("/chatter",
                 io.sluice.msg.std_msgs.String.TYPE, Qos.reliable(64));
             Subscriber<Point> point = sluice.subscriber("/point", Point.TYPE, Qos.reliable(64))) {
            CompletableFuture<CliRun> played = domain.async("play", file.toString(), "--rate", "0");
            // the oracle writes 40 messages: i % 3 != 2 on /chatter ("hello i"), the others on /point (i, -i/4, 0.5)
            List<String> texts = new ArrayList<>();
            List<String> points = new ArrayList<>();
            List<String> expectedTexts = new ArrayList<>();
            List<String> expectedPoints = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                if (i % 3 != 2) {
                    expectedTexts.add("hello " + i);
                    try (Sample<io.sluice.msg.std_msgs.String> sample = chatter.take(Duration.ofSeconds(60))) {
                        assertNotNull(sample, "message " + i);
                        texts.add(sample.message().data());
                    }
                } else {
                    expectedPoints.add(i + " " + (-i / 4.0) + " 0.5");
                    try (Sample<Point> sample = point.take(Duration.ofSeconds(60))) {
                        assertNotNull(sample, "message " + i);
                        points.add((long) sample.message().x() + " " + sample.message().y() + " " + sample.message().z());
                    }
                }
            }
            assertEquals(expectedTexts, texts);
            assertEquals(expectedPoints, points);
            CliRun result = played.get(60, TimeUnit.SECONDS);
            assertEquals(0, result.code(), result.err());
            assertTrue(result.out().startsWith("played 40 messages ("), result.out());
        }
    }

    /** Runs the MCAP oracle's writer (node and npm: skipped without them, failing with CI=true). */
    private static void writeWithMcapCore(Path file, String compression) throws IOException, InterruptedException {
        NodePackage node = NodePackage.prepare("the MCAP oracle", "../sluice-record", Path.of("target", "mcap-oracle"),
            List.of("package.json", "package-lock.json", "mcap-oracle.mjs"));
        Process process = new ProcessBuilder(node.node().toString(), "mcap-oracle.mjs", "write", file.toString(),
            compression).directory(node.work().toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError("the MCAP oracle failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }
}

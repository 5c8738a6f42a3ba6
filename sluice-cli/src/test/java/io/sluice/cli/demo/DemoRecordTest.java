package io.sluice.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.cli.CliRun;
import io.sluice.cli.ShmLease;
import io.sluice.msg.CdrMessage;
import io.sluice.record.McapMessage;
import io.sluice.record.McapReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo camera recorded with {@code sluice record} while its controller runs: every recorded frame of every topic
 * is intact (each pixel and point checked against the frame number its stamp gives), in order, and every frame the
 * camera published is either in the file or counted as lost by the recorder; the controller meanwhile sees no torn,
 * uncounted or out-of-order frame.
 */
class DemoRecordTest {


    @Test
    @Timeout(180)
    void shouldRecordEveryFrameOfTheDemoCameraIntactWhileItsControllerRuns() throws Exception {
        int domain = DemoDomain.choose(System.getenv("SLUICE_DOMAIN"), ProcessHandle.current().pid());
        Path files = Path.of("/dev/shm", "sluice-test-" + ProcessHandle.current().pid() + "-demo-record");
        // the demo's domain directory, leased so that it goes when the test ends (the recorder outlives the demo)
        try (ShmLease ignored = ShmLease.of(ShmLease.domainDirectory(domain))) {
            Files.createDirectories(files);
            Path file = files.resolve("demo.mcap");
            String[] topics = Stream.of(DemoTopic.values()).map(DemoTopic::topicName).toArray(String[]::new);
            // the recorder in a process of its own, waiting for the topics; stopped with Ctrl-C once the demo is done
            Path log = files.resolve("recorder");
            Process recorder = CliRun.start(log, Stream.concat(Stream.of("record", "-o", file.toString(), "--domain",
                Integer.toString(domain)), Stream.of(topics)).toArray(String[]::new));
            awaitWaiting(recorder, log);
            CliRun demo = CliRun.run("demo", "--duration", "3", "--json");
            CliRun.interrupt(recorder);
            assertTrue(recorder.waitFor(120, TimeUnit.SECONDS), "the recorder ends on Ctrl-C");
            CliRun recorded = new CliRun(recorder.exitValue(), Files.readString(files.resolve("recorder.out")),
                Files.readString(files.resolve("recorder.err")));
            String diagnostics = "demo:\n" + demo + "\nrecord:\n" + recorded;
            assertEquals(0, recorded.code(), diagnostics);
            JsonNode result = new ObjectMapper().readTree(demo.out());
            // the recorder outlives the demo, so the demo cannot remove the domain's directory: its only complaint
            JsonNode problems = result.get("problems");
            if (demo.code() != 0) {
                assertEquals(1, problems.size(), diagnostics);
                assertTrue(problems.get(0).asText().startsWith("domain directory left behind: "), diagnostics);
            }
            long published = result.get("camera").get("frames_published").asLong();
            JsonNode controller = result.get("subscribers").get("controller");
            for (DemoTopic topic : DemoTopic.values()) {
                JsonNode figures = controller.get(topic.topicName());
                assertEquals(0, figures.get("torn").asLong(), diagnostics);
                assertEquals(0, figures.get("uncounted").asLong(), diagnostics);
                assertEquals(0, figures.get("out_of_order").asLong(), diagnostics);
            }

            Map<String, Long> frames = new HashMap<>();
            Map<String, Long> last = new HashMap<>();
            FrameVerifier verifier = new FrameVerifier();
            try (McapReader reader = McapReader.open(file)) {
                Iterator<McapMessage> messages = reader.messages();
                while (messages.hasNext()) {
                    McapMessage message = messages.next();
                    DemoTopic topic = Stream.of(DemoTopic.values())
                        .filter(t -> t.topicName().equals(message.channel().topic())).findFirst().orElseThrow();
                    long frame = verifier.verify(topic, (CdrMessage) topic.type().wrap(message.data()));
                    assertTrue(frame >= 0, topic.topicName() + ": " + verifier.problem());
                    assertTrue(frame > last.getOrDefault(topic.topicName(), -1L), topic.topicName() + ": out of order");
                    last.put(topic.topicName(), frame);
                    frames.merge(topic.topicName(), 1L, Long::sum);
                }
            }
            for (DemoTopic topic : DemoTopic.values()) {
                Matcher line = Pattern.compile(Pattern.quote(topic.topicName()) + " \\[[^]]+]: ([0-9]+) messages, [0-9.]+"
                    + " MB, lost ([0-9]+)\n").matcher(recorded.out());
                assertTrue(line.find(), diagnostics);
                long count = Long.parseLong(line.group(1));
                long lost = Long.parseLong(line.group(2));
                assertEquals(frames.getOrDefault(topic.topicName(), 0L), count, topic.topicName() + "\n" + diagnostics);
                assertTrue(count > 0, topic.topicName() + "\n" + diagnostics);
                // every frame published is in the file or counted lost (the recorder joined before the first)
                assertEquals(published, count + lost, topic.topicName() + "\n" + diagnostics);
            }
        } finally {
            try (Stream<Path> walk = Files.exists(files) ? Files.walk(files) : Stream.empty()) {
                walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Waits until the recorder has looked at the domain once and waits for the topics (it says so). */
    private static void awaitWaiting(Process recorder, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path err = log.resolveSibling(log.getFileName() + ".err");
        while (!(Files.exists(err) && Files.readString(err).contains("sluice record: recording into "))) {
            assertTrue(recorder.isAlive(), () -> "the recorder ended: " + quietly(log));
            assertTrue(System.nanoTime() < deadline, () -> "the recorder did not start within 60 s: " + quietly(log));
            Thread.sleep(20);
        }
    }

    private static String quietly(Path log) {
        try {
            return CliRun.printed(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

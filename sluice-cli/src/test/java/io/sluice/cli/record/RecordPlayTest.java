package io.sluice.cli.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.cli.CliRun;
import io.sluice.cli.TestDomain;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.record.McapChannel;
import io.sluice.record.McapMessage;
import io.sluice.record.McapReader;
import io.sluice.record.McapRecovery;
import io.sluice.record.McapWriterOptions;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sluice record} and {@code sluice play}: every recorded message is the one published, in order, with the
 * topic's schema; files split without a gap; Ctrl-C finishes the file; a killed recorder's file is recovered; a
 * recording plays back into a subscriber of the recorded type byte for byte.
 */
@Timeout(180)
class RecordPlayTest {
    private static final int DOMAIN = 6;
    /** Pixels of each test frame: 4 bytes of frame number, then a pattern of it. */
    private static final int PIXELS = 64 * 48;

    @TempDir
    Path dir;
    private TestDomain domain;
    private Sluice sluice;

    @BeforeEach
    void open() {
        domain = TestDomain.create("record", DOMAIN);
        sluice = domain.open("camera");
    }

    @AfterEach
    void close() {
        sluice.close();
        domain.close();
    }





    /** Publishes frame {@code n}: a mono8 image whose stamp and pixels say n. */
    static void publishFrame(Publisher<Image> publisher, int n) {
        try (Loan<Image> loan = publisher.loan(Image.TYPE.withCapacity(PIXELS + 256))) {
            Image image = loan.message();
            image.header().stamp().sec(n).nanosec(0);
            image.header().frameId("cam");
            image.height(48).width(64).encoding("mono8").step(64).dataCount(PIXELS);
            for (int i = 0; i < PIXELS; i++) {
                image.data(i, (byte) (n * 31 + i));
            }
            loan.publish();
        }
    }

    /** The frame number an image carries, after checking every pixel says it too. */
    static int frameOf(MemorySegment bytes) {
        Image image = Image.TYPE.wrap(bytes);
        int n = image.header().stamp().sec();
        assertEquals(PIXELS, image.dataCount());
        MemorySegment data = image.data();
        for (int i = 0; i < PIXELS; i++) {
            if (data.get(ValueLayout.JAVA_BYTE, i) != (byte) (n * 31 + i)) {
                throw new AssertionError("frame " + n + ": pixel " + i + " is wrong");
            }
        }
        return n;
    }

    /** A thread publishing frames every {@code periodMillis} until stopped; its count is the frames published. */
    private Thread streamFrames(Publisher<Image> publisher, AtomicLong count, long periodMillis) {
        return Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                publishFrame(publisher, (int) count.get());
                count.incrementAndGet();
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** The place of "early i" (i) or "late i" (5 + i) among what was published on /late. */
    private static int order(String text) {
        String[] parts = text.split(" ");
        return (parts[0].equals("early") ? 0 : 5) + Integer.parseInt(parts[1].split("#")[0]);
    }

    private static void publishText(Publisher<io.sluice.msg.std_msgs.String> publisher, String text) {
        try (Loan<io.sluice.msg.std_msgs.String> loan = publisher.loan(io.sluice.msg.std_msgs.String.TYPE
            .withCapacity(64))) {
            loan.message().data(text);
            loan.publish();
        }
    }

    /** Waits until {@code publisher} has a subscriber: the recorder joined its topic. */
    private static void awaitSubscriber(Publisher<?> publisher, Process recorder, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (publisher.subscriberCount() == 0) {
            assertTrue(recorder.isAlive(), () -> "the recorder ended: " + printedQuietly(log));
            assertTrue(System.nanoTime() < deadline, () -> "the recorder did not join " + publisher.topic()
                + " within 60 s: " + printedQuietly(log));
            Thread.sleep(10);
        }
    }

    private static String printedQuietly(Path log) {
        try {
            return CliRun.printed(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static List<McapMessage> messages(McapReader reader) {
        List<McapMessage> messages = new ArrayList<>();
        Iterator<McapMessage> iterator = reader.messages();
        iterator.forEachRemaining(messages::add);
        return messages;
    }

    @Test
    void shouldRecordEveryMessageAsPublishedWithTheTopicsSchemaAndSplitWithoutAGap() throws Exception {
        Publisher<Image> camera = sluice.publisher("/camera/rgb", Image.TYPE);
        AtomicLong published = new AtomicLong();
        Thread stream = streamFrames(camera, published, 5);
        Path log = dir.resolve("recorder");
        Process recorder = domain.start(log, "record", "-o",
            dir.resolve("run").toString(), "/camera/rgb", "/late", "--max-size", "200000");
        awaitSubscriber(camera, recorder, log);
        // a topic named before it exists is recorded once it appears; what it published before the recorder joined
        // is counted as lost
        Publisher<io.sluice.msg.std_msgs.String> late = sluice.publisher("/late", io.sluice.msg.std_msgs.String.TYPE);
        for (int i = 0; i < 5; i++) {
            publishText(late, "early " + i);
        }
        awaitSubscriber(late, recorder, log);
        for (int i = 0; i < 50; i++) {
            publishText(late, "late " + i);
            Thread.sleep(10);
        }
        Thread.sleep(500);
        CliRun.interrupt(recorder);
        assertTrue(recorder.waitFor(60, TimeUnit.SECONDS), "the recorder ends on SIGINT");
        stream.interrupt();
        stream.join(10_000);
        CliRun result = new CliRun(recorder.exitValue(), Files.readString(dir.resolve("recorder.out")),
            Files.readString(dir.resolve("recorder.err")));
        assertEquals(0, result.code(), result.err());

        List<Path> files;
        try (Stream<Path> listed = Files.list(dir.resolve("run"))) {
            files = listed.sorted(Comparator.comparing(path -> Integer.parseInt(path.getFileName().toString()
                .replaceAll("run_([0-9]+)\\.mcap", "$1")))).toList();
        }
        assertTrue(files.size() >= 2, "split into several files: " + files);
        List<Integer> frames = new ArrayList<>();
        List<String> lates = new ArrayList<>();
        for (Path file : files) {
            try (McapReader reader = McapReader.open(file)) {
                assertEquals("ros2", reader.profile());
                for (McapChannel channel : reader.channels().values()) {
                    String type = channel.topic().equals("/late") ? "std_msgs/msg/String" : "sensor_msgs/msg/Image";
                    assertEquals(type, reader.schemas().get(channel.schemaId()).name());
                    assertEquals("ros2msg", reader.schemas().get(channel.schemaId()).encoding());
                    assertEquals("cdr", channel.messageEncoding());
                    assertTrue(channel.metadata().get("offered_qos_profiles").contains("reliability: 1"),
                        channel.metadata().toString());
                }
                for (McapMessage message : messages(reader)) {
                    if (message.channel().topic().equals("/camera/rgb")) {
                        assertEquals(new String(reader.schemas().get(message.channel().schemaId()).data(),
                            StandardCharsets.UTF_8), Image.TYPE.schema());
                        frames.add(frameOf(message.data()));
                        assertTrue(message.publishTime() <= message.logTime() + 1_000_000,
                            "published before taken (1 ms of clock reading slack)");
                    } else {
                        lates.add(io.sluice.msg.std_msgs.String.TYPE.wrap(message.data()).data() + "#" + message.sequence());
                    }
                }
            }
        }
        assertFalse(frames.isEmpty());
        long gaps = 0;
        for (int i = 1; i < frames.size(); i++) {
            assertTrue(frames.get(i) > frames.get(i - 1), "frames in order across files: " + frames);
            gaps += frames.get(i) - frames.get(i - 1) - 1;
        }
        // a recorder that falls behind may lose samples, but never without counting every one
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("/camera/rgb \\[sensor_msgs/msg/Image]: "
            + frames.size() + " messages, [0-9.]+ MB, lost ([0-9]+)\n").matcher(result.out());
        assertTrue(line.find(), result.out());
        assertTrue(Long.parseLong(line.group(1)) >= gaps, "gaps " + gaps + " uncounted: " + result.out());
        java.util.regex.Matcher lateLine = java.util.regex.Pattern.compile("/late \\[std_msgs/msg/String]: "
            + lates.size() + " messages, [0-9.]+ MB, lost ([0-9]+)").matcher(result.out());
        assertTrue(lateLine.find(), result.out());
        assertEquals(55, lates.size() + Long.parseLong(lateLine.group(1)), "each of the 55 recorded or counted lost: "
            + lates + "\n" + result.out());
        for (int i = 1; i < lates.size(); i++) {
            assertTrue(order(lates.get(i - 1)) < order(lates.get(i)), "in order: " + lates);
        }

        // the directory plays as one recording, its files in order
        try (Subscriber<io.sluice.msg.std_msgs.String> viewer = sluice.subscriber("/late",
            io.sluice.msg.std_msgs.String.TYPE, Qos.reliable(64))) {
            CompletableFuture<CliRun> playing = domain.async("play", dir.resolve("run").toString(), "--rate", "0",
                "--topics", "/late");
            List<String> played = new ArrayList<>();
            while (played.size() < lates.size()) {
                try (Sample<io.sluice.msg.std_msgs.String> sample = viewer.take(Duration.ofSeconds(30))) {
                    assertNotNull(sample, "played " + played);
                    played.add(sample.message().data() + "#" + sample.sequence());
                }
            }
            CliRun replay = playing.get(60, TimeUnit.SECONDS);
            assertEquals(0, replay.code(), replay.err());
            assertTrue(replay.out().startsWith("played " + lates.size() + " messages"), replay.out());
            assertEquals(lates.stream().map(text -> text.split("#")[0]).toList(),
                played.stream().map(text -> text.split("#")[0]).toList());
        }
    }

    @Test
    void shouldPlayARecordingBackIntoASubscriberOfTheRecordedTypeByteForByte() throws Exception {
        Publisher<Image> camera = sluice.publisher("/camera/rgb", Image.TYPE);
        AtomicLong published = new AtomicLong();
        Path file = dir.resolve("one.mcap");
        CompletableFuture<CliRun> recording = domain.async("record", "-o", file.toString(),
            "--all", "--duration", "2");
        Thread.sleep(700);
        Thread stream = streamFrames(camera, published, 10);
        CliRun recorded = recording.get(60, TimeUnit.SECONDS);
        stream.interrupt();
        stream.join(10_000);
        camera.close();
        assertEquals(0, recorded.code(), recorded.err());
        List<Integer> inFile = new ArrayList<>();
        try (McapReader reader = McapReader.open(file)) {
            messages(reader).forEach(message -> inFile.add(frameOf(message.data())));
        }
        int count = inFile.size();
        assertTrue(count > 0);

        try (Subscriber<Image> viewer = sluice.subscriber("/camera/rgb", Image.TYPE, Qos.reliable(16))) {
            CompletableFuture<CliRun> playing = domain.async("play", file.toString(),
                "--rate", "4");
            List<Integer> frames = new ArrayList<>();
            while (frames.size() < count) {
                try (Sample<Image> sample = viewer.take(Duration.ofSeconds(30))) {
                    assertNotNull(sample, "played " + frames.size() + " of " + count);
                    frames.add(frameOf(sample.segment()));
                }
            }
            CliRun played = playing.get(60, TimeUnit.SECONDS);
            assertEquals(new CliRun(0, played.out(), ""), played);
            assertTrue(played.out().startsWith("played " + count + " messages"), played.out());
            assertEquals(inFile, frames, "what was played is what the file holds, in its order");
        }
    }

    @Test
    void shouldRefuseBadArgumentsInOneLine() {
        assertEquals(new CliRun(2, "", "sluice record: say what to record: TOPIC..., --all or --regex (sluice record"
            + " --help)\n"), domain.run("record"));
        assertEquals(new CliRun(2, "", "sluice record: --compression must be none, zstd or lz4: gzip\n"),
            domain.run("record", "-a", "--compression", "gzip"));
        CliRun regex = domain.run("record", "-e", "[");
        assertEquals(2, regex.code());
        assertTrue(regex.err().startsWith("sluice record: --regex is not a regular expression: "), regex.err());
        assertEquals(new CliRun(1, "", "sluice play: no such file: " + dir.resolve("absent.mcap") + "\n"),
            domain.run("play", dir.resolve("absent.mcap").toString()));
        assertEquals(new CliRun(2, "", "sluice play: --rate must be 0 or above: -1.0\n"),
            domain.run("play", "x.mcap", "--rate", "-1"));
    }

    /** A recorder in its own process: Ctrl-C (SIGINT) finishes the file; SIGKILL leaves one that is recovered. */
    @Test
    void shouldFinishTheFileOnCtrlCAndLeaveARecoverableOneWhenKilled() throws Exception {
        Publisher<Image> camera = sluice.publisher("/camera/rgb", Image.TYPE);
        AtomicLong published = new AtomicLong();
        Thread stream = streamFrames(camera, published, 5);
        try {
            Path interrupted = dir.resolve("interrupted.mcap");
            Process recorder = startRecorder(interrupted);
            awaitMessages(recorder, interrupted);
            CliRun.interrupt(recorder);
            assertTrue(recorder.waitFor(60, TimeUnit.SECONDS), "the recorder ends on SIGINT");
            String out = Files.readString(interrupted.resolveSibling("interrupted.mcap.out"));
            assertEquals(0, recorder.exitValue(), CliRun.printed(interrupted));
            assertTrue(out.startsWith("recorded "), out);
            try (McapReader reader = McapReader.open(interrupted)) { // a summary: the file was finished
                assertTrue(reader.statistics().orElseThrow().messageCount() > 0);
                messages(reader).forEach(message -> frameOf(message.data()));
            }

            Path killed = dir.resolve("killed.mcap");
            Process victim = startRecorder(killed);
            awaitMessages(victim, killed);
            Thread.sleep(500);
            victim.destroyForcibly();
            assertTrue(victim.waitFor(60, TimeUnit.SECONDS));
            Path recovered = dir.resolve("recovered.mcap");
            McapRecovery.Report report = McapRecovery.recover(killed, recovered, McapWriterOptions.defaults());
            try (McapReader reader = McapReader.open(recovered)) {
                List<McapMessage> messages = messages(reader);
                assertEquals(report.messages(), messages.size());
                int previous = -1;
                for (McapMessage message : messages) {
                    int frame = frameOf(message.data());
                    // in order; a gap is a loss the recorder counted (it cannot say so once killed)
                    assertTrue(frame > previous, "in order: " + previous + ", " + frame);
                    previous = frame;
                }
            }
        } finally {
            stream.interrupt();
            stream.join(10_000);
        }
    }

    private Process startRecorder(Path file) throws IOException {
        // chunks of 64 KiB, so that a killed recorder has closed some
        return domain.start(file, "record", "-o", file.toString(),
            "/camera/rgb", "--duration", "120", "--chunk-size", "65536");
    }

    /** Waits until the recorder has written some messages (its file has grown past a few chunks). */
    private static void awaitMessages(Process recorder, Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(file) || Files.size(file) < 300_000) {
            assertTrue(recorder.isAlive(), "the recorder ended early: " + CliRun.printed(file));
            assertTrue(System.nanoTime() < deadline, "nothing recorded within 60 s: "
                + (Files.exists(file) ? Files.size(file) + " bytes; " : "no file; ") + CliRun.printed(file));
            Thread.sleep(50);
        }
    }
}

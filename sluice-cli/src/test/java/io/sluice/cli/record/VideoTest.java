package io.sluice.cli.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.Loan;
import io.sluice.Publisher;
import io.sluice.Sluice;
import io.sluice.cli.CliRun;
import io.sluice.cli.TestDomain;
import io.sluice.msg.sensor_msgs.Image;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Video from recorded and live image topics, checked with {@code ffprobe} (codec, size, rate, frame count) and by
 * decoding frames back and comparing them with what was published, within the codec's error.
 */
@Timeout(300)
class VideoTest {
    private static final int DOMAIN = 7;
    private static final int WIDTH = 64;
    private static final int HEIGHT = 48;

    @TempDir
    Path dir;
    private TestDomain domain;
    private Sluice sluice;

    /** ffmpeg and ffprobe must be there: in CI (CI=true) their absence fails the test, elsewhere it skips it. */
    @org.junit.jupiter.api.BeforeAll
    static void needFfmpeg() {
        for (String tool : new String[] {"ffmpeg", "ffprobe"}) {
            boolean present;
            try {
                Process process = new ProcessBuilder(tool, "-version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                present = process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                present = false;
            }
            if (!present) {
                String why = tool + " is not installed (Debian: apt-get install ffmpeg)";
                if ("true".equals(System.getenv("CI"))) {
                    throw new AssertionError(why);
                }
                org.junit.jupiter.api.Assumptions.abort(why);
            }
        }
    }

    @BeforeEach
    void open() {
        domain = TestDomain.create("video", DOMAIN);
        sluice = domain.open("camera");
    }

    @AfterEach
    void close() {
        sluice.close();
        domain.close();
    }




    /** The rgb8 pixel (x, y) of frame n: smooth gradients that move with n, which H.264 keeps well. */
    static int rgb(int n, int x, int y, int channel) {
        return switch (channel) {
            case 0 -> (x * 3 + n * 4) & 0xff;
            case 1 -> (y * 4 + n * 2) & 0xff;
            default -> 128;
        };
    }

    private void publish(Publisher<Image> publisher, int n, String encoding) {
        int bytesPerPixel = switch (encoding) {
            case "rgb8" -> 3;
            case "mono16" -> 2;
            default -> 4;
        };
        try (Loan<Image> loan = publisher.loan(Image.TYPE.withCapacity(WIDTH * HEIGHT * 4 + 256))) {
            Image image = loan.message();
            image.header().stamp().sec(100 + n / 10).nanosec((n % 10) * 100_000_000); // a 10 fps grid
            image.height(HEIGHT).width(WIDTH).encoding(encoding).step(WIDTH * bytesPerPixel)
                .dataCount(WIDTH * HEIGHT * bytesPerPixel);
            var data = image.data();
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    long at = (long) (y * WIDTH + x) * bytesPerPixel;
                    switch (encoding) {
                        case "rgb8" -> {
                            for (int c = 0; c < 3; c++) {
                                data.set(ValueLayout.JAVA_BYTE, at + c, (byte) rgb(n, x, y, c));
                            }
                        }
                        case "mono16" -> data.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
                            at, (short) (x * 1000));
                        default -> data.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at,
                            x < 2 ? Float.NaN : 0.2f + 9.8f * x / (WIDTH - 1));
                    }
                }
            }
            loan.publish();
        }
    }

    /** Records /cam while {@code frames} images are published (frame 10 left out), and returns the file. */
    private Path recordImages(String encoding, String... extra) throws Exception {
        Publisher<Image> camera = sluice.publisher("/cam", Image.TYPE);
        Path file = dir.resolve(encoding + ".mcap");
        String[] args = Stream.concat(Stream.of("record", "-o", file.toString(), "/cam", "--qos", "reliable",
            "--max-messages", "29", "--duration", "120"), Stream.of(extra)).toArray(String[]::new);
        CompletableFuture<CliRun> recording = domain.async(args);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (camera.subscriberCount() == 0) {
            assertTrue(System.nanoTime() < deadline, "the recorder did not join within 60 s");
            Thread.sleep(10);
        }
        for (int n = 0; n < 30; n++) {
            if (n != 10) {
                publish(camera, n, encoding);
            }
        }
        CliRun result = recording.get(150, TimeUnit.SECONDS);
        camera.close();
        assertEquals(0, result.code(), result.err());
        return file;
    }

    private static JsonNode probe(Path video) throws Exception {
        Process ffprobe = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
            "-show_entries", "stream=codec_name,width,height,r_frame_rate,nb_read_frames", "-of", "json",
            video.toString()).redirectErrorStream(true).start();
        byte[] output = ffprobe.getInputStream().readAllBytes();
        assertTrue(ffprobe.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, ffprobe.exitValue(), new String(output, StandardCharsets.UTF_8));
        return new ObjectMapper().readTree(output).get("streams").get(0);
    }

    /** Frame {@code index} of the video, decoded to rgb24. */
    private static byte[] decode(Path video, int index) throws Exception {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-i", video.toString(), "-vf",
            "select=eq(n\\," + index + ")", "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1")
            .start();
        byte[] frame = ffmpeg.getInputStream().readAllBytes();
        assertTrue(ffmpeg.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, ffmpeg.exitValue(), new String(ffmpeg.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        assertEquals(WIDTH * HEIGHT * 3, frame.length);
        return frame;
    }

    private static double meanError(byte[] decoded, int n) {
        long sum = 0;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                for (int c = 0; c < 3; c++) {
                    sum += Math.abs(Byte.toUnsignedInt(decoded[(y * WIDTH + x) * 3 + c]) - rgb(n, x, y, c));
                }
            }
        }
        return sum / (double) (WIDTH * HEIGHT * 3);
    }

    @Test
    void shouldMakeAConstantRateH264VideoOfARecordingRepeatingTheMissingFrame() throws Exception {
        Path file = recordImages("rgb8");
        Path video = dir.resolve("rgb.mp4");
        CliRun made = CliRun.run("bag", "video", file.toString(), video.toString(), "--topic", "/cam");
        assertEquals(0, made.code(), made.err());
        assertTrue(made.out().startsWith("video " + video + ": 30 frames at 10.000 fps (H264, 64x48 rgb8), 1 repeated"
            + " for missing frames, 0 dropped"), made.out());
        JsonNode stream = probe(video);
        assertEquals("h264", stream.get("codec_name").asText());
        assertEquals(WIDTH, stream.get("width").asInt());
        assertEquals(HEIGHT, stream.get("height").asInt());
        assertEquals("10/1", stream.get("r_frame_rate").asText());
        assertEquals(30, stream.get("nb_read_frames").asInt());
        for (int n : new int[] {0, 5, 29}) {
            double error = meanError(decode(video, n), n);
            assertTrue(error < 4, "frame " + n + " decodes within the codec's error: mean " + error);
        }
        // frame 10 was never published: its slot shows frame 9 again
        assertTrue(meanError(decode(video, 10), 9) < 4, "the missing frame repeats the one before");
        assertTrue(meanError(decode(video, 10), 10) > meanError(decode(video, 10), 9));

        Path hevc = dir.resolve("rgb-h265.mkv");
        CliRun h265 = CliRun.run("bag", "video", file.toString(), hevc.toString(), "--topic", "/cam", "--codec", "h265",
            "--fps", "5");
        assertEquals(0, h265.code(), h265.err());
        JsonNode hevcStream = probe(hevc);
        assertEquals("hevc", hevcStream.get("codec_name").asText());
        // frame n (at n/10 s) falls in slot round(n/2): slots 0..15, the other 13 frames share a slot
        assertEquals(16, hevcStream.get("nb_read_frames").asInt(), "2.9 s of frames at 5 fps");
        assertTrue(h265.out().contains(": 16 frames at 5.000 fps (H265, 64x48 rgb8), 0 repeated for missing frames,"
            + " 13 dropped (two in one frame's time)"), h265.out());
    }

    @Test
    void shouldColourMapDepthAndTakeSixteenBitGrey() throws Exception {
        Path depth = recordImages("32FC1");
        Path video = dir.resolve("depth.mp4");
        CliRun made = CliRun.run("bag", "video", depth.toString(), video.toString(), "--topic", "/cam");
        assertEquals(0, made.code(), made.err());
        byte[] frame = decode(video, 3);
        // near (x = 4) is blue, far (x = 62) is red, no depth (x = 0 and 1: a whole block of yuv420p's halved colour)
        // black
        int row = HEIGHT / 2 * WIDTH;
        int[] near = pixel(frame, row + 4);
        int[] far = pixel(frame, row + WIDTH - 2);
        int[] none = pixel(frame, row);
        assertTrue(near[2] > 150 && near[0] < 60, "near is blue: " + java.util.Arrays.toString(near));
        assertTrue(far[0] > 100 && far[1] < 60 && far[2] < 60, "far is (dark) red: " + java.util.Arrays.toString(far));
        assertTrue(none[0] < 60 && none[1] < 60 && none[2] < 60, "no depth is black: " + java.util.Arrays.toString(none));
        sluice.close();
        sluice = domain.open("camera");

        Path grey = recordImages("mono16");
        Path greyVideo = dir.resolve("mono16.mp4");
        CliRun greyMade = CliRun.run("bag", "video", grey.toString(), greyVideo.toString(), "--topic", "/cam");
        assertEquals(0, greyMade.code(), greyMade.err());
        assertEquals(30, probe(greyVideo).get("nb_read_frames").asInt());
    }

    private static int[] pixel(byte[] frame, int index) {
        return new int[] {Byte.toUnsignedInt(frame[index * 3]), Byte.toUnsignedInt(frame[index * 3 + 1]),
            Byte.toUnsignedInt(frame[index * 3 + 2])};
    }

    @Test
    void shouldMakeAVideoWhileRecording() throws Exception {
        Path file = recordImages("rgb8", "--video", "/cam", dir.resolve("live.mp4").toString(), "--fps", "10");
        assertTrue(Files.size(file) > 0);
        JsonNode stream = probe(dir.resolve("live.mp4"));
        assertEquals("h264", stream.get("codec_name").asText());
        assertTrue(stream.get("nb_read_frames").asInt() >= 1);
    }

    @Test
    void shouldSayWhatIsWrongInOneLine() throws Exception {
        Path file = recordImages("rgb8");
        assertEquals(new CliRun(1, "", "sluice bag video: /other is not in " + file + "\n"),
            CliRun.run("bag", "video", file.toString(), dir.resolve("x.mp4").toString(), "--topic", "/other"));
        assertEquals(new CliRun(1, "", "sluice bag video: --codec must be h264 or h265: vp9\n"),
            CliRun.run("bag", "video", file.toString(), dir.resolve("x.mp4").toString(), "--topic", "/cam", "--codec", "vp9"));
        String previous = System.getProperty("sluice.ffmpeg");
        System.setProperty("sluice.ffmpeg", dir.resolve("no-ffmpeg").toString());
        try {
            CliRun missing = CliRun.run("bag", "video", file.toString(), dir.resolve("x.mp4").toString(), "--topic", "/cam");
            assertEquals(new CliRun(1, "", "sluice bag video: ffmpeg is needed for video and was not found: "
                + dir.resolve("no-ffmpeg") + " (Debian: apt-get install ffmpeg)\n"), missing);
        } finally {
            if (previous == null) {
                System.clearProperty("sluice.ffmpeg");
            } else {
                System.setProperty("sluice.ffmpeg", previous);
            }
        }
    }
}

package io.sluice.cli.record;

import io.sluice.cli.Progress;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.record.McapChannel;
import io.sluice.record.McapFormatException;
import io.sluice.record.McapMessage;
import io.sluice.record.McapReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sluice bag video FILE --topic T OUT.mp4}: a recorded image topic as a video at a constant frame rate. */
@Command(name = "video", mixinStandardHelpOptions = true,
    description = "Make a video of a recorded sensor_msgs/msg/Image topic with ffmpeg, at a constant frame rate"
        + " (a missing frame repeats the one before, and is counted).")
public final class BagVideo implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "an MCAP file")
    Path file;

    @Parameters(index = "1", paramLabel = "OUT", description = "the video file (.mp4, .mkv)")
    Path output;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "the image topic")
    String topic;

    @Mixin
    VideoOptions video = new VideoOptions();

    @Option(names = "--time", paramLabel = "CLOCK", defaultValue = "header",
        description = "which time places a frame: header (header.stamp), log or publish (default: ${DEFAULT-VALUE})")
    String time;

    private final PrintStream out;
    private final PrintStream err;

    public BagVideo(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!List.of("header", "log", "publish").contains(time)) {
            err.println("sluice bag video: --time must be header, log or publish: " + time);
            return 2;
        }
        try (McapReader reader = McapReader.open(file)) {
            McapChannel channel = reader.channels().values().stream().filter(c -> c.topic().equals(topic))
                .findFirst().orElse(null);
            if (channel == null) {
                err.println("sluice bag video: " + topic + " is not in " + file);
                return 1;
            }
            String type = channel.schemaId() == 0 ? "(none)" : reader.schemas().get(channel.schemaId()).name();
            if (!type.equals(Image.NAME)) {
                err.println("sluice bag video: " + topic + " carries " + type + ", not " + Image.NAME);
                return 1;
            }
            double fps = video.fps != null ? video.fps : estimateFps(reader);
            long total = reader.statistics().map(s -> s.channelMessageCounts().getOrDefault(channel.id(), 0L))
                .orElse(-1L);
            VideoWriter writer = new VideoWriter(output, video, fps);
            try (Progress progress = Progress.start(err, "video", total, Progress.Unit.ITEMS)) {
                Iterator<McapMessage> messages = reader.messages(0, -1, Set.of(topic));
                long taken = 0;
                while (messages.hasNext()) {
                    McapMessage message = messages.next();
                    Image image = Image.TYPE.wrap(message.data());
                    writer.frame(image, switch (time) {
                        case "header" -> stampNanos(image);
                        case "log" -> message.logTime();
                        default -> message.publishTime();
                    });
                    progress.update(++taken, "");
                }
            } catch (IOException | RuntimeException e) {
                writer.abandon();
                throw e;
            }
            writer.close();
            out.println(writer.summary());
            return 0;
        } catch (io.sluice.msg.MalformedMessageException e) {
            err.println("sluice bag video: a malformed image on " + topic + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("sluice bag video: no such file: " + e.getFile());
        } catch (McapFormatException e) {
            err.println("sluice bag video: " + e.getMessage());
        } catch (UncheckedIOException e) {
            err.println("sluice bag video: " + e.getCause().getMessage());
        } catch (IOException | IllegalArgumentException e) {
            err.println("sluice bag video: " + e.getMessage());
        }
        return 1;
    }

    /** The frame rate of the topic's first 100 frames: one over the median interval of their header stamps. */
    private double estimateFps(McapReader reader) {
        Iterator<McapMessage> messages = reader.messages(0, -1, Set.of(topic));
        List<Long> times = new ArrayList<>();
        while (messages.hasNext() && times.size() < 100) {
            McapMessage message = messages.next();
            times.add(time.equals("log") ? message.logTime() : time.equals("publish") ? message.publishTime()
                : stampNanos(Image.TYPE.wrap(message.data())));
        }
        List<Long> intervals = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            if (times.get(i) > times.get(i - 1)) {
                intervals.add(times.get(i) - times.get(i - 1));
            }
        }
        if (intervals.isEmpty()) {
            return 30;
        }
        intervals.sort(null);
        double fps = 1e9 / intervals.get(intervals.size() / 2);
        return Math.round(fps * 1000) / 1000.0;
    }

    static long stampNanos(Image image) {
        return image.header().stamp().sec() * 1_000_000_000L + Integer.toUnsignedLong(image.header().stamp().nanosec());
    }

    /** Options of a video: frame rate, codec, depth range. */
    public static final class VideoOptions {
        @Option(names = "--fps", paramLabel = "FPS", description = "frames per second of the video (default: the"
            + " topic's own rate, from its first frames; 30 live)")
        Double fps;

        @Option(names = "--codec", paramLabel = "CODEC", defaultValue = "h264",
            description = "h264 or h265 (default: ${DEFAULT-VALUE})")
        String codec;

        @Option(names = "--depth-range", paramLabel = "NEAR:FAR", defaultValue = "0.2:10",
            description = "metres of 32FC1 depth the colour map spans, blue to red (default: ${DEFAULT-VALUE})")
        String depthRange;

        VideoEncoder.Codec codec() {
            return switch (codec.toLowerCase(Locale.ROOT)) {
                case "h264" -> VideoEncoder.Codec.H264;
                case "h265", "hevc" -> VideoEncoder.Codec.H265;
                default -> throw new IllegalArgumentException("--codec must be h264 or h265: " + codec);
            };
        }

        double[] depthRange() {
            return depthRange(depthRange);
        }

        /** {@code NEAR:FAR} in metres, NEAR below FAR. */
        static double[] depthRange(String depthRange) {
            String[] parts = depthRange.split(":");
            try {
                double near = Double.parseDouble(parts[0]);
                double far = Double.parseDouble(parts[1]);
                if (parts.length == 2 && near >= 0 && far > near) {
                    return new double[] {near, far};
                }
            } catch (RuntimeException ignored) {
                // said below
            }
            throw new IllegalArgumentException("--depth-range must be NEAR:FAR metres with NEAR < FAR: " + depthRange);
        }
    }

    /** Images to an {@link VideoEncoder}, started at the first image's size and encoding. */
    static final class VideoWriter {
        private final Path output;
        private final VideoEncoder.Codec codec;
        private final double fps;
        private final double[] range;
        private VideoEncoder encoder;
        private ImagePixels.Format format;
        private byte[] frame;
        private long skipped;

        VideoWriter(Path output, VideoOptions options, double fps) {
            if (!(fps > 0) || fps > 1000) {
                throw new IllegalArgumentException("--fps must be above 0 and at most 1000: " + fps);
            }
            this.output = output;
            this.codec = options.codec();
            this.range = options.depthRange();
            this.fps = fps;
        }

        /** Adds an image taken at {@code timeNanos}; one of another size or encoding than the first is skipped. */
        void frame(Image image, long timeNanos) throws IOException {
            if (encoder == null) {
                format = ImagePixels.format(image.encoding());
                frame = new byte[Math.multiplyExact(Math.multiplyExact(image.width(), image.height()),
                    format.bytesOut())];
                encoder = VideoEncoder.start(output, codec, fps, image.width(), image.height(),
                    format.ffmpegPixelFormat());
            } else if (image.width() != encoder.width() || image.height() != encoder.height()
                || !image.encoding().equals(format.encoding())) {
                skipped++;
                return;
            }
            ImagePixels.convert(image, format, frame, range[0], range[1]);
            encoder.frame(frame, timeNanos);
        }

        void close() throws IOException {
            if (encoder == null) {
                throw new IOException("no image to make a video of");
            }
            encoder.close();
        }

        /** Ends ffmpeg after a failure, leaving whatever file it made. */
        void abandon() {
            if (encoder != null) {
                try {
                    encoder.close();
                } catch (IOException ignored) {
                    // the failure that led here is the one to report
                }
            }
        }

        String summary() {
            return String.format(Locale.ROOT, "video %s: %d frames at %.3f fps (%s, %dx%d %s), %d repeated for"
                    + " missing frames, %d dropped (two in one frame's time), %d skipped (another size or encoding),"
                    + " %d breaks in time", output, encoder.written(), fps, codec.name(), encoder.width(),
                encoder.height(), format.encoding(), encoder.repeated(), encoder.dropped(), skipped, encoder.breaks());
        }
    }
}

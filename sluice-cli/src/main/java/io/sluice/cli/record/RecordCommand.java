package io.sluice.cli.record;

import io.sluice.MessageType;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TopicInfo;
import io.sluice.cli.Interrupt;
import io.sluice.cli.Progress;
import io.sluice.cli.topic.DomainOptions;
import io.sluice.exec.Executor;
import io.sluice.exec.ExecutorOptions;
import io.sluice.record.McapCompression;
import io.sluice.record.McapWriter;
import io.sluice.record.McapWriterOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice record}: topics to MCAP files as rosbag2 writes them (profile {@code ros2}, schemas {@code ros2msg},
 * messages {@code cdr}), while the robot runs.
 *
 * <h2>Implementation notes</h2>
 * One event loop ({@link Executor#eventLoop()}) on the calling thread runs everything: a subscription per topic whose
 * callback writes the sample from shared memory straight into the file ({@link McapWriter#write(int, long, long, long,
 * MemorySegment)}: uncompressed, the kernel's copy into the page cache is the only one), and a timer every 200 ms
 * that finds new topics ({@code --all}, {@code --regex}, topics named before they exist), splits the file, shows
 * progress and notices Ctrl-C. So the writer has one thread and needs no lock. Subscriptions are queues by default:
 * a recorder that falls behind loses samples, counted per topic ({@link Subscriber#lostCount()}) and shown, and never
 * holds a publisher back; {@code --qos reliable} makes publishers wait for it instead.
 *
 * <p>Times: a message's log time is the wall clock when the recorder took it; its publish time is the sample's
 * publish time ({@code CLOCK_MONOTONIC}) moved onto the wall clock by the offset between the two clocks, read once
 * per file. Both in ns since the Unix epoch, as rosbag2 records them.
 */
@Command(name = "record", mixinStandardHelpOptions = true,
    description = "Record topics to MCAP (as ros2 bag record -s mcap): sluice record -o run /camera/rgb /joint_states")
public final class RecordCommand implements Callable<Integer> {
    private static final long TICK_NANOS = 200_000_000L;

    @Mixin
    DomainOptions domain = new DomainOptions();

    @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "topics to record; they may appear later")
    List<String> topics = new ArrayList<>();

    @Option(names = {"-a", "--all"}, description = "record every topic, those that appear later too")
    boolean all;

    @Option(names = {"-e", "--regex"}, paramLabel = "REGEX", description = "record every topic whose whole name"
        + " matches")
    String regex;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR|FILE.mcap", description = "a directory for the files"
        + " (DIR/DIR_0.mcap, DIR_1.mcap, ...) or one file ending .mcap (default: sluice_YYYY_MM_DD-HH_MM_SS)")
    Path output;

    @Option(names = "--compression", paramLabel = "FORMAT", defaultValue = "none",
        description = "chunk compression: none, zstd or lz4 (default: ${DEFAULT-VALUE}, as rosbag2)")
    String compression;

    @Option(names = {"-b", "--max-size", "--max-bag-size"}, paramLabel = "BYTES", defaultValue = "0",
        description = "start a new file once one holds this many bytes (0: never)")
    long maxSize;

    @Option(names = {"-d", "--max-duration", "--max-bag-duration"}, paramLabel = "SECONDS", defaultValue = "0",
        description = "start a new file after this many seconds (0: never)")
    double maxDuration;

    @Option(names = "--qos", paramLabel = "KIND", defaultValue = "queue",
        description = "queue (losses counted, publishers never wait) or reliable (publishers wait for the recorder)"
            + " (default: ${DEFAULT-VALUE})")
    String qos;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "16",
        description = "samples a subscription may hold back (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--video", arity = "2", paramLabel = "TOPIC OUT",
        description = "also make a video of an image topic (sensor_msgs/msg/Image) with ffmpeg: --video /camera/rgb"
            + " out.mp4; constant frame rate (--fps, default 30), a missing frame repeated and counted")
    List<String> video;

    @Mixin
    BagVideo.VideoOptions videoOptions = new BagVideo.VideoOptions();

    @Option(names = "--chunk-size", paramLabel = "BYTES", defaultValue = "" + McapWriterOptions.DEFAULT_CHUNK_SIZE,
        description = "bytes of messages per chunk (default: ${DEFAULT-VALUE}); what a crash can lose at most")
    long chunkSize;

    @Option(names = "--no-crc", description = "write no CRCs (as rosbag2's fastwrite preset): one pass less over every"
        + " message, and no way to tell a damaged chunk from a whole one when reading")
    boolean noCrc;

    @Option(names = "--max-messages", paramLabel = "N", defaultValue = "0",
        description = "stop after recording N messages (0: no limit)")
    long maxMessages;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "stop after this long (default: Ctrl-C)")
    Double duration;

    private final PrintStream out;
    private final PrintStream err;

    public RecordCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Pattern pattern;
        McapCompression format;
        Qos subscriptionQos;
        try {
            pattern = regex == null ? null : Pattern.compile(regex);
            format = McapCompression.valueOf(compression.toUpperCase(Locale.ROOT));
            subscriptionQos = switch (qos) {
                case "queue" -> Qos.queue(depth);
                case "reliable" -> Qos.reliable(depth);
                default -> throw new IllegalArgumentException("--qos must be queue or reliable: " + qos);
            };
            for (String topic : topics) {
                Sluice.validateTopic(topic);
            }
        } catch (PatternSyntaxException e) {
            err.println("sluice record: --regex is not a regular expression: " + e.getDescription() + ": " + regex);
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("sluice record: " + (e.getMessage().startsWith("No enum")
                ? "--compression must be none, zstd or lz4: " + compression : e.getMessage()));
            return 2;
        }
        if (video != null) {
            try {
                Sluice.validateTopic(video.getFirst());
                videoOptions.codec();
                videoOptions.depthRange();
            } catch (IllegalArgumentException e) {
                err.println("sluice record: " + e.getMessage());
                return 2;
            }
            if (!topics.contains(video.getFirst()) && !all && (pattern == null
                || !pattern.matcher(video.getFirst()).matches())) {
                topics.add(video.getFirst()); // the video's topic is recorded too
            }
        }
        if (topics.isEmpty() && !all && pattern == null) {
            err.println("sluice record: say what to record: TOPIC..., --all or --regex (sluice record --help)");
            return 2;
        }
        Outputs files;
        try {
            files = Outputs.of(output == null ? Path.of("sluice_" + LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyy_MM_dd-HH_mm_ss"))) : output);
        } catch (IOException e) {
            err.println("sluice record: cannot create " + e.getMessage());
            return 1;
        }
        Interrupt.install();
        McapWriterOptions options;
        try {
            options = McapWriterOptions.defaults().withCompression(format).withChunkSize(chunkSize)
                .withCrc(!noCrc).withLibrary("sluice record");
        } catch (IllegalArgumentException e) {
            err.println("sluice record: " + e.getMessage());
            return 2;
        }
        try (Sluice sluice = domain.open("sluice-record");
             Recorder recorder = new Recorder(sluice, files, options, subscriptionQos)) {
            return recorder.run(pattern);
        } catch (IOException e) {
            err.println("sluice record: " + e.getMessage());
            return 1;
        }
    }

    /** Where the files go: one named file (split as NAME_1.mcap, ...) or a directory of DIR_0.mcap, DIR_1.mcap, .... */
    record Outputs(Path first, Path directory, String stem) {
        static Outputs of(Path output) throws IOException {
            String name = output.getFileName().toString();
            if (name.endsWith(".mcap")) {
                Path parent = output.toAbsolutePath().getParent();
                Files.createDirectories(parent);
                return new Outputs(output, parent, name.substring(0, name.length() - ".mcap".length()));
            }
            if (Files.exists(output)) {
                throw new IOException(output + ": it exists already (name a new directory, or a .mcap file)");
            }
            Files.createDirectories(output);
            return new Outputs(output.resolve(name + "_0.mcap"), output, name);
        }

        /** The {@code index}-th file (0: the first). */
        Path file(int index) {
            return index == 0 ? first : directory.resolve(stem + "_" + index + ".mcap");
        }
    }

    /** One recorded topic: its subscription and what it wrote. */
    private static final class Recorded {
        final TopicInfo info;
        final Subscriber<MemorySegment> subscriber;
        /** Created after the recording began: its publishers' samples before the recorder joined are missed. */
        final boolean late;
        /** The last sequence taken from each publisher index; -1 before the first. */
        final long[] lastSequence = new long[16];
        int channel; // in the current file; 0 until its first message there
        long messages;
        long bytes;
        long missed;
        long lostAtLastTake;

        Recorded(TopicInfo info, Subscriber<MemorySegment> subscriber, boolean late) {
            this.info = info;
            this.subscriber = subscriber;
            this.late = late;
            java.util.Arrays.fill(lastSequence, -1);
        }

        /**
         * Counts what a topic created after the recording began missed: the samples a publisher published before
         * the recorder's first take from it (a publisher's sequences start at 0), less those the subscription
         * itself counted lost since the take before (published after it joined, so already in its
         * {@code lostCount()}). Later gaps are the subscription's own counted losses.
         */
        void taken(Sample<MemorySegment> sample) {
            long lostNow = subscriber.lostCount();
            int publisher = sample.publisherIndex();
            if (publisher >= 0 && publisher < lastSequence.length) {
                if (lastSequence[publisher] < 0 || sample.sequence() < lastSequence[publisher]) {
                    // a first sample from this publisher row (or from a new publisher in a reused row)
                    if (late || lastSequence[publisher] >= 0) {
                        missed += Math.max(0, sample.sequence() - (lostNow - lostAtLastTake));
                    }
                }
                lastSequence[publisher] = sample.sequence();
            }
            lostAtLastTake = lostNow;
        }
    }

    /** The recording: subscriptions, the current file, and the loop. */
    private final class Recorder implements AutoCloseable {
        private final Sluice sluice;
        private final Outputs files;
        private final McapWriterOptions options;
        private final Qos subscriptionQos;
        private final Executor executor;
        private final Map<String, Recorded> recorded = new LinkedHashMap<>();
        /** Topics that cannot be recorded (a damaged file, no free row, ...): said once, not tried again. */
        private final Map<String, String> refused = new LinkedHashMap<>();
        private final List<Path> written = new ArrayList<>();
        private final BagVideo.VideoWriter videoWriter;
        private boolean videoOff;
        private boolean firstLook = true;
        /** The topics there when the recording began: what they published before is not the recording's loss. */
        private final java.util.Set<String> presentAtStart;
        private McapWriter writer;
        private int fileIndex;
        private long fileStartNanos;
        private long wallMinusMonotonic;
        private long previousFilesBytes;
        private IOException failure;
        private long recordedMessages;

        Recorder(Sluice sluice, Outputs files, McapWriterOptions options, Qos subscriptionQos) throws IOException {
            this.sluice = sluice;
            this.files = files;
            this.options = options;
            this.subscriptionQos = subscriptionQos;
            this.presentAtStart = new java.util.HashSet<>(sluice.topicNames());
            this.executor = Executor.eventLoop(ExecutorOptions.defaults().withName("sluice-record").withBurst(1));
            this.videoWriter = video == null ? null : new BagVideo.VideoWriter(Path.of(video.get(1)), videoOptions,
                videoOptions.fps == null ? 30 : videoOptions.fps);
            openFile();
        }

        int run(Pattern pattern) throws IOException {
            long started = System.nanoTime();
            long end = duration == null ? Long.MAX_VALUE : started + (long) (duration * 1e9);
            try (Progress progress = Progress.start(err, "recording", -1, Progress.Unit.BYTES)) {
                long nextTick = 0;
                while (!Interrupt.requested() && failure == null
                    && (maxMessages <= 0 || recordedMessages < maxMessages)) {
                    long now = System.nanoTime();
                    if (now >= end) {
                        break;
                    }
                    if (now >= nextTick) {
                        nextTick = now + TICK_NANOS;
                        discover(pattern);
                        if (maxSize > 0 && writer.bytesWritten() >= maxSize
                            || maxDuration > 0 && now - fileStartNanos >= (long) (maxDuration * 1e9)) {
                            split();
                        }
                        progress.update(previousFilesBytes + writer.bytesWritten(), status());
                    }
                    executor.runOnce(Duration.ofNanos(Math.max(1, Math.min(nextTick, end) - System.nanoTime())));
                }
                drain();
                progress.update(previousFilesBytes + writer.bytesWritten(), status());
            }
            if (failure != null) {
                writer.close();
                if (videoWriter != null) {
                    videoWriter.abandon();
                }
                err.println("sluice record: recording failed: " + failure.getMessage() + "; " + writer.path()
                    + " holds what came before, up to its last whole chunk (sluice bag recover)");
                return 1;
            }
            writer.close();
            summary(System.nanoTime() - started);
            if (videoWriter != null && !videoOff) {
                try {
                    videoWriter.close();
                    out.println(videoWriter.summary());
                } catch (IOException e) {
                    err.println("sluice record: the video failed: " + e.getMessage());
                    return 1;
                }
            }
            return 0;
        }

        /**
         * Writes what the subscriptions hold when the recording ends (for at most a second: a publisher faster than
         * the file would keep it going), so that a stop loses nothing already taken off a publisher's hands.
         */
        private void drain() {
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (failure == null && (maxMessages <= 0 || recordedMessages < maxMessages)
                && executor.doWork() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        }

        private String status() {
            long messages = 0;
            long lost = 0;
            for (Recorded topic : recorded.values()) {
                messages += topic.messages;
                lost += topic.subscriber.lostCount() + topic.missed;
            }
            return recorded.size() + " topics, " + messages + " messages, " + lost + " lost";
        }

        /** Subscribes to every wanted topic that exists and is not recorded (or refused) yet. */
        private void discover(Pattern pattern) {
            List<String> wanted = new ArrayList<>(topics);
            if (all || pattern != null) {
                for (String topic : sluice.topicNames()) {
                    if (all || pattern.matcher(topic).matches()) {
                        wanted.add(topic);
                    }
                }
            }
            for (String topic : wanted) {
                if (recorded.containsKey(topic) || refused.containsKey(topic)) {
                    continue;
                }
                try {
                    TopicInfo info = sluice.topicInfo(topic).orElse(null);
                    if (info == null) {
                        continue; // not there yet
                    }
                    Subscriber<MemorySegment> subscriber = sluice.subscriber(topic, MessageType.raw(info),
                        subscriptionQos);
                    Recorded entry = new Recorded(info, subscriber, !presentAtStart.contains(topic));
                    recorded.put(topic, entry);
                    executor.subscription(subscriber, sample -> write(entry, sample));
                    err.println("sluice record: subscribed to " + topic + " [" + info.typeName() + "]");
                } catch (io.sluice.SluiceException | IllegalArgumentException e) {
                    refused.put(topic, e.getMessage());
                    err.println("sluice record: not recording " + topic + ": " + e.getMessage());
                }
            }
            if (firstLook) {
                firstLook = false;
                List<String> waiting = topics.stream().filter(topic -> !recorded.containsKey(topic)
                    && !refused.containsKey(topic)).toList();
                err.println("sluice record: recording into " + writer.path() + (waiting.isEmpty() ? ""
                    : "; waiting for " + String.join(", ", waiting)) + (all ? "; and every new topic"
                    : pattern != null ? "; and every new topic matching " + pattern.pattern() : ""));
            }
        }

        private void write(Recorded topic, Sample<MemorySegment> sample) {
            if (failure != null || maxMessages > 0 && recordedMessages >= maxMessages) {
                return;
            }
            try {
                if (topic.channel == 0) {
                    topic.channel = channel(topic.info);
                }
                long logTime = wallNanos();
                MemorySegment data = sample.segment();
                writer.write(topic.channel, sample.sequence(), logTime, sample.publishNanos() + wallMinusMonotonic,
                    data);
                topic.taken(sample);
                topic.messages++;
                topic.bytes += data.byteSize();
                recordedMessages++;
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
                return;
            }
            if (videoWriter != null && !videoOff && topic.info.topic().equals(video.getFirst())) {
                video(topic, sample);
            }
        }

        /** Adds a frame to the video; a video that fails stops, the recording goes on. */
        private void video(Recorded topic, Sample<MemorySegment> sample) {
            try {
                if (!topic.info.typeName().equals(io.sluice.msg.sensor_msgs.Image.NAME)) {
                    throw new IllegalArgumentException(video.getFirst() + " carries " + topic.info.typeName()
                        + ", not " + io.sluice.msg.sensor_msgs.Image.NAME);
                }
                videoWriter.frame(io.sluice.msg.sensor_msgs.Image.TYPE.wrap(sample.segment()), sample.publishNanos());
            } catch (IOException | RuntimeException e) {
                videoOff = true;
                videoWriter.abandon();
                err.println("sluice record: no video (the recording goes on): " + e.getMessage());
            }
        }

        /** The schema and channel of {@code info} in the current file, as rosbag2 writes them. */
        private int channel(TopicInfo info) throws IOException {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("offered_qos_profiles", offeredQos(info.topic()));
            metadata.put(BagTypes.TYPE_NAME, info.typeName());
            metadata.put(BagTypes.TYPE_HASH, info.typeHash());
            if (BagTypes.isRaw(info)) {
                // raw bytes are not CDR: no schema, and an encoding that says what they are
                return writer.channel(info.topic(), 0, BagTypes.RAW_ENCODING, metadata);
            }
            int schema = writer.schema(info.typeName(), "ros2msg", info.schema().getBytes(StandardCharsets.UTF_8));
            return writer.channel(info.topic(), schema, "cdr", metadata);
        }

        /**
         * The QoS the topic's publishers offer, in rosbag2's {@code offered_qos_profiles} YAML: reliable (a Sluice
         * publisher serves reliable subscribers), transient local when it keeps history for late joiners, else
         * volatile; keep last of its history; deadline, lifespan and liveliness lease infinite, as Sluice has none.
         */
        private String offeredQos(String topic) {
            StringBuilder yaml = new StringBuilder();
            String infinite = "\n    sec: 9223372036\n    nsec: 854775807";
            sluice.topicStatus(topic).ifPresent(status -> status.publishers().stream()
                .filter(io.sluice.TopicStatus.PublisherStatus::alive).forEach(publisher -> yaml
                    .append("- history: 1\n  depth: ").append(Math.max(1, publisher.history()))
                    .append("\n  reliability: 1\n  durability: ").append(publisher.history() > 0 ? 1 : 2)
                    .append("\n  deadline:").append(infinite).append("\n  lifespan:").append(infinite)
                    .append("\n  liveliness: 1\n  liveliness_lease_duration:").append(infinite)
                    .append("\n  avoid_ros_namespace_conventions: false\n")));
            return yaml.isEmpty() ? "[]" : yaml.toString();
        }

        private void openFile() throws IOException {
            Path path = files.file(fileIndex);
            writer = McapWriter.create(path, options);
            written.add(path);
            fileStartNanos = System.nanoTime();
            wallMinusMonotonic = wallNanos() - System.nanoTime();
            for (Recorded topic : recorded.values()) {
                topic.channel = 0;
            }
        }

        private void split() throws IOException {
            previousFilesBytes += writer.bytesWritten();
            writer.close();
            fileIndex++;
            openFile();
        }

        private void summary(long nanos) {
            long messages = 0;
            long lost = 0;
            long bytes = 0;
            for (Recorded topic : recorded.values()) {
                messages += topic.messages;
                lost += topic.subscriber.lostCount() + topic.missed;
                bytes += topic.bytes;
            }
            out.printf(Locale.ROOT, "recorded %d messages (%.1f MB) of %d topics in %.1f s into %s; lost %d%n",
                messages, bytes / 1e6, recorded.size(), nanos / 1e9,
                written.size() == 1 ? written.getFirst() : written.size() + " files in " + files.directory(), lost);
            for (Recorded topic : recorded.values()) {
                out.printf(Locale.ROOT, "  %s [%s]: %d messages, %.1f MB, lost %d%s%n", topic.info.topic(),
                    topic.info.typeName(), topic.messages, topic.bytes / 1e6,
                    topic.subscriber.lostCount() + topic.missed, topic.missed == 0 ? ""
                        : " (" + topic.missed + " published before the recorder joined the topic)");
            }
            refused.forEach((topic, why) -> out.println("  " + topic + ": not recorded: " + why));
        }

        @Override
        public void close() throws IOException {
            try {
                executor.close();
            } finally {
                if (videoWriter != null && !videoOff) {
                    videoWriter.abandon(); // ends ffmpeg if run() did not get to finish the video
                }
                for (Recorded topic : recorded.values()) {
                    topic.subscriber.close();
                }
                writer.close(); // closing twice is harmless
            }
        }
    }

    static long wallNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}

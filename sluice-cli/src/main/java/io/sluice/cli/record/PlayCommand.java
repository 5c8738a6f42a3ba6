package io.sluice.cli.record;

import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Sluice;
import io.sluice.cli.Interrupt;
import io.sluice.cli.Progress;
import io.sluice.cli.topic.DomainOptions;
import io.sluice.msg.CdrType;
import io.sluice.msg.CdrWriter;
import io.sluice.record.McapChannel;
import io.sluice.record.McapFormatException;
import io.sluice.record.McapMessage;
import io.sluice.record.McapReader;
import io.sluice.record.McapStatistics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice play}: republishes a recording into shared memory with its original timing (as {@code ros2 bag
 * play}): messages in log-time order, each published when as much time has passed since the first as had passed when
 * it was recorded (divided by {@code --rate}). Each message is copied once, from the file's mapping into a loan.
 * A channel is published with the type its schema describes ({@link BagTypes}), so programs subscribed with the
 * same type receive it as if from the recorded robot.
 */
@Command(name = "play", mixinStandardHelpOptions = true,
    description = "Play a recording back into shared memory with its original timing (as ros2 bag play).")
public final class PlayCommand implements Callable<Integer> {
    /** rosgraph_msgs/msg/Clock, which Sluice does not ship as a class: what --clock publishes. */
    static final String CLOCK_SCHEMA = "builtin_interfaces/Time clock\n" + "=".repeat(80)
        + "\nMSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n";
    private static final CdrType<MemorySegment> CLOCK = CdrType.dynamic("rosgraph_msgs/msg/Clock", CLOCK_SCHEMA);

    @Mixin
    DomainOptions domain = new DomainOptions();

    @Parameters(paramLabel = "FILE|DIR", description = "an MCAP file, or a directory of them (a split recording)")
    Path file;

    @Option(names = {"-r", "--rate"}, paramLabel = "FACTOR", defaultValue = "1",
        description = "playback speed (default: ${DEFAULT-VALUE}; 0 publishes as fast as it can)")
    double rate;

    @Option(names = {"-l", "--loop"}, description = "start again at the end, until Ctrl-C")
    boolean loop;

    @Option(names = "--topics", paramLabel = "TOPIC", arity = "1..*", description = "play only these topics")
    List<String> topics;

    @Option(names = {"--start", "--start-offset"}, paramLabel = "SECONDS", defaultValue = "0",
        description = "start this far into the recording (default: ${DEFAULT-VALUE})")
    double start;

    @Option(names = "--clock", paramLabel = "HZ", arity = "0..1", fallbackValue = "40",
        description = "also publish the recording's time on /clock (rosgraph_msgs/msg/Clock) at HZ (default 40)")
    Double clock;

    private final PrintStream out;
    private final PrintStream err;

    public PlayCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            err.println("sluice play: --rate must be 0 or above: " + rate);
            return 2;
        }
        if (clock != null && rate == 0) {
            err.println("sluice play: --clock needs a rate above 0 (with --rate 0 there is no time to publish)");
            return 2;
        }
        if (!(start >= 0) || clock != null && !(clock > 0)) {
            err.println("sluice play: " + (clock != null && !(clock > 0) ? "--clock must be above 0 Hz: " + clock
                : "--start must be 0 or above: " + start));
            return 2;
        }
        Interrupt.install();
        List<McapReader> readers = new ArrayList<>();
        try (Sluice sluice = domain.open("sluice-play")) {
            for (Path part : parts(file)) {
                readers.add(McapReader.open(part));
            }
            return play(readers, sluice);
        } catch (NoSuchFileException e) {
            err.println("sluice play: no such file: " + (e.getMessage() == null ? file : e.getMessage()));
        } catch (McapFormatException e) {
            err.println("sluice play: " + e.getMessage());
        } catch (UncheckedIOException e) {
            err.println("sluice play: " + e.getCause().getMessage());
        } catch (IOException | IllegalArgumentException | io.sluice.SluiceException e) {
            err.println("sluice play: " + e.getMessage());
        } finally {
            readers.forEach(McapReader::close);
        }
        return 1;
    }

    /**
     * The files to play: {@code path} itself, or for a directory (what {@code sluice record -o DIR} writes) its
     * {@code .mcap} files in the order of their number ({@code DIR_0.mcap}, {@code DIR_1.mcap}, ...), then by name.
     */
    static List<Path> parts(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return List.of(path);
        }
        List<Path> files;
        try (var listed = Files.list(path)) {
            files = new ArrayList<>(listed.filter(p -> p.getFileName().toString().endsWith(".mcap")).toList());
        }
        if (files.isEmpty()) {
            throw new NoSuchFileException(path + ": no .mcap file in it");
        }
        files.sort(java.util.Comparator.comparingLong(PlayCommand::partNumber)
            .thenComparing(p -> p.getFileName().toString()));
        return files;
    }

    /** The N of {@code NAME_N.mcap}, or {@link Long#MAX_VALUE} for another name. */
    private static long partNumber(Path file) {
        String name = file.getFileName().toString();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("_([0-9]{1,9})\\.mcap$").matcher(name);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : Long.MAX_VALUE;
    }

    private int play(List<McapReader> readers, Sluice sluice) throws IOException {
        long firstTime = Long.MAX_VALUE;
        long total = 0;
        Set<String> recorded = new LinkedHashSet<>();
        for (McapReader reader : readers) {
            McapStatistics statistics = reader.statistics().orElse(null);
            if (statistics == null) {
                err.println("sluice play: " + reader.path() + " has no Statistics record in its summary; its messages"
                    + " cannot be counted and timed ahead (sluice bag recover writes a file with one)");
                return 1;
            }
            if (statistics.messageCount() > 0) {
                firstTime = Math.min(firstTime, statistics.messageStartTime());
            }
            reader.channels().values().forEach(channel -> recorded.add(channel.topic()));
        }
        Set<String> wanted = topics == null ? recorded : new LinkedHashSet<>(topics);
        for (String topic : wanted) {
            if (!recorded.contains(topic)) {
                err.println("sluice play: " + topic + " is not in " + file + " (it holds " + recorded + ")");
                return 1;
            }
        }
        // one publisher per topic, of the type of the first file that has it (a split recording's files agree)
        Map<String, Publisher<MemorySegment>> publishers = new HashMap<>();
        for (McapReader reader : readers) {
            for (McapChannel channel : reader.channels().values()) {
                if (wanted.contains(channel.topic()) && !publishers.containsKey(channel.topic())) {
                    MessageType<MemorySegment> type = BagTypes.of(channel, reader.schemas().get(channel.schemaId()));
                    publishers.put(channel.topic(), sluice.publisher(channel.topic(), type,
                        PublisherOptions.defaults()));
                }
            }
            McapStatistics statistics = reader.statistics().orElseThrow();
            for (McapChannel channel : reader.channels().values()) {
                if (wanted.contains(channel.topic())) {
                    total += statistics.channelMessageCounts().getOrDefault(channel.id(), 0L);
                }
            }
        }
        Publisher<MemorySegment> clockPublisher = clock == null ? null
            : sluice.publisher("/clock", CLOCK);
        if (firstTime == Long.MAX_VALUE) {
            return finish(0, 0, System.nanoTime()); // nothing recorded
        }
        firstTime += (long) (start * 1e9);
        long played = 0;
        long bytes = 0;
        long began = System.nanoTime();
        try (Progress progress = Progress.start(err, "playing", loop ? -1 : total, Progress.Unit.ITEMS)) {
            do {
                long wallStart = System.nanoTime();
                long nextClock = wallStart;
                for (McapReader reader : readers) {
                    Iterator<McapMessage> messages = reader.messages(firstTime, -1,
                        channel -> wanted.contains(channel.topic()));
                    while (messages.hasNext()) {
                        McapMessage message = messages.next();
                        long due = rate == 0 ? 0 : wallStart + (long) ((message.logTime() - firstTime) / rate);
                        while (clockPublisher != null && nextClock <= due) {
                            if (Interrupt.sleep(nextClock - System.nanoTime())) {
                                return finish(played, bytes, began);
                            }
                            publishClock(clockPublisher, firstTime + (long) ((nextClock - wallStart) * rate));
                            nextClock += (long) (1e9 / clock);
                        }
                        if (rate != 0 && Interrupt.sleep(due - System.nanoTime()) || Interrupt.requested()) {
                            return finish(played, bytes, began);
                        }
                        publishers.get(message.channel().topic()).publishCopy(message.data());
                        played++;
                        bytes += message.data().byteSize();
                        progress.update(played, String.format(Locale.ROOT, "%.1f MB", bytes / 1e6));
                    }
                }
            } while (loop && !Interrupt.requested());
        }
        return finish(played, bytes, began);
    }

    private int finish(long played, long bytes, long began) {
        double seconds = (System.nanoTime() - began) / 1e9;
        out.printf(Locale.ROOT, "played %d messages (%.1f MB) in %.1f s%n", played, bytes / 1e6, seconds);
        return 0;
    }

    private static void publishClock(Publisher<MemorySegment> publisher, long nanos) {
        publisher.publishCopy(CdrWriter.write(CLOCK.msgSchema(), Map.of("clock",
            Map.of("sec", nanos / 1_000_000_000L, "nanosec", nanos % 1_000_000_000L))));
    }
}

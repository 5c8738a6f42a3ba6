package io.sluice.cli.topic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.TopicInfo;
import io.sluice.TopicStatus;
import io.sluice.cli.Interrupt;
import io.sluice.msg.CdrTree;
import io.sluice.msg.CdrType;
import io.sluice.msg.CdrWriter;
import io.sluice.msg.MalformedMessageException;
import io.sluice.msg.MsgSchema;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice topic list|info|echo|hz|bw|delay|pub}: what {@code ros2 topic} does, on Sluice's shared memory. Every
 * subcommand reads the topic files of one domain ({@link DomainOptions}); those that take messages join the topic as
 * an ordinary subscriber (queue of 10 by default, so a slow terminal never holds a publisher back, and its losses
 * are counted), with a type made from what the topic records, so that any type is decoded from its own schema.
 */
@Command(name = "topic", mixinStandardHelpOptions = true,
    description = "Look at topics: list, info, echo, hz, bw, delay; publish with pub.")
public final class TopicCommand implements Callable<Integer> {
    /** Publisher rows of a topic: what {@link io.sluice.Sample#publisherIndex()} ranges over. */
    static final int MAX_PUBLISHER_ROWS = 16;

    private final PrintStream err;

    public TopicCommand(PrintStream err) {
        this.err = err;
    }

    @Override
    public Integer call() {
        err.println("sluice topic: say what to do: list, info, echo, hz, bw, delay or pub (sluice topic --help)");
        return 2;
    }

    /** The subcommands, each printing to {@code out} and {@code err}. */
    public static List<Object> subcommands(PrintStream out, PrintStream err) {
        return List.of(new ListTopics(out, err), new Info(out, err), new Echo(out, err), new Hz(out, err),
            new Bw(out, err), new Delay(out, err), new Pub(out, err));
    }

    /** Runs {@code body}, turning a {@link TopicTools.Failure} into one line on stderr and exit code 1. */
    public abstract static class Base implements Callable<Integer> {
        @Mixin
        DomainOptions domain = new DomainOptions();

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        final PrintStream out;
        final PrintStream err;

        Base(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        abstract int run(Sluice sluice) throws Exception;

        @Override
        public Integer call() throws Exception {
            try (Sluice sluice = domain.open(spec.qualifiedName("-"))) {
                return run(sluice);
            } catch (TopicTools.Failure | IllegalArgumentException | io.sluice.SluiceException e) {
                err.println(spec.qualifiedName() + ": " + e.getMessage());
                return 1;
            }
        }
    }

    /** Subcommands that take messages: QoS, and how long to run. */
    abstract static class Taking extends Base {
        @Parameters(paramLabel = "TOPIC", description = "the topic")
        String topic;

        @Option(names = "--qos", paramLabel = "KIND", defaultValue = "queue",
            description = "latest, queue or reliable (default: ${DEFAULT-VALUE}; reliable holds publishers back)")
        String qos;

        @Option(names = "--depth", paramLabel = "N", defaultValue = "10",
            description = "queue or reliable depth (default: ${DEFAULT-VALUE})")
        int depth;

        @Option(names = "--duration", paramLabel = "SECONDS",
            description = "stop after this long (default: until Ctrl-C)")
        Double duration;

        Taking(PrintStream out, PrintStream err) {
            super(out, err);
        }

        /** Takes samples until Ctrl-C, the duration, or {@code handler} returns false. */
        void take(Sluice sluice, TopicInfo info, SampleHandler handler, Runnable everySecond) throws Exception {
            Interrupt.install();
            long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + (long) (duration * 1e9);
            long nextReport = System.nanoTime() + 1_000_000_000L;
            try (Subscriber<MemorySegment> subscriber = sluice.subscriber(info.topic(), MessageType.raw(info),
                TopicTools.qos(qos, depth))) {
                while (!Interrupt.requested() && System.nanoTime() < end) {
                    try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(50))) {
                        if (sample != null && !handler.handle(sample, subscriber)) {
                            return;
                        }
                    }
                    if (everySecond != null && System.nanoTime() >= nextReport) {
                        nextReport += 1_000_000_000L;
                        everySecond.run();
                    }
                }
            }
        }
    }

    interface SampleHandler {
        boolean handle(Sample<MemorySegment> sample, Subscriber<MemorySegment> subscriber) throws Exception;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the topics of the domain (ros2 topic list).")
    static final class ListTopics extends Base {
        @Option(names = {"-t", "--show-types"}, description = "also each topic's type")
        boolean showTypes;

        @Option(names = {"-v", "--verbose"}, description = "a table: type, live publishers and subscribers, rate"
            + " (measured over --window)")
        boolean verbose;

        @Option(names = {"-c", "--count-topics"}, description = "only the number of topics")
        boolean count;

        @Option(names = "--window", paramLabel = "SECONDS", defaultValue = "1",
            description = "how long -v measures rates (default: ${DEFAULT-VALUE} s)")
        double window;

        ListTopics(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) throws InterruptedException {
            List<String> names = sluice.topicNames();
            if (count) {
                out.println(names.size());
                return 0;
            }
            if (!verbose) {
                for (String topic : names) {
                    TopicInfo info = showTypes ? describe(sluice, topic) : null;
                    out.println(showTypes ? topic + " [" + (info == null ? "?" : info.typeName()) + "]" : topic);
                }
                return 0;
            }
            Map<String, TopicStatus> before = survey(sluice, names);
            long start = System.nanoTime();
            Thread.sleep((long) (window * 1000));
            Map<String, TopicStatus> after = survey(sluice, names);
            double seconds = (System.nanoTime() - start) / 1e9;
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"TOPIC", "TYPE", "PUBLISHERS", "SUBSCRIBERS", "RATE"});
            for (String topic : names) {
                TopicStatus status = after.get(topic);
                if (status == null) {
                    rows.add(new String[] {topic, "(gone or damaged)", "", "", ""});
                    continue;
                }
                double rate = rate(before.get(topic), status, seconds);
                rows.add(new String[] {topic, status.info().typeName(), Long.toString(status.livePublishers()),
                    Long.toString(status.liveSubscribers()),
                    rate < 0 ? "-" : String.format(Locale.ROOT, "%.1f Hz", rate)});
            }
            printTable(out, rows);
            return 0;
        }

        private TopicInfo describe(Sluice sluice, String topic) {
            try {
                return sluice.topicInfo(topic).orElse(null);
            } catch (io.sluice.CorruptDataException e) {
                return null;
            }
        }

        private static Map<String, TopicStatus> survey(Sluice sluice, List<String> names) {
            Map<String, TopicStatus> statuses = new HashMap<>();
            for (String topic : names) {
                try {
                    sluice.topicStatus(topic).ifPresent(status -> statuses.put(topic, status));
                } catch (io.sluice.CorruptDataException damaged) {
                    // shown as gone or damaged
                }
            }
            return statuses;
        }

        /**
         * Samples per second over both looks, by publisher (row and process); -1 when no live publisher was seen in
         * both.
         */
        static double rate(TopicStatus before, TopicStatus after, double seconds) {
            if (before == null) {
                return -1;
            }
            Map<String, Long> counts = new HashMap<>();
            for (TopicStatus.PublisherStatus publisher : before.publishers()) {
                counts.put(publisher.row() + "/" + publisher.pid(), publisher.published());
            }
            long samples = 0;
            boolean seen = false;
            for (TopicStatus.PublisherStatus publisher : after.publishers()) {
                Long earlier = counts.remove(publisher.row() + "/" + publisher.pid());
                if (earlier != null && earlier >= 0 && publisher.published() >= earlier && publisher.alive()) {
                    samples += publisher.published() - earlier;
                    seen = true;
                }
            }
            return seen ? samples / seconds : -1;
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show a topic's type, publishers and subscribers (ros2 topic info).")
    static final class Info extends Base {
        @Parameters(paramLabel = "TOPIC", description = "the topic")
        String topic;

        @Option(names = {"-v", "--verbose"}, description = "every publisher and subscriber, dead ones included")
        boolean verbose;

        Info(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) {
            TopicTools.info(sluice, topic);
            TopicStatus status = sluice.topicStatus(topic).orElseThrow(() -> new TopicTools.Failure(
                "no such topic: " + topic));
            out.println("Type: " + status.info().typeName());
            out.println("Publisher count: " + status.livePublishers());
            out.println("Subscription count: " + status.liveSubscribers());
            if (!verbose) {
                return 0;
            }
            out.println("Type hash: " + status.info().typeHash());
            out.println();
            for (TopicStatus.PublisherStatus publisher : status.publishers()) {
                out.println("Node name: " + publisher.participant());
                out.println("Process id: " + publisher.pid());
                out.println("Endpoint type: PUBLISHER");
                out.println("State: " + state(publisher.alive()));
                out.println("History: " + publisher.history());
                out.println("Published: " + (publisher.published() < 0 ? "unknown" : publisher.published()));
                out.println();
            }
            for (TopicStatus.SubscriberStatus subscriber : status.subscribers()) {
                out.println("Node name: " + subscriber.participant());
                out.println("Process id: " + subscriber.pid());
                out.println("Endpoint type: SUBSCRIPTION");
                out.println("State: " + state(subscriber.alive()));
                out.println("QoS: " + (subscriber.qos() == null ? "unknown"
                    : subscriber.qos().name().toLowerCase(Locale.ROOT)) + ", depth " + subscriber.depth());
                out.println();
            }
            return 0;
        }

        private static String state(boolean alive) {
            return alive ? "alive" : "dead (its process is gone; the next participant of the topic, or sluice clean,"
                + " removes the row)";
        }
    }

    @Command(name = "echo", mixinStandardHelpOptions = true,
        description = "Print a topic's messages as YAML, decoded from the schema the topic carries (ros2 topic echo).")
    static final class Echo extends Taking {
        @Option(names = "--once", description = "print one message and exit")
        boolean once;

        @Option(names = "--field", paramLabel = "PATH", description = "print only this field: header.stamp, data[0]")
        String field;

        @Option(names = "--no-arr", description = "show arrays by their type and length only")
        boolean noArrays;

        @Option(names = {"-l", "--truncate-length"}, paramLabel = "N", defaultValue = "128",
            description = "array elements shown before '...' (default: ${DEFAULT-VALUE})")
        int truncate;

        Echo(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) throws Exception {
            TopicInfo info = TopicTools.info(sluice, topic);
            TopicTools.Decoder decoder = new TopicTools.Decoder(info);
            long[] malformed = {0};
            take(sluice, info, (sample, subscriber) -> {
                CdrTree tree;
                try {
                    tree = decoder.decode(sample.segment(), noArrays ? 0 : Math.max(0, truncate));
                } catch (MalformedMessageException e) {
                    malformed[0]++;
                    err.println("sluice topic echo: skipped a malformed message: " + e.getMessage());
                    return true;
                }
                Object value = tree;
                if (field != null) {
                    value = tree.get(field);
                    if (value == null) {
                        throw new TopicTools.Failure("no field " + field + " in " + info.typeName());
                    }
                }
                out.print(YamlText.render(value, noArrays));
                out.println("---");
                out.flush();
                return !once;
            }, null);
            return 0;
        }
    }

    @Command(name = "hz", mixinStandardHelpOptions = true,
        description = "Print a topic's publishing rate, from the publish times of its samples (ros2 topic hz).")
    static final class Hz extends Taking {
        @Option(names = {"-w", "--window"}, paramLabel = "N", defaultValue = "10000",
            description = "intervals the statistics cover (default: ${DEFAULT-VALUE})")
        int window;

        Hz(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) throws Exception {
            TopicInfo info = TopicTools.info(sluice, topic);
            TopicTools.Window intervals = new TopicTools.Window(Math.max(1, window));
            // by publisher row: the sequence and publish time of its last sample (-1: none yet)
            long[] lastSequence = new long[MAX_PUBLISHER_ROWS];
            long[] lastNanos = new long[MAX_PUBLISHER_ROWS];
            java.util.Arrays.fill(lastSequence, -1);
            take(sluice, info, (sample, subscriber) -> {
                int row = sample.publisherIndex();
                if (row < 0 || row >= MAX_PUBLISHER_ROWS) {
                    return true;
                }
                if (lastSequence[row] >= 0 && sample.sequence() > lastSequence[row]) {
                    // a gap of several sequences (samples this subscriber lost) is that many intervals
                    long steps = sample.sequence() - lastSequence[row];
                    double interval = (sample.publishNanos() - lastNanos[row]) / 1e9 / steps;
                    for (long i = 0; i < Math.min(steps, window); i++) {
                        intervals.add(interval);
                    }
                }
                lastSequence[row] = sample.sequence();
                lastNanos[row] = sample.publishNanos();
                return true;
            }, () -> {
                if (intervals.count() == 0) {
                    out.println("no new messages");
                    return;
                }
                TopicTools.Stats stats = intervals.stats();
                out.printf(Locale.ROOT, "average rate: %.3f%n\tmin: %.3fs max: %.3fs std dev: %.5fs window: %d%n",
                    1 / stats.mean(), stats.min(), stats.max(), stats.stdDev(), stats.count() + 1);
                out.flush();
            });
            return 0;
        }
    }

    @Command(name = "bw", mixinStandardHelpOptions = true,
        description = "Print the bandwidth a topic uses (ros2 topic bw).")
    static final class Bw extends Taking {
        @Option(names = {"-w", "--window"}, paramLabel = "N", defaultValue = "100",
            description = "messages the statistics cover (default: ${DEFAULT-VALUE})")
        int window;

        Bw(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) throws Exception {
            TopicInfo info = TopicTools.info(sluice, topic);
            TopicTools.Window sizes = new TopicTools.Window(Math.max(1, window));
            TopicTools.Window times = new TopicTools.Window(Math.max(2, window));
            take(sluice, info, (sample, subscriber) -> {
                sizes.add(sample.segment().byteSize());
                times.add(sample.publishNanos() / 1e9);
                return true;
            }, () -> {
                if (sizes.count() < 2) {
                    out.println("no new messages");
                    return;
                }
                TopicTools.Stats size = sizes.stats();
                TopicTools.Stats time = times.stats();
                double span = time.max() - time.min();
                double rate = span > 0 ? size.mean() * (times.count() - 1) / span : 0;
                out.printf(Locale.ROOT, "%s/s from %d messages%n\tMessage size mean: %s min: %s max: %s%n",
                    bytes(rate), size.count(), bytes(size.mean()), bytes(size.min()), bytes(size.max()));
                out.flush();
            });
            return 0;
        }

        private static String bytes(double value) {
            if (value >= 1e6) {
                return String.format(Locale.ROOT, "%.2f MB", value / 1e6);
            }
            return value >= 1e3 ? String.format(Locale.ROOT, "%.2f KB", value / 1e3)
                : String.format(Locale.ROOT, "%.2f B", value);
        }
    }

    @Command(name = "delay", mixinStandardHelpOptions = true,
        description = "Print how old messages are when taken: now (the wall clock) minus header.stamp"
            + " (ros2 topic delay).")
    static final class Delay extends Taking {
        @Option(names = {"-w", "--window"}, paramLabel = "N", defaultValue = "10000",
            description = "messages the statistics cover (default: ${DEFAULT-VALUE})")
        int window;

        Delay(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) throws Exception {
            TopicInfo info = TopicTools.info(sluice, topic);
            TopicTools.Decoder decoder = new TopicTools.Decoder(info);
            if (decoder.schema() == null || decoder.schema().root().field("header") == null) {
                throw new TopicTools.Failure(topic + " carries " + info.typeName() + ", which has no header.stamp");
            }
            TopicTools.Window delays = new TopicTools.Window(Math.max(1, window));
            take(sluice, info, (sample, subscriber) -> {
                java.time.Instant now = java.time.Instant.now();
                CdrTree tree;
                try {
                    tree = decoder.decode(sample.segment(), 0);
                } catch (MalformedMessageException e) {
                    err.println("sluice topic delay: skipped a malformed message: " + e.getMessage());
                    return true;
                }
                Object sec = tree.get("header.stamp.sec");
                Object nanosec = tree.get("header.stamp.nanosec");
                if (sec instanceof Long s && nanosec instanceof Long n) {
                    delays.add(now.getEpochSecond() - s + (now.getNano() - n) / 1e9);
                }
                return true;
            }, () -> {
                if (delays.count() == 0) {
                    out.println("no new messages");
                    return;
                }
                TopicTools.Stats stats = delays.stats();
                out.printf(Locale.ROOT, "average delay: %.3f%n\tmin: %.3fs max: %.3fs std dev: %.5fs window: %d%n",
                    stats.mean(), stats.min(), stats.max(), stats.stdDev(), stats.count());
                out.flush();
            });
            return 0;
        }
    }

    @Command(name = "pub", mixinStandardHelpOptions = true,
        description = "Publish messages given in YAML (ros2 topic pub): sluice topic pub /chatter std_msgs/msg/String"
            + " \"{data: hello}\"")
    static final class Pub extends Base {
        @Parameters(index = "0", paramLabel = "TOPIC", description = "the topic")
        String topic;

        @Parameters(index = "1", paramLabel = "TYPE", description = "its type: the topic's own, or one Sluice ships"
            + " (sensor_msgs/msg/Image, std_msgs/String, ...)")
        String type;

        @Parameters(index = "2", arity = "0..1", paramLabel = "VALUES", defaultValue = "{}",
            description = "the fields in YAML; fields left out get their defaults (default: ${DEFAULT-VALUE})")
        String values;

        @Option(names = {"-r", "--rate"}, paramLabel = "HZ", defaultValue = "1",
            description = "messages per second (default: ${DEFAULT-VALUE})")
        double rate;

        @Option(names = {"-1", "--once"}, description = "publish one message and exit")
        boolean once;

        @Option(names = {"-t", "--times"}, paramLabel = "N", defaultValue = "0",
            description = "publish N messages and exit (0: until Ctrl-C)")
        long times;

        @Option(names = {"-w", "--wait-matching-subscriptions"}, paramLabel = "N",
            description = "wait for N subscribers before publishing (default: 1 with --once or --times, else 0)")
        Integer waitFor;

        @Option(names = "--keep-alive", paramLabel = "SECONDS", defaultValue = "0.5",
            description = "stay this long after the last message, so that subscribers that have not attached to this"
                + " publisher yet can take it (a sample of a publisher that left first counts as lost to them)"
                + " (default: ${DEFAULT-VALUE})")
        double keepAlive;

        @Option(names = {"-p", "--print"}, paramLabel = "N", defaultValue = "1",
            description = "say every Nth message published (0: never; default: ${DEFAULT-VALUE})")
        long print;

        Pub(PrintStream out, PrintStream err) {
            super(out, err);
        }

        @Override
        int run(Sluice sluice) throws Exception {
            if (!(rate > 0)) {
                throw new TopicTools.Failure("--rate must be above 0: " + rate);
            }
            Sluice.validateTopic(topic);
            String typeName = KnownTypes.canonical(type);
            TopicInfo existing = sluice.topicInfo(topic).orElse(null);
            MessageType<?> messageType;
            MsgSchema schema;
            if (existing != null) {
                if (!existing.typeName().equals(typeName)) {
                    throw new TopicTools.Failure(topic + " carries " + existing.typeName() + ", not " + typeName);
                }
                TopicTools.Decoder decoder = new TopicTools.Decoder(existing);
                if (decoder.schema() == null) {
                    throw new TopicTools.Failure(topic + " carries raw bytes (" + typeName + "): no fields to set");
                }
                messageType = MessageType.raw(existing);
                schema = decoder.schema();
            } else {
                CdrType<?> known = KnownTypes.named(typeName);
                if (known == null) {
                    throw new TopicTools.Failure("unknown type " + typeName + " (" + topic + " does not exist yet,"
                        + " so its type must be one Sluice ships: " + KnownTypes.names() + ")");
                }
                messageType = known;
                schema = known.msgSchema();
            }
            byte[] message = CdrWriter.write(schema, parse(values));
            long count = once ? 1 : times;
            int wait = waitFor != null ? waitFor : count > 0 ? 1 : 0;
            Interrupt.install();
            try (Publisher<?> publisher = sluice.publisher(topic, messageType,
                PublisherOptions.defaults().withHistory(1))) {
                out.println("publisher: beginning loop");
                out.flush();
                while (publisher.subscriberCount() < wait) {
                    if (Interrupt.sleep(20_000_000L)) {
                        return 0;
                    }
                }
                long period = (long) (1e9 / rate);
                long next = System.nanoTime();
                for (long sent = 1; count == 0 || sent <= count; sent++) {
                    publisher.publishCopy(message);
                    if (print > 0 && (sent - 1) % print == 0) {
                        out.println("publishing #" + sent + ": " + typeName + " " + values);
                        out.flush();
                    }
                    if (count != 0 && sent == count) {
                        break;
                    }
                    next += period;
                    if (Interrupt.sleep(next - System.nanoTime())) {
                        return 0;
                    }
                }
                Interrupt.sleep((long) (keepAlive * 1e9));
            }
            return 0;
        }

        /** The YAML of the values: a mapping, or nothing. */
        @SuppressWarnings("unchecked")
        static Map<String, Object> parse(String yaml) {
            Object parsed;
            try {
                ObjectMapper mapper = new YAMLMapper();
                parsed = mapper.readValue(yaml, Object.class);
            } catch (java.io.IOException e) {
                String problem = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                throw new TopicTools.Failure("the values are not YAML: " + problem);
            }
            if (parsed == null) {
                return Map.of();
            }
            if (!(parsed instanceof Map<?, ?> map)) {
                throw new TopicTools.Failure("the values must be a YAML mapping of field names, such as"
                    + " \"{data: 1}\": " + yaml);
            }
            return new LinkedHashMap<>((Map<String, Object>) map);
        }
    }

    /** Prints rows as left-aligned columns two spaces apart. */
    static void printTable(PrintStream out, List<String[]> rows) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}

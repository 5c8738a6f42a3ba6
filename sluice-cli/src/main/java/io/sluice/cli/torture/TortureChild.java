package io.sluice.cli.torture;

import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.PublishTimeoutException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import io.sluice.Subscriber;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The victim of one torture run, in a process of its own: it plays one role on the topic {@value #TOPIC} and is
 * halted or stopped by a fault point on the way (the coordinator starts it with {@code -Dsluice.fault.halt=…} or
 * {@code -Dsluice.fault.stop=…}). It reports on standard output, one line each, flushed:
 * <pre>
 * READY                    joined
 * B seq                    publisher: about to publish seq     A seq   publisher: seq is published
 * T seq                    subscriber: took seq, intact        X seq   subscriber: took seq, torn
 * LOST n                   subscriber: its lostCount when it closes
 * DONE                     finished its script and closed
 * </pre>
 * Arguments: {@code root role qos count} with role {@code publisher}, {@code subscriber} or {@code reclaimer}.
 */
public final class TortureChild {
    static final String TOPIC = "/torture";
    static final MessageType<MemorySegment> TYPE = MessageType.raw("sluice_torture/msg/Numbered");
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    private TortureChild() {
    }

    /** The size of message {@code sequence} of {@code count}: small, then larger twice, so that the slots grow. */
    static long size(long sequence, int count) {
        if (sequence < count / 3) {
            return 256;
        }
        return sequence < 2 * count / 3 ? 4096 : 65536;
    }

    static PublisherOptions publisherOptions() {
        return PublisherOptions.defaults().withSlots(4).withHistory(1).withInitialSize(256)
            .withReliableTimeout(Duration.ofSeconds(5));
    }

    static Qos qos(String name) {
        return switch (name) {
            case "latest" -> Qos.latest();
            case "queue" -> Qos.queue(8);
            case "reliable" -> Qos.reliable(8);
            default -> throw new IllegalArgumentException("unknown QoS: qos=" + name);
        };
    }

    /** Writes message {@code sequence}: the sequence in the first and last word, a mix of it in between. */
    static void fill(MemorySegment message, long sequence) {
        long words = message.byteSize() / 8;
        for (long i = 0; i < words; i++) {
            message.set(WORD, i * 8, i == 0 || i == words - 1 ? sequence : sequence * 0x9E3779B97F4A7C15L + i);
        }
    }

    /** Whether {@code message} is exactly what {@link #fill} wrote for {@code sequence}. */
    static boolean intact(MemorySegment message, long sequence) {
        long words = message.byteSize() / 8;
        for (long i = 0; i < words; i++) {
            long expected = i == 0 || i == words - 1 ? sequence : sequence * 0x9E3779B97F4A7C15L + i;
            if (message.get(WORD, i * 8) != expected) {
                return false;
            }
        }
        return true;
    }

    public static void main(String[] args) throws Exception {
        // when the coordinator dies, so do we: it is polled, not watched through a pipe, because a thread blocked in
        // read(2) makes the JVM's exit wait ~300 ms for it
        long coordinator = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        Thread.ofPlatform().daemon().start(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L) == coordinator) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(3);
        });
        Path root = Path.of(args[0]);
        String role = args[1];
        String qos = args[2];
        int count = Integer.parseInt(args[3]);
        try (Sluice sluice = Sluice.open("victim-" + role, SluiceOptions.defaults().withRoot(root).withDomain(0))) {
            switch (role) {
                case "publisher" -> publish(sluice, count);
                case "subscriber" -> subscribe(sluice, qos(qos), count);
                case "sink" -> sink(sluice);
                case "train" -> train(sluice, count);
                case "reclaimer" -> {
                    // opening the domain swept it; counting reclaims whatever died since
                    try (Subscriber<MemorySegment> look = sluice.subscriber(TOPIC, TYPE, Qos.latest())) {
                        say("READY");
                        look.publisherCount();
                    }
                }
                default -> throw new IllegalArgumentException("unknown role: role=" + role);
            }
        }
        say("DONE");
        System.exit(0);
    }

    private static void publish(Sluice sluice, int count) throws InterruptedException {
        try (Publisher<MemorySegment> publisher = sluice.publisher(TOPIC, TYPE, publisherOptions())) {
            say("READY");
            for (long sequence = 0; sequence < count; sequence++) {
                say("B " + sequence);
                while (true) {
                    try (Loan<MemorySegment> loan = publisher.loan(size(sequence, count))) {
                        fill(loan.segment(), sequence);
                        loan.publish();
                        break;
                    } catch (PublishTimeoutException slow) {
                        // a reliable subscriber is stopped: try again, as a camera would drop or wait
                    }
                }
                say("A " + sequence);
                Thread.sleep(1);
            }
        }
    }

    private static void subscribe(Sluice sluice, Qos qos, int count) {
        try (Subscriber<MemorySegment> subscriber = sluice.subscriber(TOPIC, TYPE, qos)) {
            say("READY");
            // until the last sample, or a second without any (a latest subscriber may skip the last ones)
            long last = -1;
            long idleSince = System.nanoTime();
            while (last < count - 1 && System.nanoTime() - idleSince < 1_000_000_000L) {
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(100))) {
                    if (sample != null) {
                        say((intact(sample.segment(), sample.sequence()) ? "T " : "X ") + sample.sequence());
                        last = sample.sequence();
                        idleSince = System.nanoTime();
                    }
                }
            }
            say("LOST " + subscriber.lostCount());
        }
    }

    /**
     * The soak's receiver: a reliable subscriber of {@value #STREAM} that takes until it is killed, checks the
     * first and last word of every sample, and prints {@code SINK taken lost torn} every second and at the end.
     */
    private static void sink(Sluice sluice) {
        try (Subscriber<MemorySegment> subscriber = sluice.subscriber(STREAM, TYPE, Qos.reliable(4))) {
            say("READY");
            long taken = 0;
            long torn = 0;
            long nextReport = System.nanoTime();
            while (true) {
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(100))) {
                    if (sample != null) {
                        MemorySegment bytes = sample.segment();
                        long last = bytes.byteSize() / 8 - 1;
                        if (bytes.get(WORD, 0) != sample.sequence() || bytes.get(WORD, last * 8) != sample.sequence()) {
                            torn++;
                        }
                        taken++;
                    }
                }
                if (System.nanoTime() - nextReport >= 0) {
                    say("SINK " + taken + " " + subscriber.lostCount() + " " + torn);
                    nextReport = System.nanoTime() + 1_000_000_000L;
                }
            }
        }
    }

    /** Every role's code once, in one process: what {@link TortureRun#trainAotCache} records for the others. */
    private static void train(Sluice sluice, int count) throws InterruptedException {
        try (Subscriber<MemorySegment> queue = sluice.subscriber(TOPIC, TYPE, qos("queue"));
             Subscriber<MemorySegment> reliable = sluice.subscriber(TOPIC, TYPE, qos("reliable"));
             Subscriber<MemorySegment> latest = sluice.subscriber(TOPIC, TYPE, qos("latest"))) {
            Thread taker = Thread.ofPlatform().start(() -> {
                for (Subscriber<MemorySegment> subscriber : java.util.List.of(queue, reliable, latest)) {
                    for (long taken = 0; taken < count; taken++) {
                        try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(200))) {
                            if (sample == null) {
                                break;
                            }
                            intact(sample.segment(), sample.sequence());
                        }
                    }
                }
            });
            publish(sluice, count);
            taker.join();
            latest.publisherCount();
        }
    }

    static final String STREAM = "/soak/stream";

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}

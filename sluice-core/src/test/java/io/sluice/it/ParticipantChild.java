package io.sluice.it;

import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.SluiceException;
import io.sluice.Subscriber;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Main of a child JVM that is one Sluice participant, driven by commands on stdin, one per line, each answered
 * by one line on stdout (a failed command by {@code ERROR <exception>}). Messages carry {@link Payload} contents.
 * Argument: the shared-memory root (domain 0).
 *
 * <pre>
 * PUB topic slots initialSize reliableTimeoutMs history   -> PUB-READY
 * PUBLISH count size                                      -> PUBLISHED first last
 * STREAM size millis (0: until killed)                    -> STREAMING, later STREAMED count noSlot=n
 * SUBS count topic LATEST|QUEUE|RELIABLE depth            -> SUBS-READY count publishers=n  (each attached)
 * HOLD count timeoutMs                                    -> HELD n seqs=a,b torn=t  (first subscriber; kept open)
 * VERIFYHELD                                              -> VERIFIED n torn=t
 * RELEASE                                                 -> RELEASED n
 * CLOSESUBS                                               -> CLOSEDSUBS n                   (releases, closes all)
 * RECEIVE count timeoutMs                                 -> RECEIVED samples=n torn=t lost=l seqs=.. sizes=..
 *                                                            (every subscriber takes count; seqs/sizes of the first)
 * DRAIN                                                   -> DRAINING, then takes from every subscriber until killed
 * COUNT                                                   -> COUNT publishers=n subscribers=m
 * EXIT                                                    -> BYE, after closing the participant
 * </pre>
 */
public final class ParticipantChild {
    public static final MessageType<MemorySegment> TYPE = MessageType.raw("sluice_test/msg/Payload");

    private final Sluice sluice;
    private Publisher<MemorySegment> publisher;
    private final List<Subscriber<MemorySegment>> subscribers = new ArrayList<>();
    private final List<Sample<MemorySegment>> held = new ArrayList<>();

    private ParticipantChild(Sluice sluice) {
        this.sluice = sluice;
    }

    public static void main(String[] args) throws Exception {
        ParentWatch.exitWithParent(); // STREAM and DRAIN never read stdin again: they would not see the test end
        Path root = Path.of(args[0]);
        Sluice sluice = Sluice.open("child-" + ProcessHandle.current().pid(),
            io.sluice.SluiceOptions.defaults().withRoot(root).withDomain(0));
        ParticipantChild child = new ParticipantChild(sluice);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        say("STARTED pid=" + ProcessHandle.current().pid());
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            try {
                if (!child.execute(line.trim().split("\\s+"))) {
                    break;
                }
            } catch (Throwable t) {
                say("ERROR " + t.getClass().getName() + ": " + t.getMessage());
            }
        }
        System.exit(0);
    }

    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private boolean execute(String[] command) throws Exception {
        switch (command[0]) {
            case "PUB" -> {
                publisher = sluice.publisher(command[1], TYPE, PublisherOptions.defaults()
                    .withSlots(Integer.parseInt(command[2]))
                    .withInitialSize(Long.parseLong(command[3]))
                    .withReliableTimeout(Duration.ofMillis(Long.parseLong(command[4])))
                    .withHistory(Integer.parseInt(command[5])));
                say("PUB-READY");
            }
            case "PUBLISH" -> {
                int count = Integer.parseInt(command[1]);
                long size = Long.parseLong(command[2]);
                long first = -1;
                long last = -1;
                for (int i = 0; i < count; i++) {
                    last = publishOne(size);
                    if (first < 0) {
                        first = last;
                    }
                }
                say("PUBLISHED " + first + " " + last);
            }
            case "STREAM" -> stream(Long.parseLong(command[1]), Long.parseLong(command[2]));
            case "SUBS" -> {
                int count = Integer.parseInt(command[1]);
                Qos qos = switch (command[3]) {
                    case "LATEST" -> Qos.latest();
                    case "QUEUE" -> Qos.queue(Integer.parseInt(command[4]));
                    case "RELIABLE" -> Qos.reliable(Integer.parseInt(command[4]));
                    default -> throw new IllegalArgumentException("unknown QoS: " + command[3]);
                };
                int publishers = 0;
                for (int i = 0; i < count; i++) {
                    Subscriber<MemorySegment> subscriber = sluice.subscriber(command[2], TYPE, qos);
                    publishers = subscriber.publisherCount(); // attaches to the publishers there are now
                    subscribers.add(subscriber);
                }
                say("SUBS-READY " + count + " publishers=" + publishers);
            }
            case "HOLD" -> hold(Integer.parseInt(command[1]), Duration.ofMillis(Long.parseLong(command[2])));
            case "VERIFYHELD" -> {
                int torn = 0;
                for (Sample<MemorySegment> sample : held) {
                    if (!Payload.verify(sample.segment(), sample.sequence())) {
                        torn++;
                    }
                }
                say("VERIFIED " + held.size() + " torn=" + torn);
            }
            case "RELEASE" -> {
                int count = held.size();
                held.forEach(Sample::close);
                held.clear();
                say("RELEASED " + count);
            }
            case "CLOSESUBS" -> {
                held.forEach(Sample::close);
                held.clear();
                subscribers.forEach(Subscriber::close);
                say("CLOSEDSUBS " + subscribers.size());
                subscribers.clear();
            }
            case "RECEIVE" -> receive(Integer.parseInt(command[1]), Duration.ofMillis(Long.parseLong(command[2])));
            case "DRAIN" -> drain();
            case "COUNT" -> say("COUNT publishers="
                + (subscribers.isEmpty() ? -1 : subscribers.getFirst().publisherCount())
                + " subscribers=" + (publisher == null ? -1 : publisher.subscriberCount()));
            case "EXIT" -> {
                held.forEach(Sample::close);
                sluice.close();
                say("BYE");
                return false;
            }
            default -> say("ERROR unknown command: " + String.join(" ", command));
        }
        return true;
    }

    private long publishOne(long size) {
        try (Loan<MemorySegment> loan = publisher.loan(size)) {
            long sequence = publisher.publishedCount(); // one publisher per child: its count is the next sequence
            Payload.fill(loan.segment(), sequence);
            loan.publish();
            return sequence;
        }
    }

    private void stream(long size, long millis) {
        say("STREAMING");
        long end = millis == 0 ? Long.MAX_VALUE : System.nanoTime() + millis * 1_000_000L;
        long count = 0;
        long noSlot = 0;
        while (System.nanoTime() - end < 0) {
            try {
                publishOne(size);
                count++;
            } catch (SluiceException e) {
                noSlot++;
                Thread.onSpinWait();
            }
        }
        say("STREAMED " + count + " noSlot=" + noSlot);
    }

    private void hold(int count, Duration timeout) {
        Subscriber<MemorySegment> subscriber = subscribers.getFirst();
        long deadline = System.nanoTime() + timeout.toNanos();
        StringJoiner seqs = new StringJoiner(",");
        int taken = 0;
        int torn = 0;
        while (taken < count && System.nanoTime() - deadline < 0) {
            Sample<MemorySegment> sample = subscriber.take(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (sample == null) {
                continue;
            }
            if (!Payload.verify(sample.segment(), sample.sequence())) {
                torn++;
            }
            held.add(sample);
            seqs.add(Long.toString(sample.sequence()));
            taken++;
        }
        say("HELD " + taken + " seqs=" + seqs + " torn=" + torn);
    }

    private void receive(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int samples = 0;
        int torn = 0;
        long lost = 0;
        StringJoiner seqs = new StringJoiner(",");
        StringJoiner sizes = new StringJoiner(",");
        for (int s = 0; s < subscribers.size(); s++) {
            Subscriber<MemorySegment> subscriber = subscribers.get(s);
            for (int taken = 0; taken < count && System.nanoTime() - deadline < 0; ) {
                try (Sample<MemorySegment> sample = subscriber.take(
                        Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    if (sample == null) {
                        continue;
                    }
                    taken++;
                    samples++;
                    if (!Payload.verify(sample.segment(), sample.sequence())) {
                        torn++;
                    }
                    if (s == 0) {
                        seqs.add(Long.toString(sample.sequence()));
                        sizes.add(Long.toString(sample.segment().byteSize()));
                    }
                }
            }
            lost += subscriber.lostCount();
        }
        say("RECEIVED samples=" + samples + " torn=" + torn + " lost=" + lost + " seqs=" + seqs + " sizes=" + sizes);
    }

    private void drain() {
        say("DRAINING");
        while (true) {
            for (Subscriber<MemorySegment> subscriber : subscribers) {
                try (Sample<MemorySegment> sample = subscriber.take(Duration.ofMillis(5))) {
                    if (sample != null && !Payload.verify(sample.segment(), sample.sequence())) {
                        say("TORN " + sample.sequence());
                    }
                }
            }
        }
    }
}

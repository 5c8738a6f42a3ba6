package io.sluice.bench.peers;

import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import io.sluice.Subscriber;
import io.sluice.WaitStrategy;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

/**
 * Sluice in the peer benchmark, used as the README shows: a publisher loans a slot, the harness writes into it,
 * {@code publish}; a subscriber takes a sample and reads it in place. Topics {@code /peers/<name>/<stream>}.
 *
 * <ul>
 *   <li>latency: 4 slots, {@code Qos.queue(4)} (one message in flight);
 *   <li>throughput: {@code Qos.reliable(n)} — the publisher waits for a slow subscriber — with {@code n} as in
 *       {@code sluice bench throughput}: 512 slots up to 256 B, 64 up to 4 KB, 16 up to 16 MB, 8 above;
 *   <li>fan-out: 8 slots, {@code Qos.queue(4)} per sink (a slow sink loses messages, counted, instead of holding
 *       the camera back); with {@code qos=reliable}, 16 slots and {@code Qos.reliable(16)} per sink, as iceoryx's
 *       harness subscribes (a queue of 16 for large messages, {@code BLOCK_PRODUCER}).
 * </ul>
 * {@code wait=block} is {@link WaitStrategy#block()} (futex), {@code wait=spin} {@link WaitStrategy#spin()}.
 */
final class SluiceTransport implements JavaTransport {
    private static final MessageType<MemorySegment> TYPE = MessageType.raw("sluice_bench/msg/Payload");
    private static final Duration RELIABLE_TIMEOUT = Duration.ofSeconds(10);
    /** Reliable fan-out: slots and depth per sink, iceoryx's queue capacity for large messages. */
    private static final int RELIABLE_FANOUT_DEPTH = 16;

    private final HarnessArgs args;
    private final Sluice sluice;
    private final WaitStrategy wait;

    SluiceTransport(HarnessArgs args) {
        if (args.domain() < 0) {
            throw new IllegalArgumentException("the sluice transport needs domain=<n>");
        }
        this.args = args;
        this.wait = args.spin() ? WaitStrategy.spin() : WaitStrategy.block();
        this.sluice = Sluice.open(args.role() + "-" + args.index(),
            SluiceOptions.defaults().withDomain(args.domain()).withWaitStrategy(wait));
    }

    private String topic(Stream stream, int index) {
        String base = "/peers/" + args.name().replace('-', '_') + "/" + stream.name().toLowerCase(java.util.Locale.ROOT);
        return stream == Stream.HELLO ? base + "_" + index : base;
    }

    private int dataSlots() {
        if (args.workload().equals(HarnessArgs.FANOUT)) {
            return args.reliable() ? RELIABLE_FANOUT_DEPTH : 8;
        }
        if (args.workload().equals(HarnessArgs.LATENCY)) {
            return 4;
        }
        long size = args.size();
        return size <= 256 ? 512 : size <= 4096 ? 64 : size <= 16L << 20 ? 16 : 8;
    }

    @Override
    public Sender sender(Stream stream, int index) {
        long size = stream == Stream.HELLO ? HELLO_SIZE : args.size();
        int slots = switch (stream) {
            case PING, PONG, HELLO -> 4;
            case DATA -> dataSlots();
        };
        Publisher<MemorySegment> publisher = sluice.publisher(topic(stream, index), TYPE,
            PublisherOptions.defaults().withSlots(slots).withInitialSize(size).withReliableTimeout(RELIABLE_TIMEOUT));
        return new Sender() {
            private Loan<MemorySegment> loan;

            @Override
            public MemorySegment claim(long bytes) {
                loan = publisher.loan(bytes);
                return loan.segment();
            }

            @Override
            public void send() {
                loan.publish();
                loan.close();
                loan = null;
            }
        };
    }

    @Override
    public Receiver receiver(Stream stream, int index) {
        Qos qos = switch (stream) {
            case PING, PONG -> Qos.queue(4);
            case HELLO -> Qos.queue(16);
            case DATA -> args.workload().equals(HarnessArgs.THROUGHPUT) || args.reliable() ? Qos.reliable(dataSlots())
                : Qos.queue(4);
        };
        Subscriber<MemorySegment> subscriber = sluice.subscriber(topic(stream, index), TYPE,
            qos.withWaitStrategy(wait));
        return new Receiver() {
            private Sample<MemorySegment> sample;

            @Override
            public MemorySegment receive(long timeoutNanos) {
                sample = timeoutNanos <= 0 ? subscriber.take() : subscriber.take(timeout(timeoutNanos));
                return sample == null ? null : sample.segment();
            }

            @Override
            public void release() {
                sample.close();
                sample = null;
            }
        };
    }

    private static final Duration POLL = Duration.ofMillis(PeerHarness.POLL_MILLIS);

    private static Duration timeout(long nanos) {
        return nanos == POLL.toNanos() ? POLL : Duration.ofNanos(nanos); // the harness polls with POLL: no garbage
    }

    @Override
    public void close() {
        sluice.close();
    }
}

package io.sluice.bench.peers;

import io.aeron.Aeron;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Aeron (1.51) IPC in the peer benchmark: {@code aeron:ipc} publications and subscriptions through the media driver
 * that {@link AeronDriver} runs for the measurement. Two variants of the sending side:
 *
 * <ul>
 *   <li>{@code aeron-offer}: the harness writes into a reusable direct buffer of the message size, then
 *       {@link Publication#offer(DirectBuffer, int, int)} copies it into the log buffer (one copy, Aeron's common
 *       API; messages above one frame are fragmented by the offer);
 *   <li>{@code aeron-claim}: {@link Publication#tryClaim} reserves the frame in the log buffer, the harness writes in
 *       place, {@link BufferClaim#commit()} publishes it (zero copy). A claim is one frame, so it carries at most
 *       {@code maxPayloadLength} = MTU - 32 B header = {@value #MAX_CLAIM} bytes (IPC MTU {@value #MTU}, Aeron's
 *       default).
 * </ul>
 *
 * <p><b>Receiving.</b> {@link Subscription#controlledPoll} with a handler that takes one message per call. A message
 * of one frame ({@code UNFRAGMENTED}) is handed to the harness in place in the log buffer, zero copy: the handler
 * answers {@link Action#ABORT}, so the subscriber position stays <em>before</em> the message while the harness reads
 * it (the driver zeroes consumed log-buffer space up to the subscriber position — {@code IpcPublication.cleanBufferTo}
 * — so a plain poll would not keep the view valid); the next poll after {@link Receiver#release()} sees the same
 * frame again and consumes it. Larger messages arrive in fragments that a {@link ControlledFragmentAssembler} copies
 * into its own (direct) buffer (one copy on the receiving side); the assembled message stays valid until the next
 * poll, which happens only after release.
 *
 * <p><b>Channels and limits.</b> Stream ids: PING 1, PONG 2, DATA 3, HELLO {@code 100 + index}; channel
 * {@code aeron:ipc?term-length=T|mtu=1408}, one {@link ExclusivePublication} per stream (one sending thread). T is
 * Aeron's default IPC term length, 64 MiB, raised to 128 MiB for messages above 8 MiB, since Aeron's maximum message
 * length is {@code min(T / 8, 16 MiB)}; hello streams use 64 KiB. Above 16 MiB (or above {@value #MAX_CLAIM} bytes
 * for {@code aeron-claim}) {@link #sender} throws {@link UnsupportedOperationException} (the harness prints
 * {@code ERROR unsupported: ...}, exit 3). Aeron itself rejects such a message per call:
 * {@code offer} throws {@code IllegalArgumentException("message exceeds maxMessageLength of 16777216,
 * length=46137344")} and {@code tryClaim} throws {@code IllegalArgumentException("claim exceeds maxPayloadLength of
 * 1376, length=...")}.
 *
 * <p><b>Reliability.</b> An IPC publication is limited by its slowest subscriber, so nothing is dropped:
 * {@code offer} and {@code tryClaim} are retried on {@code BACK_PRESSURED}, {@code NOT_CONNECTED} and
 * {@code ADMIN_ACTION} (for at most {@value #STUCK_SECONDS} s without progress). Once a publication has been
 * connected and its subscribers have left (the receivers exit after {@code END}), further messages have nowhere to go
 * and are dropped — only the repeated {@code END} messages of the harness meet that case.
 *
 * <p><b>Waiting.</b> Aeron has no futex-style wake-up: a subscriber polls. {@code wait=spin} is
 * {@link BusySpinIdleStrategy}; {@code wait=block} is Aeron's default {@link BackoffIdleStrategy} (10 spins, 5 yields,
 * then parks from 1 µs doubling up to 1 ms), so an idle receiver sleeps but may notice a message up to about 1 ms
 * (plus timer slack) late. The same strategies pace the retries of a back-pressured sender.
 *
 * <p><b>The driver.</b> The Aeron directory is the harness key {@code aeron_dir} (the run's one driver), else
 * {@code <dir>/aeron} ({@link #aeronDir}); {@link AeronDriver} must run there before any harness process starts. Make {@code dir} on tmpfs (e.g. under
 * {@code /dev/shm}, where Aeron puts its directory by default on Linux) so the log buffers are memory, not
 * disk-backed files. JVM option needed on JDK 25: {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED}
 * (Agrona), plus {@code --enable-native-access=ALL-UNNAMED} (the in-place views use
 * {@link MemorySegment#reinterpret}).
 */
final class AeronTransport implements JavaTransport {
    /** The variants: how the sender hands over a message. */
    enum Mode { OFFER, CLAIM }

    static final int MTU = 1408;
    static final int MAX_CLAIM = MTU - DataHeaderFlyweight.HEADER_LENGTH;
    /** Aeron's default IPC term length ({@code aeron.ipc.term.buffer.length}). */
    static final int DEFAULT_TERM_LENGTH = 64 << 20;
    /** The smallest term length at which Aeron's maximum message length reaches its cap of 16 MiB. */
    static final int LARGE_TERM_LENGTH = 128 << 20;
    static final int HELLO_TERM_LENGTH = 64 << 10;
    static final int MAX_MESSAGE = 16 << 20;
    private static final int FRAGMENT_LIMIT = 1 << 16;
    private static final long STUCK_SECONDS = 60;
    private static final long STUCK_NANOS = STUCK_SECONDS * 1_000_000_000L;

    private final HarnessArgs args;
    private final Mode mode;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Aeron aeron;

    AeronTransport(HarnessArgs args, Mode mode) {
        if (args.aeronDir().isEmpty()) {
            throw new IllegalArgumentException("the aeron transports need aeron_dir=<the media driver's directory> or"
                + " dir=<measurement directory> (then <dir>/aeron)");
        }
        checkJvmOptions();
        this.args = args;
        this.mode = mode;
    }

    /** The JVM option Agrona needs on JDK 25 (without it Aeron fails with an {@link IllegalAccessError}). */
    static final String ADD_EXPORTS = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    static void checkJvmOptions() {
        if (!Object.class.getModule().isExported("jdk.internal.misc", AeronTransport.class.getModule())) {
            throw new IllegalStateException("Aeron needs the JVM option " + ADD_EXPORTS);
        }
    }

    /** The Aeron directory of a measurement whose harness key {@code dir} is {@code dir}. */
    static Path aeronDir(String dir) {
        return Path.of(dir, "aeron");
    }

    /** The term length for messages of {@code size} bytes: Aeron's default unless the message needs more. */
    static int termLength(long size) {
        return size <= maxMessageLength(DEFAULT_TERM_LENGTH) ? DEFAULT_TERM_LENGTH : LARGE_TERM_LENGTH;
    }

    /** Aeron's maximum message length for a term length ({@code FrameDescriptor.computeMaxMessageLength}). */
    static int maxMessageLength(int termLength) {
        return FrameDescriptor.computeMaxMessageLength(termLength);
    }

    /** Null when {@code size} bytes can be sent in {@code mode}, else why not (one line). */
    static String unsupported(Mode mode, long size) {
        int term = termLength(size);
        int max = maxMessageLength(term);
        if (size > max) {
            return "Aeron's maximum message length is " + max + " bytes (term length " + term
                + " / 8, at most 16 MiB): a " + size + "-byte message cannot be offered";
        }
        if (mode == Mode.CLAIM && size > MAX_CLAIM) {
            return "Aeron's tryClaim is limited to maxPayloadLength = " + MAX_CLAIM + " bytes (IPC MTU " + MTU
                + " - 32-byte frame header): a " + size + "-byte message cannot be claimed";
        }
        return null;
    }

    private Aeron aeron() {
        if (aeron == null) {
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(args.aeronDir()));
        }
        return aeron;
    }

    /**
     * The stream id of {@code stream} in this measurement: its own block of 1024 ids per measurement name. One media
     * driver serves a whole run, and it keeps a killed process's subscription for its client timeout (10 s); an IPC
     * publication on the same stream would wait for that dead subscriber, so no two measurements share an id.
     */
    private int streamId(Stream stream, int index) {
        int offset = switch (stream) {
            case PING -> 1;
            case PONG -> 2;
            case DATA -> 3;
            case HELLO -> 100 + index;
        };
        return (args.name().hashCode() & 0xFFFFF) * 1024 + offset;
    }

    private static String channel(int termLength) {
        return "aeron:ipc?term-length=" + termLength + "|mtu=" + MTU;
    }

    private IdleStrategy idle() {
        return args.spin() ? new BusySpinIdleStrategy() : new BackoffIdleStrategy();
    }

    @Override
    public Sender sender(Stream stream, int index) {
        long size = stream == Stream.HELLO ? HELLO_SIZE : args.size();
        String reason = unsupported(mode, size);
        if (reason != null) {
            throw new UnsupportedOperationException(reason);
        }
        int term = stream == Stream.HELLO ? HELLO_TERM_LENGTH : termLength(size);
        ExclusivePublication publication = aeron().addExclusivePublication(channel(term), streamId(stream, index));
        resources.add(publication);
        if (publication.maxMessageLength() < size || mode == Mode.CLAIM && publication.maxPayloadLength() < size) {
            throw new UnsupportedOperationException("the Aeron publication carries at most "
                + (mode == Mode.CLAIM ? publication.maxPayloadLength() : publication.maxMessageLength())
                + " bytes per message: a " + size + "-byte message cannot be sent");
        }
        return mode == Mode.OFFER ? new OfferSender(publication, (int) size, idle())
            : new ClaimSender(publication, (int) size, idle());
    }

    /** Retries of a publication that does not take a message yet; shared by both variants. */
    private abstract static class Retrying implements Sender {
        final ExclusivePublication publication;
        final IdleStrategy idle;
        private boolean connected;
        private long stuckSince;

        Retrying(ExclusivePublication publication, IdleStrategy idle) {
            this.publication = publication;
            this.idle = idle;
        }

        /** Handles a result of offer or tryClaim; true when the message went through or is to be dropped. */
        final boolean done(long result) {
            if (result > 0) {
                connected = true;
                if (stuckSince != 0) {
                    stuckSince = 0;
                    idle.reset();
                }
                return true;
            }
            if (result == Publication.NOT_CONNECTED && connected) {
                return true; // every subscriber left after having been connected: nowhere to deliver
            }
            if (result != Publication.BACK_PRESSURED && result != Publication.NOT_CONNECTED
                && result != Publication.ADMIN_ACTION) {
                throw new IllegalStateException("Aeron publication failed: " + Publication.errorString(result));
            }
            long now = System.nanoTime();
            if (stuckSince == 0) {
                stuckSince = now | 1;
                idle.reset();
            } else if (now - stuckSince > STUCK_NANOS) {
                throw new IllegalStateException("Aeron publication " + publication.streamId() + " took no message for "
                    + STUCK_SECONDS + " s: " + Publication.errorString(result));
            }
            idle.idle();
            return false;
        }
    }

    /** {@code aeron-offer}: write into a reusable direct buffer, offer copies it into the log. */
    private static final class OfferSender extends Retrying {
        private final UnsafeBuffer buffer;
        private final MemorySegment segment;
        private int length;

        OfferSender(ExclusivePublication publication, int size, IdleStrategy idle) {
            super(publication, idle);
            ByteBuffer direct = BufferUtil.allocateDirectAligned(Math.max(size, 64), 64);
            this.buffer = new UnsafeBuffer(direct);
            this.segment = MemorySegment.ofBuffer(direct);
        }

        @Override
        public MemorySegment claim(long size) {
            if (size > segment.byteSize()) {
                throw new IllegalArgumentException("message larger than the sender's buffer: " + size);
            }
            length = (int) size;
            return segment;
        }

        @Override
        public void send() {
            while (!done(publication.offer(buffer, 0, length))) {
                Thread.onSpinWait();
            }
        }
    }

    /** {@code aeron-claim}: tryClaim the frame, write it in place, commit. */
    private static final class ClaimSender extends Retrying {
        private final BufferClaim claim = new BufferClaim();
        private final MemorySegment scratch;
        private boolean claimed;

        ClaimSender(ExclusivePublication publication, int size, IdleStrategy idle) {
            super(publication, idle);
            this.scratch = MemorySegment.ofArray(new byte[Math.max(size, 64)]);
        }

        @Override
        public MemorySegment claim(long size) {
            long result;
            do {
                result = publication.tryClaim((int) size, claim);
            } while (!done(result));
            claimed = result > 0;
            if (!claimed) {
                return scratch; // the subscribers left: the message goes nowhere
            }
            return MemorySegment.ofAddress(claim.buffer().addressOffset() + claim.offset()).reinterpret(size);
        }

        @Override
        public void send() {
            if (claimed) {
                claim.commit();
                claimed = false;
            }
        }
    }

    @Override
    public Receiver receiver(Stream stream, int index) {
        Subscription subscription = aeron().addSubscription("aeron:ipc", streamId(stream, index));
        resources.add(subscription);
        return new AeronReceiver(subscription, idle());
    }

    /** One message per poll: in place when unfragmented, reassembled otherwise (see the class comment). */
    private static final class AeronReceiver implements Receiver, ControlledFragmentHandler {
        private final Subscription subscription;
        private final IdleStrategy idle;
        private final ControlledFragmentAssembler assembler;
        private MemorySegment message;
        /** The unfragmented frame handed out in place (session id and end position), consumed by the next poll. */
        private boolean holding;
        private int heldSession;
        private long heldPosition;

        AeronReceiver(Subscription subscription, IdleStrategy idle) {
            this.subscription = subscription;
            this.idle = idle;
            this.assembler = new ControlledFragmentAssembler(this::onAssembled, 0, true);
        }

        @Override
        public Action onFragment(DirectBuffer buffer, int offset, int length, Header header) {
            if (message != null) {
                return Action.ABORT; // one message per receive
            }
            if (holding) {
                if (header.sessionId() != heldSession) {
                    return Action.ABORT; // another publisher's image: after the held frame is consumed
                }
                if (header.position() == heldPosition) {
                    holding = false; // released: consume it now
                    return Action.CONTINUE;
                }
                throw new IllegalStateException("Aeron image moved past a held frame: position "
                    + header.position() + ", held " + heldPosition);
            }
            if ((header.flags() & FrameDescriptor.UNFRAGMENTED) == FrameDescriptor.UNFRAGMENTED) {
                message = wrap(buffer, offset, length);
                holding = true;
                heldSession = header.sessionId();
                heldPosition = header.position();
                return Action.ABORT; // keep the subscriber position before it while the harness reads it
            }
            return assembler.onFragment(buffer, offset, length, header);
        }

        private Action onAssembled(DirectBuffer buffer, int offset, int length, Header header) {
            message = wrap(buffer, offset, length);
            return Action.BREAK; // the assembler's buffer stays as it is until the next poll
        }

        private static MemorySegment wrap(DirectBuffer buffer, int offset, int length) {
            byte[] array = buffer.byteArray();
            if (array != null) {
                return MemorySegment.ofArray(array)
                    .asSlice(buffer.addressOffset() - BufferUtil.ARRAY_BASE_OFFSET + offset, length);
            }
            return MemorySegment.ofAddress(buffer.addressOffset() + offset).reinterpret(length);
        }

        @Override
        public MemorySegment receive(long timeoutNanos) {
            if (message != null) {
                throw new IllegalStateException("receive before release");
            }
            long deadline = System.nanoTime() + timeoutNanos;
            idle.reset();
            while (true) {
                int fragments = subscription.controlledPoll(this, FRAGMENT_LIMIT);
                if (message != null) {
                    return message;
                }
                if (timeoutNanos <= 0 || System.nanoTime() - deadline >= 0) {
                    return null;
                }
                idle.idle(fragments);
            }
        }

        @Override
        public void release() {
            message = null;
        }
    }

    @Override
    public void close() {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("aeron: close: " + e);
            }
        }
        resources.clear();
        if (aeron != null) {
            aeron.close();
            aeron = null;
        }
    }
}

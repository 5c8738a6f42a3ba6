package io.sluice.bench.peers;

import io.sluice.cli.ProcessCpuClock;
import io.sluice.cli.json.Json;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The Java harness of {@code ./sluice bench peers}: one process of one measurement over a {@link JavaTransport}
 * (Sluice, Aeron, JeroMQ), following {@code sluice-bench/peers/PROTOCOL.md} — the same workloads, header, touch
 * rules and result lines as the C and Python harnesses.
 *
 * {@snippet lang = "shell" :
 * java -cp ... io.sluice.bench.peers.PeerHarness sluice pong workload=latency name=r1 size=1024 touch=0 \
 *     warmup=1 duration=3 subs=1 index=0 wait=block domain=51234 dir=/tmp/r1
 * }
 * Exit status 0 after {@code RESULT {...}}, 3 after {@code ERROR unsupported: ...}, 1 after any other
 * {@code ERROR ...}.
 */
public final class PeerHarness {
    /** How long a receiver waits at a time before it checks that its coordinator still runs. */
    static final long POLL_MILLIS = 100;
    private static final long POLL_NANOS = POLL_MILLIS * 1_000_000;
    /** How long a sender waits for its receivers to connect (a JVM or RouDi client may take seconds). */
    private static final long CONNECT_NANOS = 60_000_000_000L;
    /** How long one round trip may take once connected. */
    private static final long ROUND_TRIP_NANOS = 30_000_000_000L;
    /** The pause after each burst of 16 priming messages. */
    private static final long PRIME_PAUSE_NANOS = 200_000L;
    /** A sink that has received measured messages and then nothing for this long takes the run as over. */
    private static final long SILENCE_NANOS = 5_000_000_000L;
    private static final PrintStream OUT = System.out;

    private final HarnessArgs args;
    private final JavaTransport transport;
    private final ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
    private long checksum; // what touch reads; printed so the reads cannot be optimised away

    private PeerHarness(HarnessArgs args, JavaTransport transport) {
        this.args = args;
        this.transport = transport;
    }

    public static void main(String[] argv) {
        int status;
        try {
            HarnessArgs args = HarnessArgs.parse(argv);
            try (JavaTransport transport = JavaTransports.open(args)) {
                String result = new PeerHarness(args, transport).run();
                OUT.println("RESULT " + result);
            }
            status = 0;
        } catch (UnsupportedOperationException e) {
            OUT.println("ERROR unsupported: " + oneLine(e.getMessage()));
            status = 3;
        } catch (RuntimeException | Error e) {
            e.printStackTrace();
            OUT.println("ERROR " + oneLine(e.getClass().getSimpleName() + ": " + e.getMessage()));
            status = 1;
        }
        OUT.flush();
        System.exit(status);
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replace('\n', ' ').replace('\r', ' ');
    }

    private String run() {
        return switch (args.role()) {
            case HarnessArgs.PING -> ping();
            case HarnessArgs.PONG -> pong();
            case HarnessArgs.SOURCE -> args.workload().equals(HarnessArgs.FANOUT) ? fanoutSource() : source();
            case HarnessArgs.SINK -> sink();
            default -> throw new IllegalArgumentException("unknown role: " + args.role());
        };
    }

    /**
     * Tells the coordinator this process may be sent to. First it reads its CPU clock once: the first read links
     * the clock's downcall (or, without it, initialises the JVM's management beans: a few hundred classes), and a
     * sink that did that at its first measured message stalled for ~100 ms there and lost messages — in every sink
     * at once, at 16 and 32 sinks.
     */
    private static void ready() {
        ProcessCpuClock.nanos();
        OUT.println("READY");
        OUT.flush();
    }

    private void checkParent() {
        if (parent != null && !parent.isAlive()) {
            throw new IllegalStateException("the coordinator exited: parentPid=" + parent.pid());
        }
    }

    /** Writes message {@code seq}: every payload byte when touching, then the header. */
    private void write(MemorySegment message, long size, long seq, long flags) {
        if (args.touch()) {
            PeerHeader.fill(message, size, seq);
        }
        PeerHeader.write(message, seq, flags);
    }

    /** Reads what the workload reads of a received message: every byte when touching, else the header. */
    private void read(MemorySegment message) {
        if (args.touch()) {
            checksum += PeerHeader.sum(message, args.size());
        }
    }

    // ------------------------------------------------------------------------------------------- latency

    private String ping() {
        JavaTransport.Sender out = transport.sender(JavaTransport.Stream.PING, 0);
        JavaTransport.Receiver in = transport.receiver(JavaTransport.Stream.PONG, 0);
        long seq = 0;
        // connect: the pong may not be listening yet; a ping without an answer is sent again
        long connectDeadline = System.nanoTime() + CONNECT_NANOS;
        while (!roundTrip(out, in, seq++, PeerHeader.WARMUP, 200_000_000L)) {
            checkParent();
            if (System.nanoTime() - connectDeadline > 0) {
                throw new IllegalStateException("no answer from the pong within " + CONNECT_NANOS / 1_000_000_000L
                    + " s");
            }
        }
        long warmupEnd = System.nanoTime() + args.warmupNanos();
        while (System.nanoTime() - warmupEnd < 0) {
            expectRoundTrip(out, in, seq++, PeerHeader.WARMUP);
        }
        LatencyValues values = new LatencyValues((int) Math.min(50_000_000, args.durationNanos() / 1000));
        long start = System.nanoTime();
        long end = start + args.durationNanos();
        long now = start;
        while (now - end < 0) {
            expectRoundTrip(out, in, seq++, 0);
            long after = System.nanoTime();
            values.add((after - now) / 2);
            now = after;
        }
        double seconds = (now - start) / 1e9;
        sendEnd(out, seq);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("count", values.count());
        result.putAll(values.summary());
        result.put("roundtrips_per_s", Math.round(values.count() / seconds * 10) / 10.0);
        result.put("checksum", checksum);
        return Json.compact(result);
    }

    private void expectRoundTrip(JavaTransport.Sender out, JavaTransport.Receiver in, long seq, long flags) {
        if (!roundTrip(out, in, seq, flags, ROUND_TRIP_NANOS)) {
            throw new IllegalStateException("no answer to ping " + seq + " within " + ROUND_TRIP_NANOS / 1_000_000_000L
                + " s");
        }
    }

    /** Sends ping {@code seq} and waits up to {@code timeoutNanos} for its answer; answers to older pings are skipped. */
    private boolean roundTrip(JavaTransport.Sender out, JavaTransport.Receiver in, long seq, long flags,
                              long timeoutNanos) {
        write(out.claim(args.size()), args.size(), seq, flags);
        out.send();
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            MemorySegment answer = in.receive(Math.min(POLL_NANOS, timeoutNanos));
            if (answer != null) {
                long answered = PeerHeader.seq(answer);
                if (answered == seq) {
                    read(answer);
                }
                in.release();
                if (answered == seq) {
                    return true;
                }
            } else {
                checkParent();
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
        }
    }

    private String pong() {
        JavaTransport.Receiver in = transport.receiver(JavaTransport.Stream.PING, 0);
        JavaTransport.Sender out = transport.sender(JavaTransport.Stream.PONG, 0);
        ready();
        long answered = 0;
        while (true) {
            MemorySegment request = in.receive(POLL_NANOS);
            if (request == null) {
                checkParent();
                continue;
            }
            long seq = PeerHeader.seq(request);
            long flags = PeerHeader.flags(request);
            if ((flags & PeerHeader.END) != 0) {
                in.release();
                break;
            }
            read(request);
            in.release();
            write(out.claim(args.size()), args.size(), seq, flags);
            out.send();
            answered += (flags & PeerHeader.WARMUP) == 0 ? 1 : 0;
        }
        return Json.compact(result("count", answered, "checksum", checksum));
    }

    // ---------------------------------------------------------------------------------------- throughput

    /**
     * The source's warm-up: it sends warm-up messages until the warm-up time has run and every sink has said hello
     * (so no measured message is lost to a late join); it gives up after {@link #CONNECT_NANOS}.
     */
    private final class WarmUp {
        private final JavaTransport.Receiver[] receivers = new JavaTransport.Receiver[args.subs()];
        private final boolean[] heard = new boolean[args.subs()];
        private final long warmupEnd;
        private final long connectDeadline;
        private int missing = args.subs();

        WarmUp() {
            for (int i = 0; i < receivers.length; i++) {
                receivers[i] = transport.receiver(JavaTransport.Stream.HELLO, i);
            }
            long now = System.nanoTime();
            warmupEnd = now + args.warmupNanos();
            connectDeadline = now + CONNECT_NANOS;
        }

        /** Whether the warm-up is over; call after each warm-up message (or burst of them). */
        boolean over() {
            long now = System.nanoTime();
            if (now - warmupEnd >= 0 && allHeard()) {
                return true;
            }
            if (now - connectDeadline > 0) {
                throw new IllegalStateException("not every sink said hello within " + CONNECT_NANOS / 1_000_000_000L
                    + " s");
            }
            checkParent();
            return false;
        }

        private boolean allHeard() {
            for (int i = 0; i < receivers.length && missing > 0; i++) {
                if (!heard[i]) {
                    MemorySegment hello = receivers[i].receive(0);
                    if (hello != null) {
                        receivers[i].release();
                        heard[i] = true;
                        missing--;
                    }
                }
            }
            return missing == 0;
        }
    }

    private String source() {
        JavaTransport.Sender out = transport.sender(JavaTransport.Stream.DATA, 0);
        WarmUp warmUp = new WarmUp();
        int clockEvery = args.size() >= 4096 ? 1 : 64;
        long seq = 0;
        do {
            for (int i = 0; i < clockEvery; i++) {
                send(out, seq++, PeerHeader.WARMUP);
            }
        } while (!warmUp.over());
        long first = seq;
        long start = System.nanoTime();
        long end = start + args.durationNanos();
        long now = start;
        while (now - end < 0) {
            for (int i = 0; i < clockEvery; i++) {
                send(out, seq++, 0);
            }
            now = System.nanoTime();
        }
        sendEnd(out, seq);
        return Json.compact(result("sent", seq - first, "seconds", micros((now - start) / 1e9)));
    }

    private void send(JavaTransport.Sender out, long seq, long flags) {
        write(out.claim(args.size()), args.size(), seq, flags);
        out.send();
    }

    /**
     * END three times, 10 ms apart, all with the same {@code seq} (so a sink that misses one counts no loss for it):
     * one suffices on a reliable stream, a fan-out sink may have dropped one.
     */
    private void sendEnd(JavaTransport.Sender out, long seq) {
        for (int i = 0; i < 3; i++) {
            MemorySegment message = out.claim(args.size());
            PeerHeader.write(message, seq, PeerHeader.END);
            out.send();
            LockSupport.parkNanos(10_000_000L);
        }
    }

    private String fanoutSource() {
        if (!(args.rate() > 0)) {
            throw new IllegalArgumentException("fanout needs rate > 0: rate=" + args.rate());
        }
        JavaTransport.Sender out = transport.sender(JavaTransport.Stream.DATA, 0);
        WarmUp warmUp = new WarmUp();
        long period = (long) (1e9 / args.rate());
        long seq = 0;
        for (int i = 0; i < args.prime(); i++) { // bursts of 16, so queueing sinks keep up; these are warm-up too
            send(out, seq++, PeerHeader.WARMUP);
            if ((i & 15) == 15) {
                LockSupport.parkNanos(PRIME_PAUSE_NANOS);
            }
        }
        long due = System.nanoTime();
        do { // warm-up on the schedule
            due = nextDue(due, period);
            send(out, seq++, PeerHeader.WARMUP);
        } while (!warmUp.over());
        long first = seq;
        long end = due + period + args.durationNanos(); // the schedule runs on from the warm-up
        long late = 0;
        long worstLag = 0;
        while (due + period - end < 0) {
            long scheduled = due + period;
            due = nextDue(due, period);
            late += due - scheduled > period ? 1 : 0;
            sendStamped(out, seq++);
            worstLag = Math.max(worstLag, System.nanoTime() - scheduled); // from its slot until handed over
        }
        nextDue(due, period); // END in the next slot: the last measured message is not overwritten at once
        sendEnd(out, seq);
        return Json.compact(result("sent", seq - first, "late", late, "max_lag_ns", worstLag));
    }

    /**
     * Sends measured message {@code seq}, stamped before the claim: a transport that holds the source back (a
     * reliable sink behind) in its claim has that time counted in the latency, as one that holds it back in its send.
     * A method of its own, so that the JIT compiles what lies between the stamp and the send within a few hundred
     * messages, while the schedule's loop runs interpreted until an on-stack replacement.
     */
    private void sendStamped(JavaTransport.Sender out, long seq) {
        long stamp = System.nanoTime();
        MemorySegment message = out.claim(args.size());
        if (args.touch()) {
            PeerHeader.fill(message, args.size(), seq);
        }
        PeerHeader.write(message, seq, 0, stamp);
        out.send();
    }

    /**
     * Waits for the slot after {@code due} and returns the time it is sent at: {@code due + period}, or now when
     * that has passed — a late message restarts the schedule instead of a burst that catches up.
     */
    private long nextDue(long due, long period) {
        long next = due + period;
        awaitDue(next);
        long now = System.nanoTime();
        return now - next > period ? now : next;
    }

    /** Waits until {@code due} (nanoTime terms): parks when blocking, spins with {@code wait=spin}. */
    private void awaitDue(long due) {
        while (true) {
            long left = due - System.nanoTime();
            if (left <= 0) {
                return;
            }
            if (args.spin()) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(left);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- sink

    private String sink() {
        boolean fanout = args.workload().equals(HarnessArgs.FANOUT);
        JavaTransport.Receiver in = transport.receiver(JavaTransport.Stream.DATA, args.index());
        JavaTransport.Sender hello = transport.sender(JavaTransport.Stream.HELLO, args.index());
        ready();
        int expected = fanout ? (int) (args.rate() * args.durationNanos() / 1e9) + 64 : 16;
        Tally tally = new Tally(in, hello, fanout, new LatencyValues(expected),
            fanout && !args.trace().isEmpty() ? new FrameTrace(expected) : null);
        // the loop only calls: all per-message work is in Tally.take, which the JIT compiles within a few hundred
        // messages, while this loop runs interpreted until an on-stack replacement (at 30 messages a second, about
        // half a minute); the C harness is compiled from its first message
        while (true) {
            MemorySegment message = in.receive(POLL_NANOS);
            if (message == null) {
                checkParent();
                if (tally.silent()) {
                    // a lossy fan-out (JeroMQ PUB/SUB at its high-water mark) can drop every END
                    System.err.println("no message for " + SILENCE_NANOS / 1_000_000_000L + " s after the last:"
                        + " taken as END (the END messages were lost)");
                    tally.cpuEnd = ProcessCpuClock.nanos();
                    break;
                }
                continue;
            }
            if (tally.take(message)) {
                break;
            }
        }
        if (tally.trace != null) {
            tally.trace.write(Path.of(args.trace()));
        }
        double seconds = (tally.lastNanos - tally.firstNanos) / 1e9;
        if (fanout) {
            Map<String, Object> result = result("received", tally.received, "lost", tally.lost);
            result.putAll(tally.latencies.summary());
            result.putAll(result("cpu_s", micros((tally.cpuEnd - tally.cpuStart) / 1e9), "seconds", micros(seconds),
                "checksum", checksum));
            return Json.compact(result);
        }
        return Json.compact(result("received", tally.received, "lost", tally.lost, "bytes",
            tally.received * args.size(), "seconds", micros(seconds), "checksum", checksum));
    }

    /** A RESULT object: {@code keysAndValues} as key, value, key, value ... in that order. */
    private static Map<String, Object> result(Object... keysAndValues) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            result.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return result;
    }

    /** {@code seconds} rounded to the microsecond, as the other harnesses print it. */
    private static double micros(double seconds) {
        return Math.round(seconds * 1e6) / 1e6;
    }

    /** What a sink counts of the messages it takes; {@link #take} is the whole per-message work. */
    private final class Tally {
        private final JavaTransport.Receiver in;
        private final JavaTransport.Sender hello;
        private final boolean fanout;
        final LatencyValues latencies;
        final FrameTrace trace;
        long warmups;
        long received;
        long lost;
        long lastSeq = -1;
        long firstNanos;
        long lastNanos;
        long cpuStart;
        long cpuEnd;
        long lastArrival = System.nanoTime();

        Tally(JavaTransport.Receiver in, JavaTransport.Sender hello, boolean fanout, LatencyValues latencies,
              FrameTrace trace) {
            this.in = in;
            this.hello = hello;
            this.fanout = fanout;
            this.latencies = latencies;
            this.trace = trace;
        }

        /** Whether messages have come and then none for {@link #SILENCE_NANOS}. */
        boolean silent() {
            return received > 0 && System.nanoTime() - lastArrival > SILENCE_NANOS;
        }

        /** Counts {@code message} and releases it; true when it was END. */
        boolean take(MemorySegment message) {
            lastArrival = System.nanoTime();
            long seq = PeerHeader.seq(message);
            long flags = PeerHeader.flags(message);
            long sent = PeerHeader.sendNanos(message);
            if ((flags & PeerHeader.END) != 0) {
                in.release();
                if (received > 0 && seq > lastSeq + 1) {
                    lost += seq - lastSeq - 1;
                }
                cpuEnd = ProcessCpuClock.nanos();
                return true;
            }
            if ((flags & PeerHeader.WARMUP) != 0) {
                in.release();
                lastSeq = seq;
                warmups++;
                if ((warmups & (warmups - 1)) == 0) { // 1st, 2nd, 4th, 8th ...: a hello that may be lost is repeated
                    PeerHeader.write(hello.claim(JavaTransport.HELLO_SIZE), args.index(), 0);
                    hello.send();
                }
                return false;
            }
            read(message);
            long now = System.nanoTime();
            in.release();
            if (received == 0) {
                firstNanos = now;
                cpuStart = ProcessCpuClock.nanos();
            }
            if (lastSeq >= 0 && seq > lastSeq + 1) {
                lost += seq - lastSeq - 1;
            }
            lastSeq = seq;
            received++;
            lastNanos = now;
            if (fanout) {
                latencies.add(now - sent);
            }
            if (trace != null) {
                trace.add(seq, sent, now);
            }
            return false;
        }
    }
}

package io.sluice.bench.peers;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * JeroMQ (0.6, ZeroMQ in pure Java) in the peer benchmark, used with {@code byte[]} messages as JeroMQ users do.
 *
 * <p><b>Transport.</b> {@code tcp://127.0.0.1:<port>}, loopback only. JeroMQ has no real {@code ipc://}: its
 * {@code IpcAddress} maps an ipc name to a TCP port on the loopback interface, so TCP is what it offers. The receiving
 * processes, which the coordinator starts first, bind to an ephemeral port ({@code tcp://127.0.0.1:*}) and publish it
 * in {@code <dir>/jeromq-<name>-<endpoint>.port} (written atomically before {@code READY}); the sender reads the file
 * and connects. Endpoints: {@code latency} (bound by the pong), {@code data-<i>} (bound by sink i),
 * {@code hello-<i>} (bound by sink i; the source connects to it to hear the sink's hello).
 *
 * <p><b>Sockets.</b> latency: one PAIR socket per process carries PING one way and PONG the other; throughput:
 * PUSH/PULL — reliable, PUSH blocks at the high-water mark; fan-out: PUB/SUB (PUB drops for a subscriber at its
 * high-water mark, so fan-out may lose messages; the harness's hellos make sure every SUB is connected before the
 * measured messages). High-water mark (send and receive, in messages): JeroMQ's default 1000, lowered so that about
 * 64 MiB are queued per pipe ({@code max(4, min(1000, 64 MiB / size))}) — with 1000 queued 8 MiB messages the default
 * would need gigabytes of heap. The connecting side sets {@code ZMQ_IMMEDIATE} (messages queue only to completed
 * connections) and closes with a 10 s linger, so what was sent is delivered before it exits, and a receiver that
 * has left does not hold its close up.
 *
 * <p><b>Copies.</b> {@link Sender#claim} returns a <em>fresh</em> {@code byte[]} per message: {@code send} wraps the
 * array without copying and JeroMQ's I/O thread may still be writing it to the socket after {@code send} returned,
 * so an array cannot be reused safely. Per message that is the JVM zeroing the new array, the harness writing it, the
 * kernel copying it into the TCP socket and out again into the receiver's new {@code byte[]} (which
 * {@link Receiver#receive} wraps with {@link MemorySegment#ofArray}; JeroMQ returns its decoder's array as is when
 * it holds exactly the message, else a copy), plus garbage collection of both arrays.
 *
 * <p><b>Waiting.</b> {@code wait=block}: blocking {@code recv} with a receive timeout and blocking {@code send}
 * (JeroMQ wakes the application thread through its mailbox). {@code wait=spin}: {@code recv}/{@code send} with
 * {@code DONTWAIT} in a busy loop (JeroMQ's I/O thread still sleeps in its selector).
 *
 * <p>After the first {@code END} message a sender sends further {@code END}s without waiting (dropped when they do not
 * fit): the receivers exit on the first.
 */
final class JeroMqTransport implements JavaTransport {
    private static final int LINGER_MILLIS = 10_000;
    private static final int SEND_TIMEOUT_MILLIS = 60_000;
    private static final long PORT_FILE_WAIT_NANOS = 60_000_000_000L;
    private static final long QUEUED_BYTES = 64L << 20;

    private final HarnessArgs args;
    private final ZMQ.Context context = ZMQ.context(1);
    private final List<ZMQ.Socket> sockets = new ArrayList<>();
    private final List<Path> portFiles = new ArrayList<>();
    private ZMQ.Socket latencySocket;

    JeroMqTransport(HarnessArgs args) {
        if (args.dir().isEmpty()) {
            throw new IllegalArgumentException("the jeromq transport needs dir=<measurement directory>");
        }
        this.args = args;
    }

    /** The high-water mark for messages of {@code size} bytes. */
    static int highWaterMark(long size) {
        return (int) Math.max(4, Math.min(1000, QUEUED_BYTES / size));
    }

    private Path portFile(String endpoint) {
        return Path.of(args.dir(), "jeromq-" + args.name() + "-" + endpoint + ".port");
    }

    private ZMQ.Socket socket(SocketType type, long size) {
        ZMQ.Socket socket = context.socket(type);
        sockets.add(socket);
        int hwm = highWaterMark(size);
        socket.setSndHWM(hwm);
        socket.setRcvHWM(hwm);
        socket.setSendTimeOut(SEND_TIMEOUT_MILLIS);
        socket.setLinger(0);
        return socket;
    }

    /** Binds {@code socket} to an ephemeral loopback port and publishes the port in the endpoint's file. */
    private ZMQ.Socket bind(ZMQ.Socket socket, String endpoint) {
        if (!socket.bind("tcp://127.0.0.1:*")) {
            throw new IllegalStateException("jeromq: cannot bind tcp://127.0.0.1:*: errno " + socket.errno());
        }
        String bound = socket.getLastEndpoint();
        int port = Integer.parseInt(bound.substring(bound.lastIndexOf(':') + 1));
        Path file = portFile(endpoint);
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(temp, Integer.toString(port), StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("jeromq: cannot write " + file, e);
        }
        portFiles.add(file);
        return socket;
    }

    /** Connects {@code socket} to the port the receiving process published for {@code endpoint}. */
    private ZMQ.Socket connect(ZMQ.Socket socket, String endpoint) {
        Path file = portFile(endpoint);
        long deadline = System.nanoTime() + PORT_FILE_WAIT_NANOS;
        String port;
        while (true) {
            try {
                port = Files.readString(file, StandardCharsets.US_ASCII).strip();
                break;
            } catch (NoSuchFileException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("jeromq: no receiver published " + file);
                }
                LockSupport.parkNanos(10_000_000L);
            } catch (IOException e) {
                throw new UncheckedIOException("jeromq: cannot read " + file, e);
            }
        }
        socket.setImmediate(true);
        socket.setLinger(LINGER_MILLIS);
        if (!socket.connect("tcp://127.0.0.1:" + Integer.parseInt(port))) {
            throw new IllegalStateException("jeromq: cannot connect to port " + port + ": errno " + socket.errno());
        }
        return socket;
    }

    /** The PAIR socket of a latency run: bound by the pong, connected by the ping. */
    private ZMQ.Socket latency() {
        if (latencySocket == null) {
            ZMQ.Socket socket = socket(SocketType.PAIR, args.size());
            latencySocket = args.role().equals(HarnessArgs.PONG) ? bind(socket, "latency")
                : connect(socket, "latency");
        }
        return latencySocket;
    }

    private boolean fanout() {
        return args.workload().equals(HarnessArgs.FANOUT);
    }

    @Override
    public Sender sender(Stream stream, int index) {
        ZMQ.Socket socket = switch (stream) {
            case PING, PONG -> latency();
            case DATA -> {
                ZMQ.Socket data = socket(fanout() ? SocketType.PUB : SocketType.PUSH, args.size());
                for (int i = 0; i < args.subs(); i++) {
                    connect(data, "data-" + i);
                }
                yield data;
            }
            case HELLO -> bind(socket(SocketType.PUSH, HELLO_SIZE), "hello-" + index);
        };
        return new JeroMqSender(socket, args.spin(), stream == Stream.HELLO);
    }

    @Override
    public Receiver receiver(Stream stream, int index) {
        ZMQ.Socket socket = switch (stream) {
            case PING, PONG -> latency();
            case DATA -> {
                if (fanout()) {
                    ZMQ.Socket sub = socket(SocketType.SUB, args.size());
                    sub.subscribe(new byte[0]);
                    yield bind(sub, "data-" + index);
                }
                yield bind(socket(SocketType.PULL, args.size()), "data-" + index);
            }
            case HELLO -> connect(socket(SocketType.PULL, HELLO_SIZE), "hello-" + index);
        };
        return new JeroMqReceiver(socket, args.spin());
    }

    private static final class JeroMqSender implements Sender {
        private final ZMQ.Socket socket;
        private final boolean spin;
        /** Hellos: sent if they can go at once, else dropped (see {@link JavaTransport}). */
        private final boolean bestEffort;
        private byte[] message;
        private boolean ended;

        JeroMqSender(ZMQ.Socket socket, boolean spin, boolean bestEffort) {
            this.socket = socket;
            this.spin = spin;
            this.bestEffort = bestEffort;
        }

        @Override
        public MemorySegment claim(long size) {
            message = new byte[Math.toIntExact(size)]; // fresh: JeroMQ may still hold the previous one
            return MemorySegment.ofArray(message);
        }

        @Override
        public void send() {
            byte[] bytes = message;
            message = null;
            if (bestEffort) {
                socket.send(bytes, ZMQ.DONTWAIT); // a PUSH with its source gone would block for the send timeout
                return;
            }
            if ((PeerHeader.flags(MemorySegment.ofArray(bytes)) & PeerHeader.END) != 0) {
                if (ended) {
                    socket.send(bytes, ZMQ.DONTWAIT); // a repeated END: the receivers may be gone
                    return;
                }
                ended = true;
            }
            if (!spin) {
                if (!socket.send(bytes, 0)) {
                    throw new IllegalStateException("jeromq: send failed or no receiver took a message within "
                        + SEND_TIMEOUT_MILLIS / 1000 + " s: errno " + socket.errno());
                }
                return;
            }
            long deadline = System.nanoTime() + SEND_TIMEOUT_MILLIS * 1_000_000L;
            while (!socket.send(bytes, ZMQ.DONTWAIT)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("jeromq: no receiver took a message within "
                        + SEND_TIMEOUT_MILLIS / 1000 + " s: errno " + socket.errno());
                }
                Thread.onSpinWait();
            }
        }
    }

    private static final class JeroMqReceiver implements Receiver {
        private final ZMQ.Socket socket;
        private final boolean spin;
        private int timeoutMillis = Integer.MIN_VALUE;

        JeroMqReceiver(ZMQ.Socket socket, boolean spin) {
            this.socket = socket;
            this.spin = spin;
        }

        @Override
        public MemorySegment receive(long timeoutNanos) {
            byte[] bytes;
            if (timeoutNanos <= 0) {
                bytes = socket.recv(ZMQ.DONTWAIT);
            } else if (spin) {
                long deadline = System.nanoTime() + timeoutNanos;
                while ((bytes = socket.recv(ZMQ.DONTWAIT)) == null && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
            } else {
                int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeoutNanos + 999_999) / 1_000_000));
                if (millis != timeoutMillis) {
                    socket.setReceiveTimeOut(millis);
                    timeoutMillis = millis;
                }
                bytes = socket.recv(0);
            }
            return bytes == null ? null : MemorySegment.ofArray(bytes);
        }

        @Override
        public void release() {
            // the array is garbage once the harness drops it
        }
    }

    @Override
    public void close() {
        try {
            for (ZMQ.Socket socket : sockets) {
                socket.close();
            }
            context.term(); // binders close at once, connecting sockets deliver what is queued (linger)
        } finally {
            for (Path file : portFiles) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    System.err.println("jeromq: cannot delete " + file + ": " + e);
                }
            }
        }
    }
}

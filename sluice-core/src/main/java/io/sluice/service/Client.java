package io.sluice.service;

import io.sluice.Loan;
import io.sluice.MessageShape;
import io.sluice.MessageType;
import io.sluice.PublishTimeoutException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.exec.Executor;
import io.sluice.exec.Registration;
import io.sluice.exec.SampleHandler;
import io.sluice.exec.TimerHandler;

import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The calling side of a request/response service: sends requests to the {@link Service} of the same name, written
 * in place in shared memory, and receives its responses, also in place.
 *
 * {@snippet :
 * MessageShape<Int64> int64 = Int64.TYPE.withCapacity(Int64.TYPE.defaultSize());
 * try (Sluice sluice = Sluice.open("caller")) {
 *     Client<Int64, Int64> twice = Client.open(sluice, "/twice", Int64.TYPE, Int64.TYPE);
 *     try (Sample<Int64> response = twice.call(int64, request -> request.data(21), Duration.ofSeconds(1))) {
 *         System.out.println(response.message().data());     // 42
 *     }
 *
 *     try (Executor executor = Executor.eventLoop()) {          // or asynchronously, on an executor
 *         twice.register(executor);
 *         executor.start();
 *         twice.callAsync(int64, request -> request.data(5), Duration.ofSeconds(1), new ResponseHandler<>() {
 *             public void onResponse(Sample<Int64> response) { use(response.message().data()); }
 *             public void onFailure(ServiceException error) { log(error); }
 *         });
 *     }
 * }
 * }
 *
 * <h2>Failures</h2>
 * A call ends in exactly one of: the response; a {@link ServiceException} when the server's handler threw (its
 * message carries the handler's exception); a {@link ServiceTimeoutException} when no response came within the
 * timeout; a {@link ServiceUnavailableException} when no server was present (a blocking call first waits up to its
 * timeout for one) or the server left — closed, or died — while the call was pending. Death is noticed through the
 * kernel's locks, within about {@value #PROBE_INTERVAL_MILLIS} ms, so a call never waits out its whole timeout for
 * a dead server. A response that comes after its call ended is dropped and counted in {@link #lateCount()}.
 *
 * <h2>Wire and threads</h2>
 * The client publishes to {@code name/request} and subscribes, with {@link Qos#queue(int)
 * Qos.queue(RESPONSE_DEPTH)}, to a response topic of its own, {@code name/response/c<client id in hex>}, which the
 * server publishes to from the client's first request on; every message starts with the client's id (random,
 * non-zero, unique across processes) and the request's sequence number (1, 2, 3…),
 * see {@link ServiceEnvelope}. {@link #call} may be used from any thread (concurrent calls take turns) while the
 * client is not registered with an executor; {@link #callAsync} from any thread while it is, its handlers running
 * on the executor. On a multi-threaded executor the handlers of different calls of one client may run at once
 * (responses and timeouts are two registrations). A response's writes happen-before the caller's reads of it.
 *
 * @param <Req> the request view
 * @param <Res> the response view
 */
public final class Client<Req, Res> implements AutoCloseable {
    /**
     * How many asynchronous calls may be pending at once: as many as the server keeps requests
     * ({@link Service#REQUEST_DEPTH}), well below the responses it keeps ({@link Service#RESPONSE_SLOTS}), so that a
     * client's own burst of calls cannot overrun its responses.
     */
    public static final int MAX_PENDING = Service.REQUEST_DEPTH;
    /** How often a waiting call probes whether its server is still alive, in milliseconds. */
    public static final long PROBE_INTERVAL_MILLIS = 100;
    /** How far the client may fall behind its response topic before responses are lost (and calls time out). */
    public static final int RESPONSE_DEPTH = 2 * MAX_PENDING;

    static final long PROBE_INTERVAL_NANOS = PROBE_INTERVAL_MILLIS * 1_000_000L;
    /**
     * The longest single wait of a send for room in the server's request queue; a send tries again until its
     * call's deadline, so that a full queue costs a call its own timeout, not a fixed one.
     */
    private static final Duration SEND_SLICE = Duration.ofMillis(10);
    /** The longest single wait of a blocking call between liveness probes. */
    private static final Duration WAIT_SLICE = Duration.ofMillis(20);
    /** How often a registered client checks its pending calls' deadlines and its server's liveness. */
    static final Duration TICK = Duration.ofMillis(10);
    private static final SecureRandom IDS = new SecureRandom();

    /*
     * Implementation note. Two locks, always taken in this order when both are held: "sendLock" guards the request
     * publisher (used by callers and by the liveness probe of the executor's timer) and the sequence counter;
     * "lock" guards the pending-call table and the probe's result. The table is indexed by
     * sequence & (MAX_PENDING - 1): a call is refused while the call MAX_PENDING sequences before it still holds
     * its entry. A call enters the table before it publishes, so its response cannot overtake its entry; it is
     * removed under "lock" by whoever ends the call first (its response, its deadline, the server's death, a failed
     * send), and that one alone runs its handler, outside the locks: so each handler runs exactly once. The response
     * handler takes only "lock", never "sendLock", and the executor's deadline tick only tries "sendLock" for its
     * liveness probe: a sender that waits for a full request queue never stops the executor from taking responses
     * (which would let the server's response slots be reused under this client).
     * The response subscriber is touched by one thread at a time: the blocking caller (callLock) or the executor's
     * subscription, never both (call() refuses while registered).
     */
    private final String name;
    private final long clientId;
    private final Publisher<Req> requests;
    private final Subscriber<Res> responses;
    private final Object lock = new Object();
    private final java.util.concurrent.locks.ReentrantLock sendLock = new java.util.concurrent.locks.ReentrantLock();
    private final Object callLock = new Object();
    private final long[] pendingSequence = new long[MAX_PENDING];
    private final long[] pendingDeadline = new long[MAX_PENDING];
    private final ResponseHandler<Res>[] pendingHandler;
    private final ResponseSample<Res>[] samples;
    private final ResponseSample<Res> asyncSample;
    private final SampleHandler<Res> onResponse = this::onResponse;
    private final TimerHandler onTick = (deadline, missed) -> tick();
    private long nextSequence = 1;
    private int pendingCount;
    private long lastProbeNanos;
    private boolean serverSeen;
    /** The executor's last probe found the server gone (executor thread only, see tick). */
    private boolean serverGoneSeen;
    private volatile long late;
    private volatile Registration registration;
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    private Client(Sluice sluice, String name, MessageType<Req> requestType, MessageType<Res> responseType) {
        Service.validateName(name);
        Objects.requireNonNull(sluice, "sluice");
        this.name = name;
        this.clientId = newClientId();
        this.pendingHandler = (ResponseHandler<Res>[]) new ResponseHandler<?>[MAX_PENDING];
        this.samples = (ResponseSample<Res>[]) new ResponseSample<?>[Subscriber.MAX_HELD + 1];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = new ResponseSample<>(name);
        }
        this.asyncSample = new ResponseSample<>(name);
        this.responses = sluice.subscriber(Service.responseTopic(name, clientId),
            ServiceEnvelope.response(responseType), Qos.queue(RESPONSE_DEPTH));
        try {
            this.requests = sluice.publisher(Service.requestTopic(name), ServiceEnvelope.request(requestType),
                PublisherOptions.defaults().withSlots(Service.REQUEST_DEPTH + 4)
                    .withReliableTimeout(SEND_SLICE));
        } catch (RuntimeException e) {
            responses.close();
            throw e;
        }
    }

    /**
     * Opens a client of the service {@code name} in {@code sluice}: the one way to make a client. No server need be
     * there yet. It is closed by {@link #close()}, or with {@code sluice}.
     *
     * @throws IllegalArgumentException              when {@code name} is not a valid topic name or is too long for
     *                                               the suffixes {@code /request} and {@code /response}
     * @throws io.sluice.IncompatibleTypeException   when the service's topics carry other types
     */
    public static <Req, Res> Client<Req, Res> open(Sluice sluice, String name, MessageType<Req> requestType,
                                                   MessageType<Res> responseType) {
        Client<Req, Res> client = new Client<>(sluice, name, requestType, responseType);
        sluice.closeOnClose(client);
        return client;
    }

    private static long newClientId() {
        long id;
        do {
            id = IDS.nextLong();
        } while (id == 0);
        return id;
    }

    /** The service name. */
    public String name() {
        return name;
    }

    /** This client's id, as its requests carry it. */
    public long clientId() {
        return clientId;
    }

    /** Responses dropped because their call had ended already (timed out, or failed). */
    public long lateCount() {
        return late;
    }

    /** Responses lost because this client fell more than {@link #RESPONSE_DEPTH} behind the response topic. */
    public long lostCount() {
        return responses.lostCount();
    }

    /**
     * Whether a server of the service is present, waiting up to {@code timeout} for one to appear (ROS 2's
     * {@code wait_for_service}).
     */
    public boolean waitForServer(Duration timeout) {
        return awaitServer(System.nanoTime() + Math.max(0, timeoutNanos(timeout)));
    }

    /** Whether a server is present, probing at most every {@link #PROBE_INTERVAL_MILLIS} ms while one is. */
    private boolean serverPresentRecently() {
        synchronized (lock) {
            return serverSeen && System.nanoTime() - lastProbeNanos < PROBE_INTERVAL_NANOS;
        }
    }

    private boolean awaitServer(long deadline) {
        while (true) {
            if (probe()) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            sleep(Math.min(remaining, TICK.toNanos()));
        }
    }

    // ---------------------------------------------------------------------------------------------- blocking

    /**
     * Sends a request sized and initialised by {@code shape} and written by {@code fill}, and waits for its
     * response. When no server is present it first waits for one, within the same {@code timeout}. The caller
     * closes the returned sample; its {@link Sample#sequence()} is the request's sequence number.
     *
     * @throws ServiceTimeoutException      when no response came within {@code timeout}
     * @throws ServiceUnavailableException  when no server appeared within {@code timeout}, or the server left
     * @throws ServiceException             when the server's handler failed, with its description
     * @throws IllegalStateException        when the client is registered with an executor (use {@link #callAsync})
     *                                      or closed
     */
    public Sample<Res> call(MessageShape<Req> shape, Consumer<? super Req> fill, Duration timeout) {
        Objects.requireNonNull(shape, "shape");
        return call(shape, shape.byteSize(), fill, timeout);
    }

    /**
     * {@link #call(MessageShape, Consumer, Duration)} with a request of {@code size} bytes of arbitrary contents,
     * all written by {@code fill} (for a CDR type the encapsulation header too).
     */
    public Sample<Res> call(long size, Consumer<? super Req> fill, Duration timeout) {
        return call(null, size, fill, timeout);
    }

    private Sample<Res> call(MessageShape<Req> shape, long size, Consumer<? super Req> fill, Duration timeout) {
        Objects.requireNonNull(fill, "fill");
        long timeoutNanos = timeoutNanos(timeout);
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("timeout < 0: timeout=" + timeout);
        }
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (callLock) {
            if (registered()) {
                throw new IllegalStateException("client is registered with an executor, use callAsync: service="
                    + name);
            }
            checkOpen();
            if (!serverPresentRecently() && !awaitServer(deadline)) {
                throw new ServiceUnavailableException("no server of " + name + " appeared within " + timeout);
            }
            long sequence;
            sendLock.lock();
            try {
                sequence = nextSequence++;
                send(sequence, shape, size, fill, deadline);
            } finally {
                sendLock.unlock();
            }
            return awaitResponse(sequence, deadline, timeout);
        }
    }

    private Sample<Res> awaitResponse(long sequence, long deadline, Duration timeout) {
        long nextProbe = System.nanoTime() + PROBE_INTERVAL_NANOS;
        while (true) {
            long now = System.nanoTime();
            long remaining = deadline - now;
            if (now - nextProbe >= 0 || remaining <= 0) { // at the deadline too: a server gone is the better answer
                nextProbe = now + PROBE_INTERVAL_NANOS;
                if (!probe()) {
                    Sample<Res> last = drainFor(sequence); // an answer sent just before the server left
                    if (last != null) {
                        return last;
                    }
                    throw new ServiceUnavailableException("server of " + name + " left while request " + sequence
                        + " was pending");
                }
            }
            if (remaining <= 0) {
                throw new ServiceTimeoutException("no response of " + name + " to request " + sequence + " within "
                    + timeout + " (responses lost by this client so far: " + responses.lostCount() + ")");
            }
            Sample<Res> sample = responses.take(remaining < WAIT_SLICE.toNanos() ? Duration.ofNanos(remaining)
                : WAIT_SLICE);
            if (sample != null) {
                Sample<Res> response = match(sample, sequence);
                if (response != null) {
                    return response;
                }
            }
        }
    }

    private Sample<Res> drainFor(long sequence) {
        for (Sample<Res> sample = responses.take(); sample != null; sample = responses.take()) {
            Sample<Res> response = match(sample, sequence);
            if (response != null) {
                return response;
            }
        }
        return null;
    }

    /** The response to {@code sequence} in {@code sample}, or null (the sample closed) when it is another one. */
    private Sample<Res> match(Sample<Res> sample, long sequence) {
        MemorySegment message = sample.segment();
        if (message.byteSize() < ServiceEnvelope.HEADER_LENGTH || ServiceEnvelope.clientId(message) != clientId) {
            sample.close();
            return null;
        }
        long word = ServiceEnvelope.sequenceWord(message);
        if ((word & ServiceEnvelope.SEQUENCE_MASK) != sequence) {
            sample.close();
            late = late + 1;
            return null;
        }
        if ((word & ServiceEnvelope.ERROR_FLAG) != 0) {
            String text = ServiceEnvelope.readError(message);
            sample.close();
            throw new ServiceException(text);
        }
        return pooledSample().bind(sample, sequence);
    }

    private ResponseSample<Res> pooledSample() {
        for (ResponseSample<Res> candidate : samples) {
            if (candidate.claim()) {
                return candidate;
            }
        }
        ResponseSample<Res> extra = new ResponseSample<>(name); // more held than a subscriber can hold: cannot happen
        extra.claim();
        return extra;
    }

    // ------------------------------------------------------------------------------------------- asynchronous

    /**
     * Sends a request sized and initialised by {@code shape} and written by {@code fill} (on the calling thread),
     * and returns at once; {@code handler} runs on the executor the client is registered with when the response
     * comes, or when the call fails: the server's handler threw, no response came within {@code timeout} (checked
     * every {@code 10 ms}), or the server left.
     *
     * @throws ServiceUnavailableException  when no server is present now (see {@link #waitForServer})
     * @throws ServiceException             when {@link #MAX_PENDING} calls are pending, or the server's request
     *                                      queue stayed full for a second
     * @throws IllegalStateException        when the client is not registered with an executor, or closed
     */
    public void callAsync(MessageShape<Req> shape, Consumer<? super Req> fill, Duration timeout,
                          ResponseHandler<Res> handler) {
        Objects.requireNonNull(shape, "shape");
        callAsync(shape, shape.byteSize(), fill, timeout, handler);
    }

    /** {@link #callAsync(MessageShape, Consumer, Duration, ResponseHandler)} with a request of {@code size} bytes. */
    public void callAsync(long size, Consumer<? super Req> fill, Duration timeout, ResponseHandler<Res> handler) {
        callAsync(null, size, fill, timeout, handler);
    }

    private void callAsync(MessageShape<Req> shape, long size, Consumer<? super Req> fill, Duration timeout,
                           ResponseHandler<Res> handler) {
        Objects.requireNonNull(fill, "fill");
        Objects.requireNonNull(handler, "handler");
        long timeoutNanos = timeoutNanos(timeout);
        if (timeoutNanos < 0) {
            throw new IllegalArgumentException("timeout < 0: timeout=" + timeout);
        }
        long deadline = System.nanoTime() + timeoutNanos;
        if (!registered()) {
            throw new IllegalStateException("client is not registered with an executor, use call or "
                + "client.register(executor): service=" + name);
        }
        sendLock.lock();
        try {
            checkOpen();
            long now = System.nanoTime();
            boolean present;
            synchronized (lock) {
                present = serverSeen && now - lastProbeNanos < PROBE_INTERVAL_NANOS;
            }
            if (!present && !probeLocked(now)) {
                throw new ServiceUnavailableException("no server of " + name + " is present");
            }
            long sequence = nextSequence;
            int entry = (int) (sequence & (MAX_PENDING - 1));
            synchronized (lock) {
                if (pendingSequence[entry] != 0) {
                    throw new ServiceException("too many calls pending: service=" + name + ", pending="
                        + pendingCount + ", max=" + MAX_PENDING + ", oldestInTheWay=" + pendingSequence[entry]);
                }
                pendingSequence[entry] = sequence;
                pendingDeadline[entry] = deadline;
                pendingHandler[entry] = handler;
                pendingCount++;
            }
            nextSequence++;
            try {
                send(sequence, shape, size, fill, deadline);
            } catch (RuntimeException | Error failure) {
                synchronized (lock) {
                    if (pendingSequence[entry] != sequence) {
                        return; // its deadline passed meanwhile: the handler has had its one outcome
                    }
                    removeLocked(entry); // the caller gets the exception instead of the handler
                }
                throw failure;
            }
        } finally {
            sendLock.unlock();
        }
    }

    /** Calls pending now (asynchronous ones). */
    public int pendingCount() {
        synchronized (lock) {
            return pendingCount;
        }
    }

    /**
     * Runs the handlers of this client's {@link #callAsync asynchronous calls} on {@code executor}: once per
     * response, in its turn of clients ({@link Executor.Turn#CLIENT}), and on failure (a deadline passed, the
     * server left), checked by a timer every 10 ms. A client is registered with one executor at a time; while it
     * is, {@link #call} is refused.
     *
     * @throws IllegalStateException when the client is registered already, or closed
     */
    public Registration register(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        synchronized (callLock) {
            checkOpen();
            if (registered()) {
                throw new IllegalStateException("client already registered with an executor: service=" + name);
            }
            Registration subscription = executor.subscription(responses, onResponse, Executor.Turn.CLIENT);
            Registration timer;
            try {
                timer = executor.timer(TICK, onTick);
            } catch (RuntimeException e) {
                subscription.close();
                throw e;
            }
            Registration both = new ClientRegistration(subscription, timer);
            registration = both;
            return both;
        }
    }

    private void onResponse(Sample<Res> sample) throws Exception {
        MemorySegment message = sample.segment();
        if (message.byteSize() < ServiceEnvelope.HEADER_LENGTH || ServiceEnvelope.clientId(message) != clientId) {
            return; // another client's
        }
        long word = ServiceEnvelope.sequenceWord(message);
        long sequence = word & ServiceEnvelope.SEQUENCE_MASK;
        ResponseHandler<Res> handler;
        synchronized (lock) {
            int entry = (int) (sequence & (MAX_PENDING - 1));
            if (pendingSequence[entry] != sequence || sequence == 0) {
                late = late + 1;
                return;
            }
            handler = removeLocked(entry);
        }
        if ((word & ServiceEnvelope.ERROR_FLAG) != 0) {
            handler.onFailure(new ServiceException(ServiceEnvelope.readError(message)));
            return;
        }
        try {
            handler.onResponse(asyncSample.bind(sample, sequence));
        } finally {
            asyncSample.unbind(); // the executor closes the sample
        }
    }

    /** Every {@link #TICK}: ends the calls past their deadline, and all of them when the server has left. */
    private void tick() throws Exception {
        long now = System.nanoTime();
        boolean serverLeft = false;
        boolean probeDue;
        synchronized (lock) {
            if (pendingCount == 0) {
                return;
            }
            probeDue = (now - lastProbeNanos >= PROBE_INTERVAL_NANOS || serverGoneSeen) && !closed;
        }
        // never wait for a sender here: it may wait for room in the request queue, and this thread takes responses
        if (probeDue && sendLock.tryLock()) {
            try {
                boolean gone = !closed && !probeLocked(now);
                // fail the calls at the tick after the one that saw the server gone, so that the responses it sent
                // before it left, already queued, are handed over first
                serverLeft = gone && serverGoneSeen;
                serverGoneSeen = gone;
            } finally {
                sendLock.unlock();
            }
        }
        Exception first = null;
        while (true) {
            ResponseHandler<Res> handler;
            long sequence;
            synchronized (lock) {
                int entry = serverLeft ? anyPendingLocked() : expiredLocked(now);
                if (entry < 0) {
                    break;
                }
                sequence = pendingSequence[entry];
                handler = removeLocked(entry);
            }
            ServiceException failure = serverLeft
                ? new ServiceUnavailableException("server of " + name + " left while request " + sequence
                    + " was pending")
                : new ServiceTimeoutException("no response of " + name + " to request " + sequence
                    + " before its deadline");
            try {
                handler.onFailure(failure);
            } catch (Exception error) {
                if (first == null) {
                    first = error; // the others' handlers run all the same; the executor reports this one
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private int expiredLocked(long now) {
        if (pendingCount == 0) {
            return -1;
        }
        for (int entry = 0; entry < MAX_PENDING; entry++) {
            if (pendingSequence[entry] != 0 && now - pendingDeadline[entry] >= 0) {
                return entry;
            }
        }
        return -1;
    }

    private int anyPendingLocked() {
        if (pendingCount == 0) {
            return -1;
        }
        for (int entry = 0; entry < MAX_PENDING; entry++) {
            if (pendingSequence[entry] != 0) {
                return entry;
            }
        }
        return -1;
    }

    private ResponseHandler<Res> removeLocked(int entry) {
        ResponseHandler<Res> handler = pendingHandler[entry];
        pendingSequence[entry] = 0;
        pendingHandler[entry] = null;
        pendingCount--;
        return handler;
    }

    // ------------------------------------------------------------------------------------------------- common

    /**
     * Publishes request {@code sequence}; under {@link #sendLock}. A full request queue (the server fell a whole
     * queue behind this client) is waited for in slices of {@link #SEND_SLICE}, up to the call's {@code deadline}.
     */
    private void send(long sequence, MessageShape<Req> shape, long size, Consumer<? super Req> fill, long deadline) {
        if (size < 0) {
            throw new IllegalArgumentException("size < 0: size=" + size);
        }
        Loan<Req> claimed = null;
        while (claimed == null) {
            try {
                claimed = requests.loan(ServiceEnvelope.HEADER_LENGTH + size);
            } catch (PublishTimeoutException e) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new ServiceTimeoutException("server of " + name + " did not take request " + sequence
                        + " before its deadline: its request queue stayed full", e);
                }
            }
        }
        try (Loan<Req> loan = claimed) {
            MemorySegment message = loan.segment();
            ServiceEnvelope.header(message, clientId, sequence);
            Req view = loan.message();
            if (shape != null) {
                shape.initialize(ServiceEnvelope.bodyOf(view, message));
            }
            fill.accept(view);
            loan.publish();
        }
    }

    /** Probes the server's liveness through the kernel's locks. */
    private boolean probe() {
        sendLock.lock();
        try {
            return probeLocked(System.nanoTime());
        } finally {
            sendLock.unlock();
        }
    }

    /** Probes under {@link #sendLock} (the publisher is used by one thread at a time). */
    private boolean probeLocked(long now) {
        checkOpen();
        boolean present = requests.subscriberCount() > 0;
        synchronized (lock) {
            serverSeen = present;
            lastProbeNanos = now;
        }
        return present;
    }

    private boolean registered() {
        Registration current = registration;
        return current != null && current.isActive();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("client closed: service=" + name);
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException("interrupted while waiting for a server", e);
        }
    }

    /**
     * Unregisters from the executor and withdraws the client's publisher and subscriber. Asynchronous calls still
     * pending are abandoned: their handlers are not called. Idempotent.
     */
    @Override
    public void close() {
        Registration current;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            current = registration;
            for (int entry = 0; entry < MAX_PENDING; entry++) {
                if (pendingSequence[entry] != 0) {
                    removeLocked(entry);
                }
            }
        }
        if (current != null) {
            current.close();
        }
        sendLock.lock();
        try {
            try {
                requests.close();
            } finally {
                responses.close();
            }
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * {@code timeout} in nanoseconds, capped at 73 years so that a deadline cannot overflow (as the transport's own
     * {@code io.sluice.os.Timeouts}, which services may not use: they are built on the exported API only).
     */
    private static long timeoutNanos(Duration timeout) {
        long cap = Long.MAX_VALUE / 4;
        try {
            return Math.clamp(timeout.toNanos(), -cap, cap);
        } catch (ArithmeticException beyond) {
            return timeout.isNegative() ? -cap : cap;
        }
    }

    @Override
    public String toString() {
        return "Client " + name + " id=" + Long.toHexString(clientId);
    }

    /** The two registrations of a client on an executor, as one. */
    private final class ClientRegistration implements Registration {
        private final Registration subscription;
        private final Registration timer;

        ClientRegistration(Registration subscription, Registration timer) {
            this.subscription = subscription;
            this.timer = timer;
        }

        @Override
        public String role() {
            return subscription.role();
        }

        @Override
        public long handledCount() {
            return subscription.handledCount();
        }

        @Override
        public long droppedCount() {
            return subscription.droppedCount();
        }

        @Override
        public boolean isActive() {
            return subscription.isActive() && timer.isActive();
        }

        @Override
        public void close() {
            try {
                subscription.close();
            } finally {
                timer.close();
            }
        }
    }

    /**
     * A response as the user sees it: the message without Sluice's header, the request's sequence. Pooled per
     * client, so a response allocates nothing; reused once closed.
     */
    private static final class ResponseSample<Res> implements Sample<Res> {
        private final String name;
        private Sample<Res> sample;
        private long sequence;
        private boolean inUse;

        ResponseSample(String name) {
            this.name = name;
        }

        synchronized boolean claim() {
            if (inUse) {
                return false;
            }
            inUse = true;
            return true;
        }

        synchronized ResponseSample<Res> bind(Sample<Res> sample, long sequence) {
            this.inUse = true;
            this.sample = sample;
            this.sequence = sequence;
            return this;
        }

        synchronized void unbind() {
            sample = null;
            inUse = false;
        }

        private synchronized Sample<Res> current() {
            if (sample == null) {
                throw new IllegalStateException("response sample closed: service=" + name);
            }
            return sample;
        }

        @Override
        public Res message() {
            return current().message();
        }

        @Override
        public MemorySegment segment() {
            Sample<Res> current = current();
            return ServiceEnvelope.bodyOf(current.message(), current.segment());
        }

        @Override
        public long sequence() {
            current();
            return sequence;
        }

        @Override
        public long publishNanos() {
            return current().publishNanos();
        }

        @Override
        public int publisherIndex() {
            return current().publisherIndex();
        }

        @Override
        public void close() {
            Sample<Res> held;
            synchronized (this) {
                held = sample;
                if (held == null) {
                    return;
                }
                sample = null;
                inUse = false;
            }
            held.close();
        }
    }
}

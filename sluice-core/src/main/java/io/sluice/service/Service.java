package io.sluice.service;

import io.sluice.Loan;
import io.sluice.MessageShape;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.Subscriber;
import io.sluice.exec.ErrorHandler;
import io.sluice.exec.Executor;
import io.sluice.exec.Registration;
import io.sluice.exec.SampleHandler;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The server side of a request/response service: answers the requests of every {@link Client} of the service
 * {@code name}, one at a time, with a {@link ServiceHandler} that writes each response in place in shared memory.
 *
 * {@snippet :
 * try (Sluice sluice = Sluice.open("adder");
 *      Executor executor = Executor.eventLoop()) {
 *     Service<Int64, Int64> twice = Service.open(sluice, "/twice", Int64.TYPE, Int64.TYPE, (request, response) ->
 *         response.loan(Int64.TYPE.withCapacity(Int64.TYPE.defaultSize())).data(2 * request.data()));
 *     twice.register(executor);      // or call twice.serveAvailable() from a loop of yours
 *     executor.run();
 * }
 * }
 *
 * <p>The service subscribes to {@code name/request} with {@link Qos#reliable(int) Qos.reliable(64)}, so that a
 * client waits rather than lose a request when the server falls behind, and answers each client on the client's own
 * topic {@code name/response/c<client id in hex>}, whose publisher it makes at the client's first request and
 * closes once it finds the client gone (it looks every second while it serves). A topic per client, not one shared
 * response topic, so that no client can lose its response because others' responses overran the publisher's slots
 * while it was not scheduled. Every message starts with a 16-byte header (the client's id and the request's
 * sequence number) before the message proper; see {@link ServiceEnvelope}. When the handler throws, or returns
 * without loaning a response, the client receives an error response and raises a {@link ServiceException} with
 * the exception's class and message; the service counts it in {@link #failureCount()} and, on an executor, also
 * reports the exception to the executor's {@link ErrorHandler}. A request whose header is malformed is dropped and
 * counted in {@link #malformedCount()}.
 *
 * <p>One server per service name is expected: with several, every one of them answers each request, and the
 * client takes the first answer. Thread-safety: the service is served by one thread at a time: either by the one
 * executor it is registered with, or by callers of {@link #serveAvailable()}, never both. {@link #close()} may be
 * called from any thread once serving has stopped.
 *
 * @param <Req> the request view
 * @param <Res> the response view
 */
public final class Service<Req, Res> implements AutoCloseable {
    /** How far the server may fall behind one client before that client's request waits. */
    public static final int REQUEST_DEPTH = 64;
    /**
     * Slots of the publisher of each client's response topic: twice the calls a client may have pending
     * ({@link Client#MAX_PENDING}), so that a client's responses are not overwritten before it takes them.
     */
    public static final int RESPONSE_SLOTS = 2 * Client.MAX_PENDING;
    /** The response slots' initial size; a larger response grows them. */
    static final long RESPONSE_INITIAL_SIZE = 1024;
    /** How often the service looks for response publishers whose client has left (while it serves requests). */
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final String name;
    private final Subscriber<Req> requests;
    private final Sluice sluice;
    private final ServiceEnvelope<Res> responseType;
    private final ResponsePublishers<Res> responses = new ResponsePublishers<>();
    private long lastSweep = System.nanoTime();
    private final ServiceHandler<Req, Res> handler;
    private final ResponderImpl responder = new ResponderImpl();
    private final SampleHandler<Req> onRequest = this::serve;
    private volatile Registration registration;
    private volatile boolean closed;
    /** Written by the one thread that serves at a time, read by any. */
    private volatile long handled;
    private volatile long failures;
    private volatile long malformed;

    private Service(Sluice sluice, String name, MessageType<Req> requestType, MessageType<Res> responseType,
                    ServiceHandler<Req, Res> handler) {
        validateName(name);
        this.name = name;
        this.handler = Objects.requireNonNull(handler, "handler");
        this.sluice = Objects.requireNonNull(sluice, "sluice");
        this.responseType = ServiceEnvelope.response(responseType);
        this.requests = sluice.subscriber(requestTopic(name), ServiceEnvelope.request(requestType),
            Qos.reliable(REQUEST_DEPTH));
    }

    /**
     * Opens the service {@code name} in {@code sluice}, answering with {@code handler}: the one way to make a service.
     * It is closed by {@link #close()}, or with {@code sluice}.
     *
     * @throws IllegalArgumentException              when {@code name} is not a valid topic name or is too long for
     *                                               the suffixes {@code /request} and {@code /response}
     * @throws io.sluice.IncompatibleTypeException   when the service's topics carry other types
     */
    public static <Req, Res> Service<Req, Res> open(Sluice sluice, String name, MessageType<Req> requestType,
                                                    MessageType<Res> responseType, ServiceHandler<Req, Res> handler) {
        Service<Req, Res> service = new Service<>(sluice, name, requestType, responseType, handler);
        sluice.closeOnClose(service);
        return service;
    }

    /** The longest service name: its response topics add {@code /response/c} and 16 hex digits. */
    public static final int MAX_NAME_LENGTH = Sluice.MAX_TOPIC_LENGTH - "/response/c".length() - 16;

    static void validateName(String name) {
        Sluice.validateTopic(name);
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("service name too long for its topics: length=" + name.length()
                + ", max=" + MAX_NAME_LENGTH + ", name=" + name);
        }
    }

    static String requestTopic(String name) {
        return name + "/request";
    }

    /** The response topic of one client: {@code name/response/c} and the client id in 16 hex digits. */
    static String responseTopic(String name, long clientId) {
        return name + "/response/c" + HexFormat.of().toHexDigits(clientId);
    }

    /** The service name. */
    public String name() {
        return name;
    }

    /**
     * Handles the requests waiting now, on the calling thread, and returns how many it handled; never blocks.
     *
     * @throws IllegalStateException when the service is registered with an executor, or closed
     */
    public int serveAvailable() {
        Registration current = registration;
        if (current != null && current.isActive()) {
            throw new IllegalStateException("service is served by an executor: name=" + name);
        }
        if (closed) {
            throw new IllegalStateException("service closed: name=" + name);
        }
        int count = 0;
        for (Sample<Req> next = requests.take(); next != null; next = requests.take()) {
            try (Sample<Req> sample = next) {
                serve(sample);
            } catch (Exception ignored) {
                // counted in failureCount and answered with an error response; nobody else to tell here
            }
            count++;
        }
        return count;
    }

    /** Requests answered so far, with a response or an error. */
    public long handledCount() {
        return handled;
    }

    /** Requests whose handler threw or gave no response. */
    public long failureCount() {
        return failures;
    }

    /** Requests dropped because their header was malformed (shorter than 16 bytes, a zero client id or sequence). */
    public long malformedCount() {
        return malformed;
    }

    /**
     * Serves this service's requests on {@code executor}: the handler runs once per request, on the executor's
     * thread, in its turn of services ({@link Executor.Turn#SERVICE}: after timers and subscriptions at a polling
     * point); what it throws also goes to the executor's {@link ErrorHandler}. A service is registered with one
     * executor at a time; closing the registration stops serving there.
     *
     * @throws IllegalStateException when the service is registered already, or closed
     */
    public Registration register(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("service closed: name=" + name);
            }
            Registration current = registration;
            if (current != null && current.isActive()) {
                throw new IllegalStateException("service already registered with an executor: name=" + name);
            }
            registration = executor.subscription(requests, onRequest, Executor.Turn.SERVICE);
            return registration;
        }
    }

    private void serve(Sample<Req> sample) throws Exception {
        MemorySegment message = sample.segment();
        long clientId = message.byteSize() < ServiceEnvelope.HEADER_LENGTH ? 0 : ServiceEnvelope.clientId(message);
        long sequenceWord = clientId == 0 ? 0 : ServiceEnvelope.sequenceWord(message);
        if (clientId == 0 || sequenceWord <= 0) {
            malformed = malformed + 1;
            return;
        }
        long now = System.nanoTime();
        if (now - lastSweep >= SWEEP_INTERVAL_NANOS) {
            lastSweep = now;
            responses.closeAbandoned();
        }
        responder.begin(clientId, sequenceWord);
        Throwable failure = null;
        try {
            handler.handle(sample.message(), responder);
        } catch (Throwable error) {
            failure = error;
        }
        handled = handled + 1;
        if (failure == null && responder.loan == null) {
            failure = new IllegalStateException("service handler returned without loaning a response: service="
                + name + ", sequence=" + sequenceWord);
        }
        if (failure == null) {
            try {
                responder.publish();
                return;
            } catch (RuntimeException error) {
                failure = error; // the type rejected the response as written, or no slot was free
            }
        }
        failures = failures + 1;
        responder.abandon();
        sendError(clientId, sequenceWord, failure);
        if (failure instanceof Exception exception) {
            throw exception;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        throw new ServiceException("service handler threw: service=" + name, failure); // another Throwable
    }

    /** The publisher of {@code clientId}'s response topic, made at the client's first request. */
    private Publisher<Res> responsePublisher(long clientId) {
        Publisher<Res> publisher = responses.get(clientId);
        if (publisher == null) {
            publisher = sluice.publisher(responseTopic(name, clientId), responseType, PublisherOptions.defaults()
                .withSlots(RESPONSE_SLOTS).withInitialSize(RESPONSE_INITIAL_SIZE));
            responses.put(clientId, publisher);
        }
        return publisher;
    }

    /** Clients this service has a response topic for (those that called it and have not been found gone). */
    public int clientCount() {
        return responses.size();
    }

    private void sendError(long clientId, long sequence, Throwable failure) {
        String description = failure.getMessage() == null
            ? failure.getClass().getName()
            : failure.getClass().getName() + ": " + failure.getMessage();
        byte[] text = ServiceEnvelope.errorText("service " + name + " failed on request " + sequence + ": "
            + description);
        try (Loan<Res> loan = responsePublisher(clientId).loan(ServiceEnvelope.ERROR_TEXT_OFFSET + text.length)) {
            ServiceEnvelope.writeError(loan.segment(), clientId, sequence, text);
            loan.publish();
        }
    }

    /** Unregisters from the executor and withdraws the service's publisher and subscriber. Idempotent. */
    @Override
    public void close() {
        Registration current;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            current = registration;
        }
        if (current != null) {
            current.close();
        }
        try {
            requests.close();
        } finally {
            responses.closeAll();
        }
    }

    @Override
    public String toString() {
        return "Service " + name;
    }

    /** The one responder of this service, reset for each request (one request at a time is served). */
    private final class ResponderImpl implements Responder<Res> {
        private long clientId;
        private long sequence;
        private Loan<Res> loan;

        void begin(long clientId, long sequence) {
            this.clientId = clientId;
            this.sequence = sequence;
            this.loan = null;
        }

        @Override
        public Res loan(MessageShape<Res> shape) {
            Objects.requireNonNull(shape, "shape");
            Res view = loan(shape.byteSize());
            shape.initialize(segment());
            return view;
        }

        @Override
        public Res loan(long size) {
            if (loan != null) {
                throw new IllegalStateException("response already loaned: service=" + name + ", sequence="
                    + sequence);
            }
            if (size < 0) {
                throw new IllegalArgumentException("size < 0: size=" + size);
            }
            loan = responsePublisher(clientId).loan(ServiceEnvelope.HEADER_LENGTH + size);
            return loan.message();
        }

        @Override
        public MemorySegment segment() {
            if (loan == null) {
                throw new IllegalStateException("no response loaned yet: service=" + name + ", sequence="
                    + sequence);
            }
            return ServiceEnvelope.bodyOf(loan.message(), loan.segment());
        }

        @Override
        public long clientId() {
            return clientId;
        }

        @Override
        public long sequence() {
            return sequence;
        }

        void publish() {
            Loan<Res> spent = loan;
            loan = null;
            try (spent) {
                ServiceEnvelope.header(spent.segment(), clientId, sequence);
                spent.publish();
            }
        }

        void abandon() {
            Loan<Res> spent = loan;
            loan = null;
            if (spent != null) {
                spent.close();
            }
        }
    }
}

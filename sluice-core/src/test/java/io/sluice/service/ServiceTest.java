package io.sluice.service;

import io.sluice.Allocations;
import io.sluice.Await;
import io.sluice.IncompatibleTypeException;
import io.sluice.MessageShape;
import io.sluice.MessageType;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.TestRoot;
import io.sluice.exec.Executor;
import io.sluice.exec.ExecutorOptions;
import io.sluice.exec.Registration;
import io.sluice.msg.std_msgs.Int64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request/response services within one process: blocking calls, asynchronous calls on each executor, failures. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServiceTest {
    private static final MessageShape<Int64> INT64 = Int64.TYPE.withCapacity(Int64.TYPE.defaultSize());
    private static final MessageShape<io.sluice.msg.std_msgs.String> TEXT =
        io.sluice.msg.std_msgs.String.TYPE.withCapacity(256);
    private static final Duration LONG = Duration.ofSeconds(20);
    /** A request with this value makes the test handlers throw. */
    private static final long FAIL = -1;
    /** A request with this value makes the test handlers sleep {@link #SLOW}. */
    private static final long SLOW_REQUEST = -2;
    private static final Duration SLOW = Duration.ofMillis(1500);

    enum Kind {
        EVENT_LOOP, POLLING_POINT, MULTI_THREADED;

        Executor create() {
            return switch (this) {
                case EVENT_LOOP -> Executor.eventLoop(OPTIONS.withName("client-event-loop"));
                case POLLING_POINT -> Executor.pollingPoint(OPTIONS.withName("client-polling-point"));
                case MULTI_THREADED -> Executor.multiThreaded(OPTIONS.withName("client-multi-threaded"), 2);
            };
        }
    }

    private static final List<Throwable> REPORTED = Collections.synchronizedList(new ArrayList<>());
    private static final ExecutorOptions OPTIONS = ExecutorOptions.defaults()
        .withErrorHandler((role, error) -> REPORTED.add(error));

    private final TestRoot root = new TestRoot();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        Collections.reverse(closeables);
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        assertEquals(List.of(), root.domainFiles(), "every file of the services is removed at close");
        root.close();
    }

    private <C extends AutoCloseable> C keep(C closeable) {
        closeables.add(closeable);
        return closeable;
    }

    /** The test service: answers {@code 2 × request + 1}; -1 throws, -2 sleeps {@link #SLOW} first. */
    private static void twicePlusOne(Int64 request, Responder<Int64> response) throws Exception {
        long value = request.data();
        if (value == FAIL) {
            throw new IllegalArgumentException("cannot double " + value);
        }
        if (value == SLOW_REQUEST) {
            Thread.sleep(SLOW);
        }
        response.loan(INT64).data(2 * value + 1);
    }

    /** A participant with a started event-loop serving {@link #twicePlusOne}. */
    private Service<Int64, Int64> startServer(Sluice sluice, String name) {
        Service<Int64, Int64> service = Service.open(sluice, name, Int64.TYPE, Int64.TYPE, ServiceTest::twicePlusOne);
        Executor executor = keep(Executor.eventLoop(OPTIONS.withName("server")));
        service.register(executor);
        executor.start();
        return service;
    }

    private static long call(Client<Int64, Int64> client, long value, Duration timeout) {
        try (Sample<Int64> response = client.call(INT64, request -> request.data(value), timeout)) {
            return response.message().data();
        }
    }

    @Test
    void shouldAnswerOneThousandSequentialCalls() {
        Sluice server = keep(Sluice.open("server", root.options()));
        Sluice caller = keep(Sluice.open("caller", root.options()));
        startServer(server, "/twice");
        Client<Int64, Int64> client = Client.open(caller, "/twice", Int64.TYPE, Int64.TYPE);
        for (long value = 0; value < 1_000; value++) {
            try (Sample<Int64> response = client.call(INT64, request -> request.data(12_345), LONG)) {
                assertEquals(24_691, response.message().data());
                assertEquals(2 * value + 1, response.sequence(), "the response carries its request's sequence");
                assertEquals(Int64.TYPE.defaultSize(), response.segment().byteSize(), "no service header shows");
            }
            assertEquals(2 * value + 1, call(client, value, LONG));
        }
        assertEquals(0, client.lateCount());
        assertEquals(0, client.lostCount());
    }

    @Test
    void shouldAnswerVariableLengthCdrMessages() {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<io.sluice.msg.std_msgs.String, io.sluice.msg.std_msgs.String> upper = Service.open(sluice, "/upper",
            io.sluice.msg.std_msgs.String.TYPE, io.sluice.msg.std_msgs.String.TYPE,
            (request, response) -> response.loan(TEXT).data(request.data().toUpperCase()));
        Executor executor = keep(Executor.eventLoop(OPTIONS.withName("server")));
        upper.register(executor);
        executor.start();
        Client<io.sluice.msg.std_msgs.String, io.sluice.msg.std_msgs.String> client = Client.open(sluice, "/upper",
            io.sluice.msg.std_msgs.String.TYPE, io.sluice.msg.std_msgs.String.TYPE);
        for (String text : List.of("", "a", "hello service", "x".repeat(200), "ünïcødé")) {
            try (Sample<io.sluice.msg.std_msgs.String> response = client.call(TEXT, request -> request.data(text),
                LONG)) {
                assertEquals(text.toUpperCase(), response.message().data());
            }
        }
    }

    @Test
    void shouldGiveEachOfSeveralConcurrentClientsOnlyItsOwnResponses() throws Exception {
        Sluice server = keep(Sluice.open("server", root.options()));
        Service<Int64, Int64> service = startServer(server, "/twice");
        int clients = 4;
        int calls = 300;
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long base = 1_000_000L * (c + 1);
                results.add(threads.submit(() -> {
                    try (Sluice caller = Sluice.open("caller", root.options())) {
                        Client<Int64, Int64> client = Client.open(caller, "/twice", Int64.TYPE, Int64.TYPE);
                        for (long i = 0; i < calls; i++) {
                            assertEquals(2 * (base + i) + 1, call(client, base + i, LONG));
                        }
                        assertEquals(0, client.lateCount());
                        return client.clientId();
                    }
                }));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<Long> result : results) {
                try {
                    ids.add(result.get(100, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("server handled " + service.handledCount() + ", malformed "
                        + service.malformedCount(), e);
                }
            }
            assertEquals(clients, ids.stream().distinct().count(), "client ids are unique: " + ids);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void shouldRaiseTheHandlersExceptionAtTheClient() {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<Int64, Int64> service = startServer(sluice, "/twice");
        Client<Int64, Int64> client = Client.open(sluice, "/twice", Int64.TYPE, Int64.TYPE);
        ServiceException error = assertThrows(ServiceException.class, () -> call(client, FAIL, LONG));
        assertEquals(ServiceException.class, error.getClass(), "neither a timeout nor unavailable: " + error);
        assertTrue(error.getMessage().contains("IllegalArgumentException: cannot double -1"), error.getMessage());
        assertTrue(error.getMessage().contains("/twice"), error.getMessage());
        assertEquals(7, call(client, 3, LONG), "the service goes on after a failed request");
        assertEquals(1, service.failureCount());
    }

    @Test
    void shouldAnswerAHandlerThatLoansNoResponseWithAnError() {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<Int64, Int64> service = Service.open(sluice, "/silent", Int64.TYPE, Int64.TYPE, (request, response) -> { });
        Client<Int64, Int64> client = Client.open(sluice, "/silent", Int64.TYPE, Int64.TYPE);
        Executor executor = keep(Executor.eventLoop(OPTIONS.withName("server")));
        service.register(executor);
        executor.start();
        ServiceException error = assertThrows(ServiceException.class, () -> call(client, 1, LONG));
        assertTrue(error.getMessage().contains("without loaning a response"), error.getMessage());
    }

    @Test
    void shouldTimeOutAndIgnoreTheLateResponse() {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        startServer(sluice, "/twice");
        Client<Int64, Int64> client = Client.open(sluice, "/twice", Int64.TYPE, Int64.TYPE);
        assertThrows(ServiceTimeoutException.class, () -> call(client, SLOW_REQUEST, Duration.ofMillis(200)));
        // the server answers the slow request first, then this one: the late answer must not be taken for it
        assertEquals(11, call(client, 5, LONG));
        assertEquals(1, client.lateCount());
    }

    @Test
    void shouldReportNoServerAfterWaitingForOne() {
        Sluice sluice = keep(Sluice.open("caller", root.options()));
        Client<Int64, Int64> client = Client.open(sluice, "/nobody", Int64.TYPE, Int64.TYPE);
        assertTrue(!client.waitForServer(Duration.ofMillis(50)));
        ServiceUnavailableException error = assertThrows(ServiceUnavailableException.class,
            () -> call(client, 1, Duration.ofMillis(300)));
        assertTrue(error.getMessage().contains("/nobody"), error.getMessage());
    }

    @Test
    void shouldWaitForAServerThatAppearsDuringTheCall() throws Exception {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Client<Int64, Int64> client = Client.open(sluice, "/late", Int64.TYPE, Int64.TYPE);
        CompletableFuture<Long> result = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().name("late-caller").start(() -> {
            try {
                result.complete(call(client, 1, LONG));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        Await.inCall(caller, Client.class, "awaitServer"); // the call waits for a server: now one appears
        startServer(sluice, "/late");
        assertEquals(3, result.get(LONG.toSeconds() + 30, TimeUnit.SECONDS));
        caller.join();
    }

    @Test
    void shouldServeOnTheCallersThreadWithoutAnExecutor() throws Exception {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<Int64, Int64> service = Service.open(sluice, "/manual", Int64.TYPE, Int64.TYPE,
            ServiceTest::twicePlusOne);
        Client<Int64, Int64> client = Client.open(sluice, "/manual", Int64.TYPE, Int64.TYPE);
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            Future<Long> result = caller.submit(() -> call(client, 20, LONG));
            long deadline = System.nanoTime() + LONG.toNanos();
            while (!result.isDone() && System.nanoTime() - deadline < 0) {
                service.serveAvailable();
                Thread.sleep(1);
            }
            assertEquals(41, result.get(1, TimeUnit.SECONDS));
            assertEquals(1, service.handledCount());
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void shouldKeepEveryAllowedAsynchronousCallPendingWhileTheServerIsBusy() throws Exception {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<Int64, Int64> service = Service.open(sluice, "/busy", Int64.TYPE, Int64.TYPE, ServiceTest::twicePlusOne);
        Executor server = keep(Executor.eventLoop(OPTIONS.withName("server")));
        service.register(server); // not started yet: the server is there, but takes no request
        Client<Int64, Int64> client = Client.open(sluice, "/busy", Int64.TYPE, Int64.TYPE);
        Executor callbacks = keep(Executor.eventLoop(OPTIONS.withName("client")));
        client.register(callbacks);
        callbacks.start();
        CountDownLatch answered = new CountDownLatch(Client.MAX_PENDING);
        List<Long> wrong = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < Client.MAX_PENDING; i++) {
            long value = i;
            client.callAsync(INT64, request -> request.data(value), LONG, new ResponseHandler<>() {
                @Override
                public void onResponse(Sample<Int64> response) {
                    if (response.message().data() != 2 * value + 1) {
                        wrong.add(value);
                    }
                    answered.countDown();
                }

                @Override
                public void onFailure(ServiceException error) {
                    wrong.add(value);
                    answered.countDown();
                }
            });
        }
        assertEquals(Client.MAX_PENDING, client.pendingCount(), "every allowed call is pending, none refused");
        assertEquals(64, Client.MAX_PENDING, "the README's figure");
        Outcomes refusedCall = new Outcomes(1);
        ServiceException refused = assertThrows(ServiceException.class,
            () -> client.callAsync(INT64, request -> request.data(1000), LONG, refusedCall.handler(1000)));
        assertEquals(ServiceException.class, refused.getClass(), "neither a timeout nor unavailable: " + refused);
        assertTrue(refused.getMessage().contains("too many calls pending") && refused.getMessage().contains("/busy")
            && refused.getMessage().contains("max=64"), refused.getMessage());
        assertEquals(Client.MAX_PENDING, client.pendingCount(), "the refused call is not pending");
        server.start();
        assertTrue(answered.await(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of(), wrong);
        assertEquals(Map.of(), refusedCall.byValue, "the refused call's handler is never called");
        Await.until("the answered calls are no longer pending", () -> client.pendingCount() == 0);
        Outcomes later = new Outcomes(1);
        client.callAsync(INT64, request -> request.data(1000), LONG, later.handler(1000)); // room again
        later.await();
        assertEquals(2001L, later.byValue.get(1000L));
    }

    @Test
    void shouldDropAndCountMalformedRequestsAndGoOnServing() throws Exception {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<Int64, Int64> service = Service.open(sluice, "/robust", Int64.TYPE, Int64.TYPE,
            ServiceTest::twicePlusOne);
        io.sluice.Publisher<Int64> forger = keep(sluice.publisher(Service.requestTopic("/robust"),
            ServiceEnvelope.request(Int64.TYPE)));
        long[][] headers = {{0, 1}, {7, 0}, {7, Long.MIN_VALUE | 3}}; // no client id, no sequence, an error flag
        for (long[] header : headers) {
            try (io.sluice.Loan<Int64> loan = forger.loan(ServiceEnvelope.HEADER_LENGTH + Int64.TYPE.defaultSize())) {
                loan.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 0, header[0]);
                loan.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, 8, header[1]);
                if (header[1] >= 0) {
                    loan.segment().set(ValueLayout.JAVA_BYTE, ServiceEnvelope.HEADER_LENGTH + 1, (byte) 1); // CDR_LE
                } // else an error reply's layout: a length (0) of error text follows the header
                loan.publish();
            }
        }
        // (a message shorter than the header cannot be published through the envelope type at all)
        service.serveAvailable();
        assertEquals(3, service.malformedCount());
        assertEquals(0, service.handledCount());
        Executor executor = keep(Executor.eventLoop(OPTIONS.withName("server")));
        service.register(executor);
        executor.start();
        Client<Int64, Int64> client = Client.open(sluice, "/robust", Int64.TYPE, Int64.TYPE);
        assertEquals(7, call(client, 3, LONG), "a well-formed request is still answered");
    }

    @Test
    void shouldAnswerWithoutAllocatingOnTheServersThreadOnceWarm() throws Exception {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<Int64, Int64> service = Service.open(sluice, "/lean", Int64.TYPE, Int64.TYPE, ServiceTest::twicePlusOne);
        Client<Int64, Int64> client = Client.open(sluice, "/lean", Int64.TYPE, Int64.TYPE);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try {
                    call(client, 1, LONG);
                } catch (ServiceException | IllegalStateException e) {
                    return; // closed at the end of the test
                }
            }
        });
        try {
            // the warm-up also fills the response publisher's slots and caches
            Allocations.assertNoneOnceWarm("serving a request", 2_000, 200, () -> serveOne(service));
        } finally {
            stop.set(true);
            caller.join(LONG.toMillis());
        }
    }

    /** Serves the next request (waiting for it): allocates nothing of its own, its failure message included. */
    private static void serveOne(Service<Int64, Int64> service) {
        long target = service.handledCount() + 1;
        long deadline = System.nanoTime() + LONG.toNanos();
        while (service.handledCount() < target) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no request to serve within " + LONG);
            }
            if (service.serveAvailable() == 0) {
                Thread.yield(); // the caller needs the core more than this loop does
            }
        }
    }

    @Test
    void shouldRefuseAPlainSubscriberOfTheRequestTopic() {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service.open(sluice, "/typed", Int64.TYPE, Int64.TYPE, ServiceTest::twicePlusOne);
        assertThrows(IncompatibleTypeException.class,
            () -> sluice.subscriber("/typed/request", Int64.TYPE, Qos.queue(4)));
        assertThrows(IncompatibleTypeException.class,
            () -> Client.open(sluice, "/typed", MessageType.raw("test/msg/Other"), Int64.TYPE));
    }

    @Test
    void shouldCarryRawMessagesWithTheSixteenByteHeader() {
        MessageType<MemorySegment> raw = MessageType.raw("test/msg/Blob");
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<MemorySegment, MemorySegment> echo = Service.open(sluice, "/echo", raw, raw, (request, response) -> {
            MemorySegment out = response.loan(request.byteSize());
            out.copyFrom(request);
            assertEquals(out, response.segment());
        });
        Executor executor = keep(Executor.pollingPoint(OPTIONS.withName("server")));
        echo.register(executor);
        executor.start();
        Client<MemorySegment, MemorySegment> client = Client.open(sluice, "/echo", raw, raw);
        try (Sample<MemorySegment> response = client.call(24, request -> {
            for (int i = 0; i < 3; i++) {
                request.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, 100 + i);
            }
        }, LONG)) {
            assertEquals(24, response.message().byteSize());
            assertEquals(102, response.message().getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, 2));
        }
    }

    @Test
    void shouldCloseTheResponseTopicOfAClientThatLeft() throws Exception {
        Sluice sluice = keep(Sluice.open("both", root.options()));
        Service<Int64, Int64> service = startServer(sluice, "/twice");
        try (Client<Int64, Int64> leaving = Client.open(sluice, "/twice", Int64.TYPE, Int64.TYPE)) {
            assertEquals(1, call(leaving, 0, LONG));
        }
        Client<Int64, Int64> staying = Client.open(sluice, "/twice", Int64.TYPE, Int64.TYPE);
        assertEquals(5, call(staying, 2, LONG)); // two clients have called: two response topics, until a sweep
        long deadline = System.nanoTime() + LONG.toNanos();
        while (service.clientCount() != 1 && System.nanoTime() - deadline < 0) {
            assertEquals(5, call(staying, 2, LONG)); // the service looks for clients gone while it serves
            Thread.sleep(50);
        }
        assertEquals(1, service.clientCount(), "the response topic of the client that left is closed");
    }

    @Test
    void shouldCloseServicesAndClientsWithTheSluice() {
        Sluice sluice = Sluice.open("both", root.options());
        Service<Int64, Int64> service = Service.open(sluice, "/closed", Int64.TYPE, Int64.TYPE, ServiceTest::twicePlusOne);
        Client<Int64, Int64> client = Client.open(sluice, "/closed", Int64.TYPE, Int64.TYPE);
        assertTrue(client.waitForServer(LONG));
        sluice.close();
        assertThrows(IllegalStateException.class, service::serveAvailable);
        assertThrows(IllegalStateException.class, () -> call(client, 1, LONG));
        assertEquals(List.of(), root.domainFiles());
    }

    // ------------------------------------------------------------------------------------------- asynchronous

    /** Collects the outcomes of asynchronous calls by request value. */
    private static final class Outcomes {
        final Map<Long, Object> byValue = new ConcurrentHashMap<>();
        final CountDownLatch done;

        Outcomes(int expected) {
            done = new CountDownLatch(expected);
        }

        ResponseHandler<Int64> handler(long value) {
            return new ResponseHandler<>() {
                @Override
                public void onResponse(Sample<Int64> response) {
                    record(value, response.message().data());
                }

                @Override
                public void onFailure(ServiceException error) {
                    record(value, error);
                }
            };
        }

        private void record(long value, Object outcome) {
            Object previous = byValue.putIfAbsent(value, outcome);
            if (previous != null) {
                byValue.put(value, new AssertionError("two outcomes for " + value + ": " + previous + ", " + outcome));
            }
            done.countDown();
        }

        void await() throws InterruptedException {
            assertTrue(done.await(60, TimeUnit.SECONDS), "outcomes missing: " + byValue.size() + " of "
                + (byValue.size() + done.getCount()));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void shouldRunAsynchronousCallsOnEachExecutor(Kind kind) throws Exception {
        REPORTED.clear();
        Sluice server = keep(Sluice.open("server", root.options()));
        Sluice caller = keep(Sluice.open("caller", root.options()));
        startServer(server, "/twice");
        Client<Int64, Int64> client = Client.open(caller, "/twice", Int64.TYPE, Int64.TYPE);
        Executor executor = keep(kind.create());
        Registration registration = client.register(executor);
        executor.start();
        assertThrows(IllegalStateException.class, () -> call(client, 1, LONG), "no blocking call while registered");
        assertTrue(client.waitForServer(LONG));

        int calls = Client.MAX_PENDING - 2; // all pending at once, with the two below
        Outcomes outcomes = new Outcomes(calls + 2);
        for (long value = 0; value < calls; value++) {
            long v = value;
            client.callAsync(INT64, request -> request.data(v), LONG, outcomes.handler(v));
        }
        client.callAsync(INT64, request -> request.data(FAIL), LONG, outcomes.handler(FAIL));
        client.callAsync(INT64, request -> request.data(SLOW_REQUEST), Duration.ofMillis(100),
            outcomes.handler(SLOW_REQUEST));
        outcomes.await();
        for (long value = 0; value < calls; value++) {
            assertEquals(2 * value + 1, outcomes.byValue.get(value), "response to " + value);
        }
        ServiceException failed = assertInstanceOf(ServiceException.class, outcomes.byValue.get(FAIL));
        assertTrue(failed.getMessage().contains("cannot double -1"), failed.getMessage());
        assertInstanceOf(ServiceTimeoutException.class, outcomes.byValue.get(SLOW_REQUEST));
        assertTrue(registration.handledCount() >= calls + 1, "responses come through the client's registration");

        // the late answer to the slow request is dropped, not given to a later call
        Outcomes after = new Outcomes(1);
        client.callAsync(INT64, request -> request.data(7), LONG, after.handler(7));
        after.await();
        assertEquals(15L, after.byValue.get(7L));
        long deadline = System.nanoTime() + LONG.toNanos();
        while (client.lateCount() == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }
        assertEquals(1, client.lateCount());
        assertEquals(0, client.pendingCount());
        for (Throwable reported : List.copyOf(REPORTED)) { // the server's executor reports its handler's failure
            assertEquals("cannot double -1", reported.getMessage(), "unexpected error: " + reported);
        }
    }

    @Test
    void shouldRefuseAnAsynchronousCallWithoutServerOrExecutor() {
        Sluice sluice = keep(Sluice.open("caller", root.options()));
        Client<Int64, Int64> client = Client.open(sluice, "/nobody", Int64.TYPE, Int64.TYPE);
        Outcomes outcomes = new Outcomes(1);
        assertThrows(IllegalStateException.class,
            () -> client.callAsync(INT64, request -> request.data(1), LONG, outcomes.handler(1)));
        Executor executor = keep(Executor.eventLoop(OPTIONS.withName("client")));
        client.register(executor);
        executor.start();
        assertThrows(ServiceUnavailableException.class,
            () -> client.callAsync(INT64, request -> request.data(1), LONG, outcomes.handler(1)));
        assertEquals(0, client.pendingCount());
    }

    @Test
    void shouldFailPendingAsynchronousCallsWhenTheServerCloses() throws Exception {
        Sluice server = keep(Sluice.open("server", root.options()));
        Sluice caller = keep(Sluice.open("caller", root.options()));
        Service<Int64, Int64> service = Service.open(server, "/quit", Int64.TYPE, Int64.TYPE, ServiceTest::twicePlusOne);
        Client<Int64, Int64> client = Client.open(caller, "/quit", Int64.TYPE, Int64.TYPE);
        Executor executor = keep(Executor.eventLoop(OPTIONS.withName("client")));
        client.register(executor);
        executor.start();
        Outcomes outcomes = new Outcomes(1);
        client.callAsync(INT64, request -> request.data(1), Duration.ofSeconds(60), outcomes.handler(1));
        service.close(); // never served
        outcomes.await();
        assertInstanceOf(ServiceUnavailableException.class, outcomes.byValue.get(1L));
    }
}

package io.sluice.it;

import io.sluice.MessageShape;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.service.Client;
import io.sluice.exec.Executor;
import io.sluice.service.ResponseHandler;
import io.sluice.service.ServiceException;
import io.sluice.service.ServiceUnavailableException;
import io.sluice.msg.std_msgs.Int64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services across processes: a server in a child JVM answers; a server that dies in the middle of a request —
 * halting itself or killed with SIGKILL — ends the pending call with an error long before its timeout, for blocking
 * and asynchronous calls alike (invariant 3), and leaves nothing behind in shared memory.
 */
class ServiceCrashTest extends MultiProcessTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(30);
    /** Far longer than the tests may take: a call that returns did not wait it out. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final MessageShape<Int64> INT64 = Int64.TYPE.withCapacity(Int64.TYPE.defaultSize());

    private ChildJvm startServer(String mode) {
        ChildJvm server = children.start("server-" + mode, ServiceChild.class, root.path().toString(), "/compute",
            mode);
        server.expect("SERVING", CHILD_TIMEOUT);
        return server;
    }

    private Client<Int64, Int64> client() {
        sluice = Sluice.open("test", root.options());
        Client<Int64, Int64> client = Client.open(sluice, "/compute", Int64.TYPE, Int64.TYPE);
        assertTrue(client.waitForServer(CHILD_TIMEOUT), "the child's service appears");
        return client;
    }

    private void expectNothingLeft() {
        sluice.close();
        sluice = null;
        assertEquals(List.of(), root.domainFiles(), "nothing of the service is left in shared memory");
    }

    @Test
    @Timeout(60)
    void shouldAnswerRequestsFromAServerInAnotherProcess() {
        ChildJvm server = startServer("triple");
        Client<Int64, Int64> client = client();
        for (long value = -50; value < 250; value++) {
            long v = value;
            try (Sample<Int64> response = client.call(INT64, request -> request.data(v), CALL_TIMEOUT)) {
                assertEquals(3 * value, response.message().data());
            }
        }
        assertEquals("BYE", server.request("EXIT", "BYE", CHILD_TIMEOUT));
        server.awaitExit(CHILD_TIMEOUT);
        assertThrows(ServiceUnavailableException.class,
            () -> client.call(INT64, request -> request.data(1), Duration.ofMillis(200)));
        expectNothingLeft();
    }

    @Test
    @Timeout(30)
    void shouldFailABlockingCallWhenTheServerHaltsInTheHandler() {
        ChildJvm server = startServer("halt");
        Client<Int64, Int64> client = client();
        ServiceException error = assertThrows(ServiceException.class,
            () -> client.call(INT64, request -> request.data(7), CALL_TIMEOUT));
        assertInstanceOf(ServiceUnavailableException.class, error);
        assertTrue(error.getMessage().contains("left while request 1 was pending"), error.getMessage());
        assertEquals(3, server.awaitExit(CHILD_TIMEOUT));
        expectNothingLeft();
    }

    @Test
    @Timeout(30)
    void shouldFailABlockingCallWhenTheServerIsKilledInTheHandler() throws Exception {
        ChildJvm server = startServer("hang");
        Client<Int64, Int64> client = client();
        CompletableFuture<Long> call = CompletableFuture.supplyAsync(() -> {
            try (Sample<Int64> response = client.call(INT64, request -> request.data(9), CALL_TIMEOUT)) {
                return response.message().data();
            }
        });
        server.expect("HANDLING 9", CHILD_TIMEOUT);
        server.kill();
        ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(25, TimeUnit.SECONDS));
        // the call's own timeout (CALL_TIMEOUT) is far beyond the wait above: only the server's death ends it
        assertInstanceOf(ServiceUnavailableException.class, failed.getCause());
        expectNothingLeft();
    }

    @Test
    @Timeout(30)
    void shouldFailAnAsynchronousCallWhenTheServerHaltsInTheHandler() throws Exception {
        ChildJvm server = startServer("halt");
        Client<Int64, Int64> client = client();
        CompletableFuture<ServiceException> failure = new CompletableFuture<>();
        AtomicReference<String> thread = new AtomicReference<>();
        try (Executor executor = Executor.eventLoop()) {
            client.register(executor);
            executor.start();
            client.callAsync(INT64, request -> request.data(11), CALL_TIMEOUT, new ResponseHandler<>() {
                @Override
                public void onResponse(Sample<Int64> response) {
                    failure.completeExceptionally(new AssertionError("a response from a dead server"));
                }

                @Override
                public void onFailure(ServiceException error) {
                    thread.set(Thread.currentThread().getName());
                    failure.complete(error);
                }
            });
            ServiceException error = failure.get(25, TimeUnit.SECONDS);
            assertInstanceOf(ServiceUnavailableException.class, error);
            assertTrue(thread.get().startsWith("sluice-"), "onFailure runs on the executor: " + thread.get());
            assertEquals(0, client.pendingCount());
        }
        assertEquals(3, server.awaitExit(CHILD_TIMEOUT));
        expectNothingLeft();
    }
}

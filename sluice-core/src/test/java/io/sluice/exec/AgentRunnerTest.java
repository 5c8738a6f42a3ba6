package io.sluice.exec;

import io.sluice.Await;
import io.sluice.WaitStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Duty cycles, the error policy, blocking without losing a wake, and stopping. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgentRunnerTest {
    private static final long LONG_WAIT = TimeUnit.SECONDS.toNanos(60); // longer than the test: a lost wake fails it

    /** Takes integers from a queue; throws for negative ones. */
    private static final class QueueAgent implements Agent {
        final ConcurrentLinkedQueue<Integer> queue = new ConcurrentLinkedQueue<>();
        final List<Integer> handled = new CopyOnWriteArrayList<>();
        final AtomicReference<Thread> closedOn = new AtomicReference<>();

        @Override
        public int doWork() {
            Integer value = queue.poll();
            if (value == null) {
                return 0;
            }
            if (value < 0) {
                throw new IllegalStateException("negative: " + value);
            }
            handled.add(value);
            return 1;
        }

        @Override
        public void onClose() {
            closedOn.set(Thread.currentThread());
        }

        @Override
        public String roleName() {
            return "queue-agent";
        }
    }

    @Test
    void shouldReportCountAndGoOnWhenTheAgentThrows() throws Exception {
        QueueAgent agent = new QueueAgent();
        List<String> reports = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 30; i++) {
            agent.queue.add(i % 3 == 0 ? -i - 1 : i);
        }
        try (AgentRunner runner = AgentRunner.start(new AgentRunner(agent, WaitStrategy.backoff(10, 10, 1_000_000),
            (role, error) -> reports.add(role + ": " + error.getMessage())))) {
            while (agent.handled.size() < 20) {
                Thread.sleep(1);
            }
            assertEquals(10, runner.errorCount());
        }
        assertEquals(20, agent.handled.size());
        assertEquals("queue-agent: negative: -1", reports.getFirst());
    }

    @Test
    void shouldGoOnWhenTheErrorHandlerThrowsToo() throws Exception {
        QueueAgent agent = new QueueAgent();
        agent.queue.add(-1);
        agent.queue.add(7);
        try (AgentRunner runner = AgentRunner.start(new AgentRunner(agent, WaitStrategy.spin(), (role, error) -> {
            throw new IllegalStateException("a handler that throws");
        }))) {
            while (agent.handled.isEmpty()) {
                Thread.sleep(1);
            }
            assertEquals(1, runner.errorCount());
        }
        assertEquals(List.of(7), agent.handled);
    }

    @Test
    void shouldWakeABlockedRunnerForEveryEventWithoutLosingOne() throws Exception {
        QueueAgent agent = new QueueAgent();
        Wakeup wakeup = new Wakeup();
        try (AgentRunner runner = AgentRunner.start(new AgentRunner(agent, WaitStrategy.block(), wakeup,
            ErrorHandler.logging(), LONG_WAIT))) {
            for (int i = 0; i < 2_000; i++) {
                agent.queue.add(i);
                wakeup.signal(); // the runner blocks between most of these: a lost wake would hang it for 60 s
                if (i % 100 == 0) {
                    Thread.sleep(1);
                }
            }
            while (agent.handled.size() < 2_000) {
                Thread.sleep(1);
            }
            assertTrue(runner.isRunning());
        }
        assertEquals(2_000, agent.handled.size());
    }

    @Test
    void shouldReturnAtOnceFromAWaitWhenSignalledAfterTheKeyWasRead() {
        Wakeup wakeup = new Wakeup();
        int key = wakeup.key();
        wakeup.signal();
        wakeup.await(key, LONG_WAIT); // must not sleep: the test's timeout is shorter than the wait
        assertFalse(key == wakeup.key());
    }

    @Test
    void shouldStopABlockedRunnerAndCloseTheAgentOnItsThread() throws Exception {
        QueueAgent agent = new QueueAgent();
        Wakeup wakeup = new Wakeup();
        AgentRunner runner = AgentRunner.start(new AgentRunner(agent, WaitStrategy.block(), wakeup,
            ErrorHandler.logging(), LONG_WAIT));
        Await.allAsleepInKernel("queue-agent"); // the close must end a sleep
        runner.close();
        assertFalse(runner.isRunning());
        assertEquals("queue-agent", agent.closedOn.get().getName());
    }

    @Test
    void shouldRunOnTheCallersThreadUntilClosedFromAnother() throws Exception {
        QueueAgent agent = new QueueAgent();
        AgentRunner runner = new AgentRunner(agent, WaitStrategy.backoff(0, 0, 1_000_000), ErrorHandler.logging());
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger handledBeforeClose = new AtomicInteger();
        Thread caller = Thread.ofPlatform().start(() -> {
            started.countDown();
            runner.run();
        });
        started.await();
        agent.queue.add(1);
        while (agent.handled.isEmpty()) {
            Thread.sleep(1);
        }
        handledBeforeClose.set(agent.handled.size());
        runner.close();
        caller.join(10_000);
        assertFalse(caller.isAlive());
        assertSame(caller, agent.closedOn.get());
        assertEquals(1, handledBeforeClose.get());
    }

    @Test
    void shouldRefuseToBlockWithoutAWakeup() {
        assertThrows(IllegalArgumentException.class, () -> new AgentRunner(new QueueAgent(), WaitStrategy.block(),
            ErrorHandler.logging())); // nothing to block on
    }
}

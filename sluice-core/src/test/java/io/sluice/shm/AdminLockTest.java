package io.sluice.shm;

import io.sluice.MessageType;
import io.sluice.TestRoot;
import io.sluice.os.Native;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.sluice.shm.TopicFile.INT;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waiting for a topic's admin lock: a joiner never gives up while the lock changes hands, nor on a holder that runs
 * (until the running limit); it gives up after the short timeout on a holder that is stopped or cannot be judged.
 * Sixteen subscriber processes joining one topic at once (the peer benchmark's fan-out) made some of them give up
 * after 2 s with {@code TopicBusyException}: first while the others took the lock in turn, later while one cold JVM
 * held it for over 2 s on a loaded machine.
 */
@Timeout(120)
class AdminLockTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;
    private static final long TIMEOUT_NANOS = 1_000_000_000L;
    private static final long RUNNING_NANOS = 50_000_000_000L;

    private final TestRoot root = new TestRoot();
    private TopicFile holder;
    private int waiter = -1;

    @AfterEach
    void cleanUp() throws Exception {
        if (waiter >= 0) {
            Native.close(waiter);
        }
        if (holder != null) {
            holder.removeTopicFiles();
            holder.close(); // drops the lock if a test left it held
        }
        root.close();
    }

    /** A topic whose admin lock {@link #holder} holds, and a second descriptor of its file to wait with. */
    private void holdTopic(String topic) throws Exception {
        holder = TopicFile.openLocked(Domain.open(root.path(), 0), topic, TYPE);
        waiter = Native.openChecked(holder.path, Native.O_RDWR, Native.Creation.EXISTING).fd();
    }

    /**
     * The holder keeps the lock for several timeouts but counts a taking (as a relay of joiners would) every 50 ms:
     * the waiter keeps waiting and gets the lock once the holder lets go.
     */
    @Test
    void shouldKeepWaitingWhileTheLockChangesHands() throws Exception {
        holdTopic("/herd");
        AtomicBoolean relayDone = new AtomicBoolean();
        Thread relay = Thread.ofPlatform().start(() -> {
            try {
                for (int taking = 0; taking < 60; taking++) { // 60 × 50 ms: three timeouts
                    Thread.sleep(50);
                    INT.setRelease(holder.memory, (long) TopicLayout.ADMIN_EPOCH_OFFSET,
                        (int) INT.getAcquire(holder.memory, (long) TopicLayout.ADMIN_EPOCH_OFFSET) + 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                relayDone.set(true);
                holder.unlockAdmin();
            }
        });
        try {
            // a running limit equal to the timeout: only the changes of hands keep this waiter waiting
            assertTrue(TopicFile.lockWithin(waiter, TIMEOUT_NANOS, TIMEOUT_NANOS), "the waiter gets the lock");
            assertTrue(relayDone.get(), "and only once the holder let go");
        } finally {
            relay.join();
        }
    }

    /** The holder (this process: it runs, and has the file open) keeps the lock past the timeout, then lets go. */
    @Test
    void shouldKeepWaitingForAHolderThatRuns() throws Exception {
        holdTopic("/slow");
        Thread slow = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(TIMEOUT_NANOS * 5 / 2 / 1_000_000); // two and a half timeouts, never changing hands
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                holder.unlockAdmin();
            }
        });
        try {
            assertTrue(TopicFile.lockWithin(waiter, TIMEOUT_NANOS, RUNNING_NANOS), "a running holder is waited for");
        } finally {
            slow.join();
        }
    }

    @Test
    void shouldGiveUpOnARunningHolderAfterTheRunningLimit() throws Exception {
        holdTopic("/stuck");
        long start = System.nanoTime();
        assertFalse(TopicFile.lockWithin(waiter, TIMEOUT_NANOS, 3 * TIMEOUT_NANOS), "a holder that never lets go");
        assertTrue(System.nanoTime() - start >= 3 * TIMEOUT_NANOS, "but only after the running limit");
    }

    /**
     * ADMIN_HOLDER names another process that has the topic file open (a {@code sleep} with it as its standard
     * input). Running, it is waited for; stopped (SIGSTOP, as Ctrl-Z does), the waiter gives up after the timeout.
     */
    @Test
    void shouldGiveUpOnAStoppedHolderAfterTheTimeout() throws Exception {
        holdTopic("/stopped");
        Process named = new ProcessBuilder("sleep", "120").redirectInput(holder.path.toFile()).start();
        try {
            setHolder((int) named.pid());
            assertTrue(TopicFile.holderRuns(waiter, (int) named.pid()), "the named process runs and has the file");
            signal(named, "STOP");
            // a signal is delivered when its target next runs: wait for the kernel to show it stopped
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (TopicFile.processState((int) named.pid()) != 'T') {
                assertTrue(System.nanoTime() - deadline < 0, "the named process stops on SIGSTOP");
                Thread.sleep(5);
            }
            assertFalse(TopicFile.holderRuns(waiter, (int) named.pid()), "stopped");
            long start = System.nanoTime();
            assertFalse(TopicFile.lockWithin(waiter, TIMEOUT_NANOS, RUNNING_NANOS), "a stopped holder makes it busy");
            assertTrue(System.nanoTime() - start < RUNNING_NANOS, "after the timeout, not the running limit");
        } finally {
            named.destroyForcibly();
            signal(named, "CONT");
            named.waitFor();
        }
    }

    /**
     * ADMIN_HOLDER names a process that runs but does not have the file open (as a pid written in another pid
     * namespace would), or no process: the waiter cannot judge the holder and gives up after the timeout.
     */
    @Test
    void shouldGiveUpAfterTheTimeoutOnAHolderItCannotJudge() throws Exception {
        holdTopic("/foreign");
        Process other = new ProcessBuilder("sleep", "120").start();
        try {
            assertFalse(TopicFile.holderRuns(waiter, (int) other.pid()), "runs, but has not the file open");
            assertFalse(TopicFile.holderRuns(waiter, 0), "no pid");
            assertFalse(TopicFile.holderRuns(waiter, Integer.MAX_VALUE), "no such process");
            setHolder((int) other.pid());
            long start = System.nanoTime();
            assertFalse(TopicFile.lockWithin(waiter, TIMEOUT_NANOS, RUNNING_NANOS), "busy");
            assertTrue(System.nanoTime() - start < RUNNING_NANOS, "after the timeout, not the running limit");
        } finally {
            other.destroyForcibly();
            other.waitFor();
        }
    }

    /**
     * The message of a busy topic names the holder's pid and judges it as the wait did, so that it says how long the
     * wait was: only a holder that runs with the topic file open is waited for up to the running limit.
     */
    @Test
    void shouldNameTheHolderAndJudgeItAsTheWaitDidWhenTheTopicIsBusy() throws Exception {
        holdTopic("/busy");
        long timeout = TopicFile.ADMIN_LOCK_TIMEOUT_NANOS / 1_000_000;
        long limit = TopicFile.RUNNING_HOLDER_LIMIT_NANOS / 1_000_000;
        int self = (int) ProcessHandle.current().pid();
        assertBusy(self, "holderPid=" + self, "waited=" + limit + " ms", "but holding it all along");
        setHolder(0);
        assertBusy(-1, "holderPid=unknown", "waited=" + timeout + " ms", "holder unknown");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        setHolder((int) gone.pid());
        assertBusy(-1, "holderPid=" + gone.pid(), "waited=" + timeout + " ms", "not found");
        Process other = new ProcessBuilder("sleep", "120").start();
        try {
            setHolder((int) other.pid());
            assertBusy(-1, "holderPid=" + other.pid(), "waited=" + timeout + " ms", "without this topic open");
            signal(other, "STOP");
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (TopicFile.processState((int) other.pid()) != 'T') {
                assertTrue(System.nanoTime() - deadline < 0, "the named process stops on SIGSTOP");
                Thread.sleep(5);
            }
            assertBusy(-1, "holderPid=" + other.pid(), "waited=" + timeout + " ms", "stopped (state T)",
                "suspended (Ctrl-Z)");
        } finally {
            other.destroyForcibly();
            signal(other, "CONT");
            other.waitFor();
        }
    }

    /** The busy message, from the waiter's descriptor and (unless {@code pid} is -1) with ADMIN_HOLDER = pid. */
    private void assertBusy(int pid, String... says) {
        if (pid >= 0) {
            setHolder(pid);
        }
        for (int fd : new int[] {waiter, -1}) { // a joiner's descriptor, or none (the file opened for the look)
            String message = TopicFile.busy("/busy", holder.path, fd).getMessage();
            for (String part : says) {
                assertTrue(message.contains(part), "'" + part + "' in: " + message);
            }
            assertTrue(message.contains("file=" + holder.path), message);
        }
    }

    private void setHolder(int pid) {
        INT.setRelease(holder.memory, (long) TopicLayout.ADMIN_HOLDER_OFFSET, pid);
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        kill.waitFor();
    }
}

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
 * Waiting for a topic's admin lock: a joiner gives up only on a holder that keeps the lock, never while the lock
 * changes hands. Sixteen subscriber processes joining one topic at once (the peer benchmark's fan-out) made some of
 * them give up after 2 s with {@code TopicBusyException} while the others took the lock in turn.
 */
@Timeout(60)
class AdminLockTest {
    private static final MessageType<MemorySegment> TYPE = BadInputFiles.TYPE;
    private static final long TIMEOUT_NANOS = 1_000_000_000L;

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
            assertTrue(TopicFile.lockWithin(waiter, TIMEOUT_NANOS), "the waiter gets the lock after the relay");
            assertTrue(relayDone.get(), "and only once the holder let go");
        } finally {
            relay.join();
        }
    }

    @Test
    void shouldGiveUpOnAHolderThatKeepsTheLock() throws Exception {
        holdTopic("/stuck");
        assertFalse(TopicFile.lockWithin(waiter, TIMEOUT_NANOS), "a holder that never lets go makes it busy");
    }
}

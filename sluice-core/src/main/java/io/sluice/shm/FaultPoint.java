package io.sluice.shm;

import io.sluice.os.Native;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named points in the transport's protocols where a test can make the process stop, die or do something else at the
 * worst moment: between a slot's sequence store and the tail store, between a reliable subscriber's look at the tail
 * and the store of its cursor, in the middle of a growth or a close.
 *
 * <p>Off unless the JVM starts with {@code -Dsluice.faults=true}: {@link #ENABLED} is a {@code static final}, so the
 * JIT folds {@code if (FaultPoint.ENABLED)} away and production code pays nothing. When on:
 * <ul>
 *   <li>{@code -Dsluice.fault.halt=NAME[@N]} kills the process with {@code SIGKILL}, exactly as {@code kill -9}
 *       would (no shutdown hooks; the kernel drops its locks at once, where {@link Runtime#halt} first waits up to
 *       300 ms for threads in native code), the Nth time (default 1st) the point named {@code NAME} is reached;</li>
 *   <li>{@code -Dsluice.fault.stop=NAME[@N]} stops the whole process with {@code SIGSTOP} there instead, for a test
 *       that bounds what the others see while it is stopped and then continues it;</li>
 *   <li>a test in the same JVM installs an action with {@link #install}.</li>
 * </ul>
 * A process that halts or stops at a point prints {@code FAULT <name>} on stderr first, so that a test can tell the
 * point was reached.
 */
public enum FaultPoint {
    /** Publisher constructor: its registry row is active, its segment (prepared unnamed) has no name yet. */
    PUBLISHER_ROW_ACTIVE("publisher.row-active"),
    /** Publisher constructor: its segment is named, the registry not bumped yet. */
    PUBLISHER_CREATED_SEGMENT("publisher.created-segment"),
    /** Publisher, reusing a slot: SLOT_SEQUENCE is CLAIMING, the pins are not checked yet. */
    PUBLISHER_CLAIMING("publisher.claiming"),
    /** Publisher, committing: the slot's sequence is stored, the tail is not. */
    PUBLISHER_SEQUENCE_STORED("publisher.sequence-stored"),
    /** Publisher, committing: the tail is stored, sleepers are not woken yet. */
    PUBLISHER_TAIL_STORED("publisher.tail-stored"),
    /** Publisher, growing: the new generation's file exists, the old one does not name it yet. */
    GROW_CREATED("grow.created"),
    /** Publisher, growing: the old generation names its successor, the registry row does not yet. */
    GROW_SUCCESSOR_SET("grow.successor-set"),
    /** Publisher, growing: the registry names the new generation; old files not yet considered for removal. */
    GROW_REGISTERED("grow.registered"),
    /** Publisher close: reliable subscribers flushed, admin lock taken, nothing changed yet. */
    PUBLISHER_CLOSE_LOCKED("publisher.close-locked"),
    /** Publisher close: subscribers that never attached are charged its samples; its files are still there. */
    PUBLISHER_CLOSE_CHARGED("publisher.close-charged"),
    /** Publisher close: its generations are sealed and unlinked, its row not cleared yet. */
    PUBLISHER_CLOSE_UNLINKED("publisher.close-unlinked"),
    /** Publisher close: its row is cleared, the registry not yet bumped. */
    PUBLISHER_CLOSE_ROW_CLEARED("publisher.close-row-cleared"),
    /** Subscriber attaching to a running publisher: its provisional cursor is stored, the tail not read yet. */
    SUBSCRIBER_ATTACH_CURSOR_STORED("subscriber.attach-cursor-stored"),
    /** Subscriber attaching to a running publisher: the tail is read, its start cursor not stored yet. */
    SUBSCRIBER_ATTACH_TAIL_READ("subscriber.attach-tail-read"),
    /** Subscriber taking: its HELD_MASK bit is set, the pin not stored yet. */
    SUBSCRIBER_MASK_SET("subscriber.mask-set"),
    /** Subscriber taking: the pin is stored, the slot's sequence not checked yet. */
    SUBSCRIBER_PINNED("subscriber.pinned"),
    /** Subscriber switching generations: the next generation is mapped, its cursor row does not say so yet. */
    SUBSCRIBER_SWITCHED("subscriber.switched"),
    /**
     * Closer or reclaimer charging a subscriber that never attached: the loss is added to its LOST_ELSEWHERE, its
     * cursor entry still says "charging" (see {@code TopicFile.chargeUnattached}).
     */
    CHARGE_ADDED("charge.added"),
    /** Reclaimer: a dead participant's row lock is taken, its row not cleared yet. */
    RECLAIM_ROW_LOCKED("reclaim.row-locked"),
    /** Reclaimer: a dead publisher's files are sealed and its unattached subscribers charged, not yet unlinked. */
    RECLAIM_CHARGED("reclaim.charged");

    /** Whether fault injection is on in this JVM ({@code -Dsluice.faults=true}). */
    public static final boolean ENABLED = Boolean.getBoolean("sluice.faults");

    private final String label;
    private volatile Runnable action;
    private final AtomicLong hits = new AtomicLong();

    FaultPoint(String label) {
        this.label = label;
    }

    static {
        if (ENABLED) {
            arm(System.getProperty("sluice.fault.halt"), true);
            arm(System.getProperty("sluice.fault.stop"), false);
        }
    }

    /** The name used on the command line and in reports. */
    public String label() {
        return label;
    }

    /** The point named {@code label}. */
    public static FaultPoint byLabel(String label) {
        for (FaultPoint point : values()) {
            if (point.label.equals(label)) {
                return point;
            }
        }
        throw new IllegalArgumentException("no fault point named " + label + "; known: " + labels());
    }

    public static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (FaultPoint point : values()) {
            labels.add(point.label);
        }
        return labels;
    }

    /** Reached: runs the installed action, if any. Callers guard the call with {@code if (FaultPoint.ENABLED)}. */
    public void hit() {
        hits.incrementAndGet();
        Runnable current = action;
        if (current != null) {
            current.run();
        }
    }

    /** How often the point was reached in this JVM while fault injection was on. */
    public long hits() {
        return hits.get();
    }

    /**
     * Runs {@code action} each time the point is reached, until the returned handle is closed. For tests in the same
     * JVM; requires {@code -Dsluice.faults=true}.
     */
    public AutoCloseable install(Runnable action) {
        if (!ENABLED) {
            throw new IllegalStateException("fault injection is off: start the JVM with -Dsluice.faults=true");
        }
        this.action = action;
        return () -> this.action = null;
    }

    private static void arm(String spec, boolean halt) {
        if (spec == null || spec.isBlank()) {
            return;
        }
        int at = spec.indexOf('@');
        FaultPoint point = byLabel(at < 0 ? spec : spec.substring(0, at));
        long nth = at < 0 ? 1 : Long.parseLong(spec.substring(at + 1));
        AtomicLong seen = new AtomicLong();
        point.action = () -> {
            if (seen.incrementAndGet() == nth) {
                System.err.println("FAULT " + point.label);
                System.err.flush();
                if (halt) {
                    Native.killSelf(); // exit status 137 (128 + SIGKILL) to whoever waits for it
                    Runtime.getRuntime().halt(137); // not reached
                } else {
                    Native.stopSelf();
                }
            }
        };
    }
}

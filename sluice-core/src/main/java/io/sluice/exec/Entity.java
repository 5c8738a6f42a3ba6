package io.sluice.exec;

import io.sluice.os.FutexWaitable;

/**
 * One registration of an executor, and the two ways executors run it: {@link #dispatch} (the event loop: handle
 * what is there, up to a burst) and {@link #snapshot} + {@link #executeSnapshot} (the polling-point baselines:
 * capture at most one event at the polling point, run it afterwards).
 */
abstract class Entity implements Registration {
    private static final java.lang.invoke.VarHandle HANDLED;
    private static final java.lang.invoke.VarHandle DROPPED;

    static {
        try {
            HANDLED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Entity.class, "handled", long.class);
            DROPPED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Entity.class, "dropped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The groups of ROS 2's executors, in the order a polling point runs them. */
    enum Kind { TIMER, SUBSCRIPTION, SERVICE, CLIENT, WAITABLE }

    final AbstractExecutor owner;
    final Kind kind;
    final String role;
    /** Registration order within the executor; set once when registered. */
    int order;
    private volatile boolean active = true;
    /**
     * Written by the one thread that runs this entity's callbacks at a time (see the executors), with a release
     * store: a volatile store would cost a full fence per event on the dispatch path.
     */
    @SuppressWarnings("unused") // through HANDLED
    private long handled;
    /** Counted by whichever thread drops (a runner, a closer): rare, so an atomic add. */
    @SuppressWarnings("unused") // through DROPPED
    private volatile long dropped;
    /** The multi-threaded baseline: a thread runs this entity now (set under its lock, cleared after the run). */
    volatile boolean running;

    Entity(AbstractExecutor owner, Kind kind, String role) {
        this.owner = owner;
        this.kind = kind;
        this.role = role;
    }

    /** The futex word that wakes the executor for this entity, or null when it signals through the executor. */
    FutexWaitable waitable() {
        return null;
    }

    /** Whether its publishers ring the executor's doorbell, so that a wait need not announce itself on its word. */
    boolean belled() {
        return false;
    }

    /** Handles up to {@code limit} events available now; never throws (callback errors go to the owner). */
    abstract int dispatch(int limit);

    /** Captures at most one event available now for {@link #executeSnapshot}; true if it did (or still holds one). */
    abstract boolean snapshot(long nowNanos);

    /** Runs the event {@link #snapshot} captured, if any; returns 1 if it ran one. Never throws. */
    abstract int executeSnapshot();

    /** Drops what {@link #snapshot} captured and what is queued (a discarding shutdown, a removal). */
    void discard() {
    }

    final void countHandled() {
        HANDLED.setRelease(this, (long) HANDLED.getOpaque(this) + 1); // one thread at a time runs its callbacks
    }

    final void countDropped() {
        DROPPED.getAndAdd(this, 1L);
    }

    @Override
    public final long droppedCount() {
        return (long) DROPPED.getVolatile(this);
    }

    @Override
    public final String role() {
        return role;
    }

    @Override
    public final long handledCount() {
        return (long) HANDLED.getAcquire(this);
    }

    @Override
    public final boolean isActive() {
        return active;
    }

    final void deactivate() {
        active = false;
    }

    @Override
    public void close() {
        owner.remove(this);
    }

    @Override
    public String toString() {
        return kind + " " + role;
    }
}

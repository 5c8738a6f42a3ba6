package io.sluice.exec;

import io.sluice.Subscriber;
import io.sluice.os.FutexWaitable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What the three executors share: registration (copy-on-write, so the dispatch path reads a volatile array and
 * takes no lock), the error policy, the lifecycle (own threads or the caller's, drain or discard at close).
 * Subclasses provide one duty cycle, {@link #cycle(long)}.
 */
abstract class AbstractExecutor implements Executor {
    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int CLOSING = 2;
    private static final int CLOSED = 3;

    final ExecutorOptions options;
    final NanoClock clock;
    final Wakeup wakeup = new Wakeup();
    private final Object registrationLock = new Object();
    private final AtomicLong errors = new AtomicLong();
    private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
    private volatile Entity[] entities = new Entity[0];
    /** Bumped on every registration change, so that dispatch threads rebuild their views only then. */
    private volatile int version;
    private int nextOrder;
    private volatile int state = NEW;
    private volatile boolean accepting = true;
    private volatile Shutdown shutdown;
    private volatile long drainDeadline;
    private volatile CountDownLatch finished;
    /** Worker threads not yet finished; guarded by registrationLock. */
    private int liveWorkers;
    private volatile long closeNanos;
    /**
     * Removed before any dispatch view took them (an inbox closed before the executor's first cycle, say): what they
     * hold is dropped and counted by the next thread that takes a view, or at finish. Guarded by registrationLock.
     */
    private final List<Entity> removedUnseen = new ArrayList<>();
    /**
     * The thread running runOnce/doWork, or null: to refuse a call from inside a callback or from a second thread,
     * and so that a close from another thread waits for that cycle to end before it removes the registrations.
     */
    private volatile Thread cycling;

    AbstractExecutor(ExecutorOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = options.clock();
    }

    // --------------------------------------------------------------------------------------------- registration

    @Override
    public String name() {
        return options.name();
    }

    @Override
    public <T> Registration subscription(Subscriber<T> subscriber, SampleHandler<T> handler, Turn turn) {
        Entity.Kind kind = switch (Objects.requireNonNull(turn, "turn")) {
            case SUBSCRIPTION -> Entity.Kind.SUBSCRIPTION;
            case SERVICE -> Entity.Kind.SERVICE;
            case CLIENT -> Entity.Kind.CLIENT;
        };
        return add(new SubscriptionEntity<>(this, kind, subscriber, handler));
    }

    @Override
    public Registration timer(Duration firstDelay, Duration period, TimerHandler handler) {
        long delay = firstDelay.toNanos();
        long periodNanos = period.toNanos();
        if (delay < 0 || periodNanos < 0) {
            throw new IllegalArgumentException("firstDelay < 0 || period < 0: firstDelay=" + firstDelay
                + ", period=" + period);
        }
        long now = clock.nanoTime();
        long first = delay > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + delay; // "never", not the past
        return add(new TimerEntity(this, first, periodNanos, handler));
    }

    @Override
    public GuardCondition guardCondition(String name, Runnable handler) {
        return add(new GuardEntity(this, name, handler));
    }

    @Override
    public <E> Inbox<E> inbox(String name, int capacity, Consumer<? super E> handler) {
        return add(new InboxEntity<>(this, name, capacity, handler));
    }

    private <R extends Entity> R add(R entity) {
        synchronized (registrationLock) {
            if (state >= CLOSING) {
                throw new IllegalStateException("executor is closed: name=" + name());
            }
            if (entities.length >= MAX_REGISTRATIONS) {
                throw new IllegalStateException("too many registrations: name=" + name() + ", max="
                    + MAX_REGISTRATIONS);
            }
            entity.order = nextOrder++;
            Entity[] grown = Arrays.copyOf(entities, entities.length + 1);
            grown[grown.length - 1] = entity;
            entities = grown;
            version++;
        }
        wakeup.signal(); // a sleeping executor looks at the new registration (a timer's deadline, a topic)
        return entity;
    }

    final void remove(Entity entity) {
        synchronized (registrationLock) {
            int index = Arrays.asList(entities).indexOf(entity);
            if (index < 0) {
                return;
            }
            Entity[] shrunk = new Entity[entities.length - 1];
            System.arraycopy(entities, 0, shrunk, 0, index);
            System.arraycopy(entities, index + 1, shrunk, index, shrunk.length - index);
            entity.deactivate();
            entities = shrunk;
            version++;
            if (!entity.viewed) {
                removedUnseen.add(entity);
            }
        }
        wakeup.signal();
    }

    /**
     * The registrations in registration order (the array is never modified) for a dispatch thread's view, each
     * marked as seen, so that a later removal leaves dropping what it holds to that thread. Off the hot path: a view
     * is taken when {@link #version()} moved.
     */
    final Entity[] takeView() {
        synchronized (registrationLock) {
            Entity[] current = entities;
            for (Entity entity : current) {
                entity.viewed = true;
            }
            return current;
        }
    }

    /**
     * Drops what the entities removed before any view took them hold (queued inbox events are counted as rejected):
     * called by a thread that dispatches, when it takes a view, so that it never runs beside a dispatch of theirs.
     */
    final void discardRemovedUnseen() {
        Entity[] removed;
        synchronized (registrationLock) {
            if (removedUnseen.isEmpty()) {
                return;
            }
            removed = removedUnseen.toArray(new Entity[0]);
            removedUnseen.clear();
        }
        for (Entity entity : removed) {
            entity.discard();
        }
    }

    final int version() {
        return version;
    }

    // ------------------------------------------------------------------------------------------------ callbacks

    /** A guard condition was raised or an inbox received its first event since it was last emptied. */
    abstract void schedule(Entity entity);

    final void report(String role, Throwable error) {
        errors.incrementAndGet();
        try {
            options.errorHandler().onError(name() + "/" + role, error);
        } catch (Throwable ignored) {
            // an error handler must not throw; if it does, the executor still goes on
        }
    }

    @Override
    public final long errorCount() {
        return errors.get();
    }

    /** Whether inboxes and guard conditions take new events (false from close on). */
    final boolean accepting() {
        return accepting;
    }

    /** Whether a discarding shutdown is under way: dispatch loops stop after the current callback. */
    final boolean discarding() {
        return state >= CLOSING && shutdown == Shutdown.DISCARD;
    }

    final boolean closing() {
        return state >= CLOSING;
    }

    // ---------------------------------------------------------------------------------------------- duty cycles

    /**
     * One duty cycle on the calling thread: handles what is ready; when nothing was and {@code waitNanos > 0},
     * waits at most that long for something (with the blocking idle, in the kernel on every source at once).
     *
     * @return callbacks run
     */
    abstract int cycle(long waitNanos);

    /** Threads {@link #start()} runs. */
    int threadCount() {
        return 1;
    }

    /** How long an idle wait may last before the executor looks again (timers excepted). */
    static final long MAX_WAIT_NANOS = FutexWaitable.MAINTENANCE_INTERVAL_NANOS;

    /**
     * The deadline of a wait of at most {@code waitNanos} that must end at {@code timerDeadline} of the executor's
     * clock, in {@link System#nanoTime()} terms (a fake clock drives timers, the kernel's clock the sleep).
     */
    final long waitDeadline(long waitNanos, long timerDeadline) {
        long now = System.nanoTime();
        long wait = Math.min(waitNanos, MAX_WAIT_NANOS);
        if (timerDeadline != Long.MAX_VALUE) {
            wait = Math.min(wait, Math.max(0, timerDeadline - clock.nanoTime()));
        }
        return now + wait;
    }

    private void claim(int workerCount) {
        synchronized (registrationLock) {
            if (state != NEW) {
                throw new IllegalStateException("executor already runs or is closed: name=" + name());
            }
            finished = new CountDownLatch(workerCount);
            liveWorkers = workerCount;
            state = RUNNING;
        }
    }

    @Override
    public Executor start() {
        int threads = threadCount();
        claim(threads);
        for (int i = 0; i < threads; i++) {
            String threadName = "sluice-" + name() + (threads > 1 ? "-" + i : "");
            Thread.ofPlatform().name(threadName).start(this::work);
        }
        return this;
    }

    @Override
    public void run() {
        int threads = threadCount();
        claim(threads);
        for (int i = 1; i < threads; i++) {
            Thread.ofPlatform().name("sluice-" + name() + "-" + i).start(this::work);
        }
        work();
    }

    @Override
    public int runOnce(Duration timeout) {
        return cycleOnCallersThread(Math.max(0, timeout.toNanos()), "runOnce");
    }

    @Override
    public int doWork() {
        return cycleOnCallersThread(0, "doWork");
    }

    private int cycleOnCallersThread(long waitNanos, String call) {
        Thread current = Thread.currentThread();
        Thread other = cycling;
        if (other == current) {
            throw new IllegalStateException(call + " from one of this executor's callbacks: name=" + name());
        }
        if (other != null) {
            throw new IllegalStateException(call + " while thread " + other.getName() + " runs a cycle: name="
                + name());
        }
        if (state != NEW) {
            throw new IllegalStateException(call + " while the executor runs or after close: name=" + name());
        }
        // cycling before the second look at state, and close sets state before it looks at cycling (both
        // volatile): either this call sees CLOSING and runs nothing, or that close sees this cycle and waits for it
        cycling = current;
        try {
            if (state != NEW) {
                throw new IllegalStateException(call + " after close: name=" + name());
            }
            return cycle(waitNanos);
        } finally {
            cycling = null;
        }
    }

    private void work() {
        workers.add(Thread.currentThread());
        var idler = options.waitStrategy().blocks() ? null : options.waitStrategy().idler();
        try {
            while (state == RUNNING) {
                if (idler == null) {
                    cycle(MAX_WAIT_NANOS); // blocks in the kernel when it finds nothing
                } else {
                    idler.idle(cycle(0));
                }
            }
            if (shutdown == Shutdown.DRAIN) {
                drain();
            }
        } catch (Throwable error) {
            report("executor", error); // a defect of the executor itself: reported, the thread ends
        } finally {
            workers.remove(Thread.currentThread());
            boolean last;
            synchronized (registrationLock) {
                last = --liveWorkers == 0;
            }
            if (last) {
                finish(); // the last thread out removes the registrations; no thread dispatches any more
            }
            finished.countDown();
        }
    }

    /**
     * Handles what was pending at close: inbox events and guard triggers (none are accepted after close), samples
     * published before close (see {@link #publishedBeforeClose}); timers no longer fire. Ends when a cycle finds
     * nothing or at the drain deadline.
     */
    private void drain() {
        while (System.nanoTime() - drainDeadline < 0 && cycle(0) > 0) {
            // once more
        }
    }

    /** During a draining close: whether a sample published at {@code publishNanos} was there before the close. */
    final boolean publishedBeforeClose(long publishNanos) {
        return state < CLOSING || publishNanos - closeNanos <= 0;
    }

    @Override
    public void close(Shutdown mode, Duration timeout) {
        Objects.requireNonNull(mode, "mode");
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean ran;
        synchronized (registrationLock) {
            ran = finished != null;
            if (state < CLOSING) {
                accepting = false;
                shutdown = mode;
                closeNanos = System.nanoTime();
                drainDeadline = deadline;
                state = CLOSING;
            } else if (!ran) {
                return; // closed before it ever ran: the first close did everything on its caller's thread
            }
            // a second close of a running executor waits for its threads like the first, and does nothing else
        }
        wakeup.signal();
        if (workers.contains(Thread.currentThread())) {
            return; // from a callback: the executor's threads finish, drain or discard, and remove everything
        }
        if (ran) {
            awaitWorkers(deadline + CLOSE_GRACE_NANOS, timeout);
        } else {
            Thread cycler = cycling;
            if (cycler == Thread.currentThread()) {
                finish(); // from a callback of runOnce/doWork: its cycle stops dispatching (discarding) or ends
                return;
            }
            if (cycler != null) {
                awaitCycle(cycler, deadline + CLOSE_GRACE_NANOS, timeout); // runOnce/doWork on another thread
            }
            if (mode == Shutdown.DRAIN && state == CLOSING) {
                drain(); // never started: drain on the caller's thread
            }
            finish();
        }
    }

    /** Waits until {@code cycler} has left its runOnce/doWork cycle (the wake-up signalled makes it return). */
    private void awaitCycle(Thread cycler, long deadline, Duration timeout) {
        while (cycling == cycler) {
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("executor did not stop within " + timeout + ": name=" + name()
                    + " (thread " + cycler.getName() + " still runs a cycle: a callback that does not return?)");
            }
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * Removes every registration and drops what they still hold (samples a polling point captured, queued inbox
     * events, which are counted as rejected). Called when no thread dispatches any more.
     */
    private void finish() {
        Entity[] last;
        synchronized (registrationLock) {
            if (state == CLOSED) {
                return;
            }
            last = entities;
            entities = new Entity[0];
            version++;
            state = CLOSED;
        }
        for (Entity entity : last) {
            entity.deactivate();
            entity.discard();
        }
        discardRemovedUnseen();
        onFinish();
    }

    /** After the registrations are removed, on the thread that removed them: release what the executor holds. */
    void onFinish() {
    }

    /** How long close waits beyond its timeout for a callback that was running at the drain deadline. */
    private static final long CLOSE_GRACE_NANOS = 1_000_000_000L;
    private void awaitWorkers(long deadline, Duration timeout) {
        try {
            if (!finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("executor did not stop within " + timeout + ": name=" + name()
                    + " (a callback that does not return?); its registrations are removed when it does");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

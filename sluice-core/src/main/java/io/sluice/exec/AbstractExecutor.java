package io.sluice.exec;

import io.sluice.Subscriber;
import io.sluice.os.FutexWaitable;
import io.sluice.os.Timeouts;

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
import java.util.concurrent.atomic.AtomicReference;
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
     * Removed registrations whose queued events and captured samples a dispatching thread has still to drop (and
     * count): the executor's thread takes them when it next looks at its registrations, or {@link #finish} does.
     * Guarded by registrationLock.
     */
    private final List<Entity> removed = new ArrayList<>();
    /** Whether {@link #removed} has entries: read once per polling point, written under registrationLock. */
    private volatile boolean removalsPending;
    /**
     * The thread running runOnce/doWork, or null: claimed with a compare-and-set, to refuse a call from inside a
     * callback or from a second thread, and so that a close from another thread waits for that cycle to end before
     * it removes the registrations.
     */
    private final AtomicReference<Thread> cycling = new AtomicReference<>();
    /** Set by a close that stopped waiting for a runOnce/doWork cycle: the cycling thread finishes as it leaves. */
    private volatile boolean finishWhenCycleEnds;
    private volatile long wordWakes;
    /** The thread of the first close while it runs (a close from a callback of its drain must not wait for it). */
    private volatile Thread firstCloser;
    /** Counted down once {@link #finish} removed everything: a second close of a never-started executor waits. */
    private final CountDownLatch finishedAll = new CountDownLatch(1);

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
        long delay = Timeouts.nanos(firstDelay); // beyond a long's nanoseconds (ChronoUnit.FOREVER): very long
        long periodNanos = Timeouts.nanos(period);
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
            removed.add(entity);
            removalsPending = true;
            version++;
        }
        wakeup.signal();
    }

    /** The registrations in registration order; the array is never modified. */
    final Entity[] entities() {
        return entities;
    }

    /** Whether removed registrations wait for {@link #takeRemoved}. */
    final boolean removalsPending() {
        return removalsPending;
    }

    /**
     * The registrations removed since the last call, for the calling thread, which dispatches this executor, to
     * drop what they hold ({@link Entity#discard}) once no thread runs them (see {@link #requeueRemoved}).
     */
    final Entity[] takeRemoved() {
        synchronized (registrationLock) {
            if (removed.isEmpty()) {
                return NO_ENTITIES;
            }
            Entity[] taken = removed.toArray(NO_ENTITIES);
            removed.clear();
            removalsPending = false;
            return taken;
        }
    }

    /** Gives back a removed registration that another thread still runs: a later look drops what it holds. */
    final void requeueRemoved(Entity entity) {
        synchronized (registrationLock) {
            removed.add(entity);
            removalsPending = true;
        }
    }

    private static final Entity[] NO_ENTITIES = new Entity[0];

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

    /** Counts a sleep in the kernel that a wake of one of its words ended (by the sleeping thread, see WaitSet). */
    final void countWordWake() {
        wordWakes++; // one thread at a time sleeps at this executor's wait set
    }

    /**
     * Sleeps of this executor that a wake of one of their words ended, not a timeout: a source whose trigger leaves
     * a sleeping executor to its upkeep timeout (a lost wake) shows as a sleep that ended without one. For tests.
     */
    final long wordWakes() {
        return wordWakes;
    }

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
            state = RUNNING;
            // state before the look at cycling; a runOnce claims cycling before its look at state (both volatile)
            Thread cycler = cycling.get();
            if (cycler != null) {
                state = NEW;
                throw new IllegalStateException("start or run while thread " + cycler.getName()
                    + " runs a cycle (runOnce/doWork): name=" + name());
            }
            finished = new CountDownLatch(workerCount);
            liveWorkers = workerCount;
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
        return cycleOnCallersThread(Math.max(0, Timeouts.nanos(timeout)), "runOnce");
    }

    @Override
    public int doWork() {
        return cycleOnCallersThread(0, "doWork");
    }

    private int cycleOnCallersThread(long waitNanos, String call) {
        Thread current = Thread.currentThread();
        if (state != NEW) {
            throw new IllegalStateException(call + " while the executor runs or after close: name=" + name());
        }
        Thread other = cycling.compareAndExchange(null, current);
        if (other == current) {
            throw new IllegalStateException(call + " from one of this executor's callbacks: name=" + name());
        }
        if (other != null) {
            throw new IllegalStateException(call + " while thread " + other.getName() + " runs a cycle: name="
                + name());
        }
        // cycling claimed before this look at state; close and start set state before they look at cycling (all
        // volatile): either this call sees their state and runs nothing, or they see this cycle
        try {
            if (state != NEW) {
                throw new IllegalStateException(call + " while the executor runs or after close: name=" + name());
            }
            return cycle(waitNanos);
        } finally {
            cycling.set(null);
            if (finishWhenCycleEnds) {
                // closed from one of this cycle's callbacks, or a close stopped waiting for it (its timeout): the
                // cycle's end completes the close, draining while the close's deadline allows
                if (shutdown == Shutdown.DRAIN) {
                    drain();
                }
                finish();
            }
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
        long deadline = Timeouts.deadline(System.nanoTime(), timeout);
        boolean ran;
        boolean first = false;
        synchronized (registrationLock) {
            ran = finished != null;
            if (state < CLOSING) {
                accepting = false;
                shutdown = mode;
                closeNanos = System.nanoTime();
                drainDeadline = deadline;
                firstCloser = Thread.currentThread();
                state = CLOSING;
                first = true;
            }
            // a second close waits for the threads (or the first close) like the first, and does nothing else
        }
        wakeup.signal();
        if (workers.contains(Thread.currentThread())) {
            return; // from a callback: the executor's threads finish, drain or discard, and remove everything
        }
        if (ran) {
            awaitWorkers(deadline + CLOSE_GRACE_NANOS, timeout);
            return;
        }
        Thread cycler = cycling.get();
        if (cycler == Thread.currentThread()) {
            // from a callback of runOnce/doWork: the cycle stops dispatching (discarding) or ends, then drains and
            // finishes on this thread as it leaves
            finishWhenCycleEnds = true;
            return;
        }
        if (!first) {
            if (firstCloser != Thread.currentThread()) {
                awaitFinished(deadline + CLOSE_GRACE_NANOS, timeout); // the first close is still at work
            }
            return;
        }
        try {
            closeNeverStarted(mode, deadline, timeout, cycler);
        } finally {
            firstCloser = null; // a retry from this thread after a time-out waits like any second close
        }
    }

    private void closeNeverStarted(Shutdown mode, long deadline, Duration timeout, Thread cycler) {
        if (cycler != null && !awaitCycle(cycler, deadline + CLOSE_GRACE_NANOS)) {
            finishWhenCycleEnds = true; // the cycling thread finishes as it leaves its cycle
            if (cycling.get() == null) {
                finish(); // it left meanwhile, perhaps before it saw the flag
                return;
            }
            if (Thread.currentThread().isInterrupted()) {
                return; // interrupted: as awaitWorkers, return with the interrupt status kept
            }
            throw new IllegalStateException("executor did not stop within " + timeout + ": name=" + name()
                + " (thread " + cycler.getName() + " still runs a cycle: a callback that does not return?);"
                + " its registrations are removed when it returns");
        }
        if (mode == Shutdown.DRAIN) {
            drain(); // never started: drain on the caller's thread
        }
        finish();
    }

    /**
     * Waits until {@code cycler} has left its runOnce/doWork cycle (the wake-up signalled makes it return).
     *
     * @return false at the deadline, or when this thread is interrupted (its interrupt status kept)
     */
    private boolean awaitCycle(Thread cycler, long deadline) {
        while (cycling.get() == cycler) {
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(50_000);
        }
        return true;
    }

    /**
     * Removes every registration and drops what they still hold (samples a polling point captured, queued inbox
     * events, which are counted as rejected), those removed earlier included. Called when no thread dispatches any
     * more: by the last worker, by a close of a never-started executor, or by the runOnce/doWork caller as its cycle
     * ends when a close came from a callback or stopped waiting for it.
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
        try {
            for (Entity entity : last) {
                entity.deactivate();
                entity.discard();
            }
            for (Entity entity : takeRemoved()) {
                entity.discard();
            }
            onFinish();
        } finally {
            finishedAll.countDown();
        }
    }

    /** After the registrations are removed, on the thread that removed them: release what the executor holds. */
    void onFinish() {
    }

    /** How long close waits beyond its timeout for a callback that was running at the drain deadline. */
    private static final long CLOSE_GRACE_NANOS = 1_000_000_000L;
    private void awaitWorkers(long deadline, Duration timeout) {
        await(finished, deadline, timeout, "a callback that does not return?); its registrations are removed when it"
            + " does");
    }

    /** A second close of a never-started executor: waits until the first close (or a cycle's end) finished. */
    private void awaitFinished(long deadline, Duration timeout) {
        await(finishedAll, deadline, timeout, "its first close is still waiting for a callback or draining)");
    }

    /** Waits for {@code latch} until {@code deadline}; throws naming {@code why} then; returns on interrupt. */
    private void await(CountDownLatch latch, long deadline, Duration timeout, String why) {
        try {
            if (!latch.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new IllegalStateException("executor did not stop within " + timeout + ": name=" + name()
                    + " (" + why);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

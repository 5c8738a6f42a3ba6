package io.sluice.exec;

import io.sluice.Subscriber;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Runs callbacks: on samples of subscriptions, on timers, on guard conditions raised by other threads, on
 * in-process events. Three executors share this registration API, so a node switches executor with one line:
 *
 * <ul>
 *   <li>{@link #eventLoop} (the default): one thread; sources that signal (inboxes, guard conditions) come through
 *       a lock-free multi-producer single-consumer ring, subscriptions are drained in bursts, timers come from a
 *       timer wheel; no lock on the dispatch path, and callbacks on one thread need no locks. It sleeps on one
 *       doorbell per domain that the publishers of all its topics ring.</li>
 *   <li>{@link #pollingPoint}: the semantics of ROS 2's single-threaded executor, as a faithful baseline. At each
 *       polling point it snapshots what is ready, then runs the ready timers, then one sample of each ready
 *       subscription, then services, then clients, then guard conditions and inboxes, each group in registration
 *       order; nothing that arrives meanwhile runs before the next polling point.</li>
 *   <li>{@link #multiThreaded}: ROS 2's multi-threaded executor over a pool: threads take turns at the polling
 *       point (under a lock), each runs one ready callback outside it; a callback never runs concurrently with
 *       itself (every registration is its own mutually exclusive group).</li>
 * </ul>
 *
 * {@snippet :
 * try (Executor executor = Executor.eventLoop(ExecutorOptions.defaults().withName("detector"))) {
 *     executor.subscription(camera, sample -> detect(sample.message()));
 *     executor.timer(Duration.ofMillis(100), (deadline, missed) -> publishStatus());
 *     executor.start();                 // or executor.run() on a thread of yours
 *     awaitShutdown();
 * }                                     // closes: drains what is pending, at most 10 s
 * }
 * An idle executor blocks in the kernel and uses no CPU (with {@code futex_waitv}, Linux 5.16 and later, for up to
 * 127 topics; otherwise it looks at its subscriptions every millisecond). Callbacks that throw are reported to the
 * {@link ErrorHandler}, counted in {@link #errorCount()}, and the executor goes on. Registration is thread-safe
 * and may happen while the executor runs. The executor does not close the subscribers given to it; close a
 * subscriber after the executor has stopped, or after closing its registration from one of the executor's
 * callbacks (a registration closed from another thread may still be in use for the event being handled).
 */
public interface Executor extends Agent, AutoCloseable {
    /** The most registrations one executor holds. */
    int MAX_REGISTRATIONS = 4096;

    /** The lock-free event loop with {@link ExecutorOptions#defaults()}. */
    static Executor eventLoop() {
        return new EventLoop(ExecutorOptions.defaults().withName("event-loop"));
    }

    static Executor eventLoop(ExecutorOptions options) {
        return new EventLoop(options);
    }

    /** The ROS 2 single-threaded executor baseline with {@link ExecutorOptions#defaults()}. */
    static Executor pollingPoint() {
        return new PollingPointExecutor(ExecutorOptions.defaults().withName("polling-point"));
    }

    static Executor pollingPoint(ExecutorOptions options) {
        return new PollingPointExecutor(options);
    }

    /** The ROS 2 multi-threaded executor baseline over {@code threads} threads. */
    static Executor multiThreaded(int threads) {
        return new MultiThreadedExecutor(ExecutorOptions.defaults().withName("multi-threaded"), threads);
    }

    static Executor multiThreaded(ExecutorOptions options, int threads) {
        return new MultiThreadedExecutor(options, threads);
    }

    String name();

    /**
     * Runs {@code handler} on every sample {@code subscriber} takes (its QoS decides which: all in order, or only
     * the newest). While the executor sleeps it is woken by the topic's publishers directly.
     */
    default <T> Registration subscription(Subscriber<T> subscriber, SampleHandler<T> handler) {
        return subscription(subscriber, handler, Turn.SUBSCRIPTION);
    }

    /**
     * As {@link #subscription(Subscriber, SampleHandler)}, taking its {@code turn} at a polling point: the
     * request side of a service runs with the services, the response side of a client with the clients (the
     * baselines' order; the event loop handles every subscription alike). For layers such as request/response that
     * build their endpoints from subscribers.
     */
    <T> Registration subscription(Subscriber<T> subscriber, SampleHandler<T> handler, Turn turn);

    /**
     * Where a subscription's callbacks run at a polling point, which runs ready timers, then subscriptions, then
     * services, then clients, then guard conditions and inboxes (the groups of ROS 2's executors).
     */
    enum Turn { SUBSCRIPTION, SERVICE, CLIENT }

    /** A periodic timer whose first deadline is one period from now. */
    default Registration timer(Duration period, TimerHandler handler) {
        return timer(period, period, handler);
    }

    /**
     * A timer with deadlines {@code now + firstDelay + k × period}, drift-free; a zero period makes it fire once.
     * An executor that comes late fires a periodic timer once and passes the number of deadlines it skipped. A
     * duration beyond a long's nanoseconds ({@code ChronoUnit.FOREVER}) is taken as about 73 years.
     */
    Registration timer(Duration firstDelay, Duration period, TimerHandler handler);

    /** A guard condition whose {@link GuardCondition#trigger()} runs {@code handler} on this executor. */
    GuardCondition guardCondition(String name, Runnable handler);

    /**
     * An inbox for in-process events from any threads, handled by {@code handler} on this executor in each
     * producer's order.
     *
     * @param capacity how many events may wait, rounded up to a power of two
     */
    <E> Inbox<E> inbox(String name, int capacity, Consumer<? super E> handler);

    /** Starts the executor's own thread(s) and returns at once. */
    Executor start();

    /**
     * Runs the executor on the calling thread until {@link #close} is called from another thread (the
     * multi-threaded executor uses the caller as one of its threads).
     */
    void run();

    /**
     * One duty cycle (for the baselines, one polling point and what it found ready) on the calling thread, waiting
     * up to {@code timeout} for something to do when nothing is ready; for tests and for applications that own
     * their loop. Not while the executor runs on other threads, nor on two threads at once (the second call throws).
     * A {@link #close} from another thread waits for the running cycle to end, then drains or discards on its own
     * thread (if its timeout ends first, the cycle's end completes the close); a close from one of the cycle's
     * callbacks completes, draining or discarding, as the cycle ends.
     *
     * @return the number of callbacks run
     */
    int runOnce(Duration timeout);

    /**
     * One duty cycle without waiting: what {@link #runOnce(Duration) runOnce(Duration.ZERO)} does. An executor is an
     * {@link Agent}, so an application may run it with an {@link AgentRunner} and a wait strategy of its own
     * (then not {@link #start()} or {@link #run()} as well; close the runner before the executor).
     */
    @Override
    int doWork();

    /** The executor's {@link #name()}. */
    @Override
    default String roleName() {
        return name();
    }

    /** Callbacks that threw so far. */
    long errorCount();

    /** {@link #close(Shutdown, Duration)} with {@link Shutdown#DRAIN} and 10 s. */
    @Override
    default void close() {
        close(Shutdown.DRAIN, Duration.ofSeconds(10));
    }

    /**
     * Stops: handles or discards what is pending, as {@code mode} says, then waits up to {@code timeout} for the
     * threads to finish and removes every registration.
     *
     * @throws IllegalStateException when a thread did not finish in time (a callback that does not return)
     */
    void close(Shutdown mode, Duration timeout);
}

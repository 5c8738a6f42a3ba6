package io.sluice.exec;

import io.sluice.os.Doorbell;
import io.sluice.shm.ShmSubscriber;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;
import java.util.function.Consumer;

/**
 * The default executor: one thread, no lock on the dispatch path.
 *
 * <p>A duty cycle (1) takes the sources that signalled from the ready ring (guard conditions raised, inboxes that
 * received events) and runs each, up to a burst; (2) fires the due timers from the {@link TimerWheel};
 * (3) drains each subscription, up to a burst, in registration order. When a cycle found nothing it sleeps in one
 * {@code futex_waitv} until the next timer deadline ({@link WaitSet}) on two kinds of words: its {@link Wakeup}
 * (in-process sources) and one {@link Doorbell} per domain, which the publishers of every shared-memory topic it
 * subscribes ring after each publish. So a loop with 64 topics sleeps on two words, not 65: the kernel's cost of a
 * wait grows with the words (about 0.4 µs per shared word per wait, measured), and the loop need not announce
 * itself on every topic before each sleep. Subscriptions of other kinds are waited on through their own words. Unlike the polling-point baseline, a source with more events runs them all (up to the burst)
 * when it runs, and there is no snapshot: what arrives while a callback runs is handled in the same cycle if its
 * source comes later, or in the next one.
 */
final class EventLoop extends AbstractExecutor {
    /*
     * Implementation note. Producers (inbox offers, guard triggers, on any thread) reach the loop through the
     * ready ring, an MpscRing of entities: a source enters it on its 0 -> 1 transition of "scheduled" (see
     * InboxEntity, GuardEntity), so each source is in the ring at most once and a ring of twice
     * MAX_REGISTRATIONS never fills (removed sources still in it included). The producer then signals the Wakeup, which costs a system call only while the loop sleeps.
     * Everything else (the timer wheel, the views of the registrations, the wait set) belongs to the loop's thread.
     * Registrations change through AbstractExecutor's copy-on-write array; the loop rebuilds its views when the
     * version moves, so the hot path reads one volatile int per cycle for them.
     *
     * Doorbells. When the loop first sees a shared-memory subscription it has the subscriber name the loop's bell
     * for that domain in its registry row (ShmSubscriber.ringOn); from then on every publish on the topic rings the
     * bell (see Doorbell for the protocol). The loop reads each bell's key at the start of a cycle, before it looks
     * at the subscriptions, and sleeps with those keys: a publish after the look moves the bell and ends the sleep.
     * A bell created during a cycle had no key read before the look, so that cycle does not sleep.
     */
    // each registered source at most once, plus removed ones that have not left the ring yet
    private final MpscRing<Entity> ready = new MpscRing<>(2 * MAX_REGISTRATIONS);
    private final TimerWheel wheel;
    private final WaitSet waitSet = new WaitSet(this);
    private final Consumer<Entity> runReady = this::runReady;
    private final ExpiryHandler fireTimer = this::fireTimer;
    private TimerEntity[] timersByEntry = new TimerEntity[64];
    private List<TimerEntity> timers = new ArrayList<>();
    private Entity[] subscriptions = new Entity[0];
    private Entity[] all = new Entity[0];
    private int seenVersion = -1;
    private int readyWork;
    /** One doorbell per domain its shared-memory subscriptions live in (loop thread only). */
    private final Map<Path, Doorbell> bellsByDomain = new HashMap<>();
    private Doorbell[] bells = new Doorbell[0];
    private int[] bellKeys = new int[0];
    private boolean bellsChanged;
    /** How many registrations of each subscriber have it ring a bell (loop thread only). */
    private final Map<ShmSubscriber<?>, Integer> bellUsers = new IdentityHashMap<>();

    EventLoop(ExecutorOptions options) {
        super(options);
        this.wheel = TimerWheel.create(clock.nanoTime());
    }

    @Override
    void schedule(Entity entity) {
        if (!ready.offer(entity)) {
            // cannot happen (each entity is in the ring at most once, the ring holds them all); say so loudly
            report("ready ring", new IllegalStateException("ready ring full: " + entity));
        }
        wakeup.signal();
    }

    @Override
    int cycle(long waitNanos) {
        int key = wakeup.key();
        for (int i = 0; i < bells.length; i++) {
            bellKeys[i] = bells[i].key(); // before the look: a publish after it moves the bell
        }
        int work = dutyCycle();
        if (work > 0 || waitNanos <= 0 || closing()) {
            return work;
        }
        if (bellsChanged) {
            bellsChanged = false;
            return 0; // a new doorbell's key was not read before the look: look again first
        }
        waitSet.arm(key, subscriptions, bells, bellKeys, bells.length);
        try {
            work = dispatchSubscriptions(); // a sample published before the arm has no wake coming: look again
            if (work == 0 && !closing() && waitSet.maintainIfDue(subscriptions)) {
                work = dispatchSubscriptions(); // a reclaim may have attached or ended a source: look again
            }
            if (work == 0 && !closing()) {
                waitSet.await(waitDeadline(waitNanos, wheel.nextDeadline()));
            }
        } finally {
            waitSet.disarm();
        }
        return work;
    }

    private int dutyCycle() {
        if (seenVersion != version()) {
            syncRegistrations();
        }
        int work = 0;
        readyWork = 0;
        int signalled = ready.size(); // those there now: a source that re-schedules itself runs next cycle
        if (signalled > 0) {
            ready.drain(runReady, signalled);
        }
        work += readyWork;
        if (!closing()) { // timers stop at close, so that a draining close ends
            work += wheel.poll(clock.nanoTime(), fireTimer, Math.max(options.burst(), 64));
        }
        work += dispatchSubscriptions();
        return work;
    }

    private void runReady(Entity entity) {
        if (!discarding()) {
            readyWork += entity.dispatch(options.burst());
        }
    }

    private int dispatchSubscriptions() {
        int work = 0;
        int burst = options.burst();
        for (Entity subscription : subscriptions) {
            if (discarding()) {
                break;
            }
            work += subscription.dispatch(burst);
        }
        return work;
    }

    private void fireTimer(long timerId, long deadline, long missed) {
        int entry = (int) timerId;
        TimerEntity timer = entry < timersByEntry.length ? timersByEntry[entry] : null;
        if (timer != null && timer.wheelId == timerId && timer.isActive() && !closing()) {
            if (timer.period == 0) {
                timersByEntry[entry] = null;
                timer.wheelId = -1;
            }
            timer.fire(deadline, missed);
        }
    }

    /**
     * Has every shared-memory subscription ring the loop's doorbell for its domain, so that the loop sleeps on one
     * word per domain instead of one per topic; a subscription whose doorbell cannot be set up (its subscriber
     * rings another executor's bell, the bell file cannot be made) keeps its own word. Registrations of one
     * subscriber share its ringing: it stops with the last of them.
     */
    private void ringOn(Entity entity) {
        if (!(entity instanceof SubscriptionEntity<?> subscription) || subscription.belled
            || !(subscription.subscriber() instanceof ShmSubscriber<?> shm)) {
            return;
        }
        try {
            Path directory = shm.domain().directory();
            Doorbell bell = bellsByDomain.get(directory);
            if (bell == null) {
                bell = Doorbell.acquire(shm.domain().directory());
                bellsByDomain.put(directory, bell);
                bells = bellsByDomain.values().toArray(new Doorbell[0]);
                bellKeys = new int[bells.length];
                bellsChanged = true;
            }
            shm.ringOn(bell);
            bellUsers.merge(shm, 1, Integer::sum);
            subscription.belled = true;
        } catch (IllegalStateException shared) {
            // the subscriber rings another executor's bell: this registration waits on the topic's word
        } catch (RuntimeException error) {
            report(entity.role, error); // it still wakes the loop through its topic's word
        }
    }

    private void ringOff(Entity entity) {
        if (entity instanceof SubscriptionEntity<?> subscription && subscription.belled) {
            subscription.belled = false;
            ShmSubscriber<?> shm = (ShmSubscriber<?>) subscription.subscriber();
            if (bellUsers.merge(shm, -1, Integer::sum) <= 0) {
                bellUsers.remove(shm);
                try {
                    shm.ringOff(bellsByDomain.get(shm.domain().directory()));
                } catch (RuntimeException closed) {
                    // closed under us: its row, and the bell it named, went with it
                }
            }
        }
    }

    @Override
    void onFinish() {
        for (Entity entity : all) {
            ringOff(entity);
        }
        bellUsers.clear();
        for (Doorbell bell : bells) {
            bell.close();
        }
        bellsByDomain.clear();
        bells = new Doorbell[0];
    }

    /** Rebuilds the loop's views after registrations changed: files new timers in the wheel, cancels removed ones. */
    private void syncRegistrations() {
        int version = version();
        Entity[] current = entities();
        List<Entity> subs = new ArrayList<>();
        List<TimerEntity> live = new ArrayList<>();
        for (Entity entity : current) {
            if (!entity.isActive()) {
                continue; // removed since the read of entities: takeRemoved below has it
            }
            switch (entity.kind) {
                case SUBSCRIPTION, SERVICE, CLIENT -> subs.add(entity);
                case TIMER -> live.add((TimerEntity) entity);
                case WAITABLE -> { } // they come through the ready ring
            }
        }
        for (TimerEntity timer : timers) {
            if (!live.contains(timer) && timer.wheelId >= 0) {
                wheel.cancel(timer.wheelId);
                timersByEntry[(int) timer.wheelId] = null;
                timer.wheelId = -1;
            }
        }
        for (TimerEntity timer : live) {
            if (timer.wheelId < 0 && timer.handledCount() == 0) {
                timer.wheelId = timer.period == 0
                    ? wheel.schedule(timer.firstDeadline)
                    : wheel.schedulePeriodic(timer.firstDeadline, timer.period);
                int entry = (int) timer.wheelId;
                if (entry >= timersByEntry.length) {
                    timersByEntry = java.util.Arrays.copyOf(timersByEntry, Math.max(entry + 1, timersByEntry.length * 2));
                }
                timersByEntry[entry] = timer;
            }
        }
        for (Entity entity : takeRemoved()) { // each removal once, seen by this loop before or not
            ringOff(entity);
            entity.discard();
        }
        for (Entity subscription : subs) {
            ringOn(subscription); // after the removed ones stopped theirs: a re-registered subscriber keeps ringing
        }
        timers = live;
        subscriptions = subs.toArray(new Entity[0]);
        all = current;
        seenVersion = version;
    }
}

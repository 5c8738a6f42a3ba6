package io.sluice.exec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The wheel behaves like a priority queue of (deadline, scheduling order) under random interleavings of
 * schedule, periodic schedule, cancel (of live, fired and cancelled ids) and polls with random time steps and
 * limits, on wheels small enough that timers wrap around many rotations and share slots.
 */
class TimerWheelProperties {

    enum Kind { SCHEDULE, SCHEDULE_PERIODIC, CANCEL, ADVANCE, POLL_LIMITED }

    record Op(Kind kind, long offset, long period, int pick, int limit) { }

    record Expiry(long timerId, long deadline, long missedSinceLast) { }

    /** The reference: every timer in one priority queue, fired by popping while the head is due. */
    static final class Model {
        static final class Timer {
            final long id;
            final long sequence;
            final long period;
            long deadline;
            long missed;

            Timer(long id, long sequence, long deadline, long period) {
                this.id = id;
                this.sequence = sequence;
                this.deadline = deadline;
                this.period = period;
            }
        }

        final PriorityQueue<Timer> queue = new PriorityQueue<>(
            Comparator.comparingLong((Timer t) -> t.deadline).thenComparingLong(t -> t.sequence));
        final Map<Long, Timer> live = new HashMap<>();
        long sequence;

        void add(long id, long deadline, long period) {
            Timer timer = new Timer(id, sequence++, deadline, period);
            queue.add(timer);
            live.put(id, timer);
        }

        boolean cancel(long id) {
            Timer timer = live.remove(id);
            return timer != null && queue.remove(timer);
        }

        List<Expiry> poll(long now, int limit) {
            List<Expiry> fired = new ArrayList<>();
            while (fired.size() < limit && !queue.isEmpty() && queue.peek().deadline <= now) {
                Timer timer = queue.poll();
                if (timer.period == 0) {
                    live.remove(timer.id);
                    fired.add(new Expiry(timer.id, timer.deadline, 0));
                } else {
                    long skipped = (now - timer.deadline) / timer.period;
                    long current = timer.deadline + skipped * timer.period;
                    timer.missed += skipped;
                    timer.deadline = current + timer.period;
                    queue.add(timer);
                    fired.add(new Expiry(timer.id, current, skipped));
                }
            }
            return fired;
        }

        long nextDeadline() {
            return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().deadline;
        }
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.longs().between(-60, 3_000),
            Arbitraries.longs().between(1, 90),
            Arbitraries.integers().between(0, 1_000),
            Arbitraries.integers().between(1, 4)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(200);
    }

    @Property(tries = 300)
    void behavesLikeAPriorityQueue(@ForAll("operations") List<Op> operations,
                                   @ForAll @LongRange(min = 1, max = 25) long tickNanos,
                                   @ForAll @IntRange(min = 0, max = 4) int slotsLog2,
                                   @ForAll @LongRange(min = -5_000, max = 5_000) long start) {
        FakeClock clock = new FakeClock(start);
        TimerWheel wheel = TimerWheel.create(clock.nanoTime(), tickNanos, 1 << slotsLog2, 2);
        Model model = new Model();
        List<Long> issued = new ArrayList<>();
        List<Expiry> fired = new ArrayList<>();
        ExpiryHandler handler = (timerId, deadline, missedSinceLast) ->
            fired.add(new Expiry(timerId, deadline, missedSinceLast));
        for (Op op : operations) {
            long now = clock.nanoTime();
            switch (op.kind()) {
                case SCHEDULE -> {
                    long id = wheel.schedule(now + op.offset());
                    model.add(id, now + op.offset(), 0);
                    issued.add(id);
                }
                case SCHEDULE_PERIODIC -> {
                    long id = wheel.schedulePeriodic(now + op.offset(), op.period());
                    model.add(id, now + op.offset(), op.period());
                    issued.add(id);
                }
                case CANCEL -> {
                    if (!issued.isEmpty()) {
                        long id = issued.get(op.pick() % issued.size());
                        assertEquals(model.cancel(id), wheel.cancel(id), "cancel " + id);
                    }
                }
                case ADVANCE, POLL_LIMITED -> {
                    // mostly small steps, sometimes several rotations, sometimes no move at all
                    long step = op.pick() % 3 == 0 ? op.offset() * 7 : Math.max(0, op.offset() / 10);
                    long later = clock.advance(step);
                    int limit = op.kind() == Kind.POLL_LIMITED ? op.limit() : Integer.MAX_VALUE;
                    fired.clear();
                    int count = wheel.poll(later, handler, limit);
                    assertEquals(model.poll(later, limit), fired, "expiries at " + later);
                    assertEquals(fired.size(), count);
                }
            }
            assertEquals(model.nextDeadline(), wheel.nextDeadline(), "nextDeadline after " + op);
            assertEquals(model.live.size(), wheel.size(), "size after " + op);
            for (Model.Timer timer : model.live.values()) {
                assertEquals(timer.missed, wheel.missedPeriods(timer.id), "missed of " + timer.id);
            }
        }
    }
}

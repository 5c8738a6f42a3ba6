package io.sluice.exec;

import io.sluice.Allocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class TimerWheelTest {
    private static final long MS = 1_000_000L;

    record Expiry(long timerId, long deadline, long missedSinceLast) { }

    /** Records every expiry. */
    static final class Recorder implements ExpiryHandler {
        final List<Expiry> expiries = new ArrayList<>();

        @Override
        public void onExpiry(long timerId, long deadlineNanos, long missedSinceLast) {
            expiries.add(new Expiry(timerId, deadlineNanos, missedSinceLast));
        }

        List<Long> ids() {
            return expiries.stream().map(Expiry::timerId).toList();
        }
    }

    private final FakeClock clock = new FakeClock(5 * MS);
    private final TimerWheel wheel = TimerWheel.create(clock.nanoTime());
    private final Recorder recorder = new Recorder();

    private int pollAt(long now) {
        clock.set(now);
        return wheel.poll(clock.nanoTime(), recorder, Integer.MAX_VALUE);
    }

    @Test
    void shouldFireOneShotsInDeadlineOrderWithTiesInSchedulingOrder() {
        long c = wheel.schedule(30 * MS);
        long a = wheel.schedule(10 * MS + 7);
        long tieFirst = wheel.schedule(20 * MS);
        long b = wheel.schedule(10 * MS + 3);
        long tieSecond = wheel.schedule(20 * MS);
        long tieThird = wheel.schedule(20 * MS);

        assertEquals(6, pollAt(40 * MS));

        assertEquals(List.of(b, a, tieFirst, tieSecond, tieThird, c), recorder.ids());
        assertEquals(10 * MS + 3, recorder.expiries.getFirst().deadline());
        assertEquals(0, wheel.size());
    }

    @Test
    void shouldFireNothingBeforeItsDeadlineAndExactlyAtIt() {
        long id = wheel.schedule(10 * MS + 500);

        assertEquals(0, pollAt(10 * MS + 499));
        assertTrue(wheel.isScheduled(id));
        assertEquals(1, pollAt(10 * MS + 500));
        assertEquals(List.of(new Expiry(id, 10 * MS + 500, 0)), recorder.expiries);
        assertFalse(wheel.isScheduled(id));
        assertEquals(0, pollAt(20 * MS));
    }

    @Test
    void shouldFireDeadlinesInThePastAtTheNextPoll() {
        pollAt(50 * MS);
        long late = wheel.schedule(20 * MS);
        long older = wheel.schedule(-3 * MS);
        long current = wheel.schedule(50 * MS);

        assertEquals(3, pollAt(50 * MS));

        assertEquals(List.of(older, late, current), recorder.ids());
    }

    @Test
    void shouldCancelATimerBeforeItFires() {
        long kept = wheel.schedule(10 * MS);
        long cancelled = wheel.schedule(10 * MS);

        assertTrue(wheel.cancel(cancelled));
        assertFalse(wheel.cancel(cancelled), "second cancel");
        assertEquals(1, pollAt(20 * MS));
        assertEquals(List.of(kept), recorder.ids());
    }

    @Test
    void shouldRefuseToCancelATimerThatAlreadyFired() {
        long id = wheel.schedule(10 * MS);
        pollAt(10 * MS);

        assertFalse(wheel.cancel(id));
    }

    @Test
    void shouldNotLetAStaleIdCancelANewTimerInTheSameEntry() {
        long stale = wheel.schedule(10 * MS);
        assertTrue(wheel.cancel(stale));
        long fresh = wheel.schedule(10 * MS);   // reuses the freed entry
        assertEquals(stale & 0xffff_ffffL, fresh & 0xffff_ffffL, "same entry");
        assertNotEquals(stale, fresh);

        assertFalse(wheel.cancel(stale));
        assertEquals(-1, wheel.missedPeriods(stale));
        assertTrue(wheel.isScheduled(fresh));
        assertEquals(1, pollAt(10 * MS));
        assertEquals(List.of(fresh), recorder.ids());
    }

    @Test
    void shouldIgnoreIdsItNeverIssued() {
        assertFalse(wheel.cancel(0));
        assertFalse(wheel.cancel(-1));
        assertFalse(wheel.cancel(Long.MAX_VALUE));
        assertFalse(wheel.isScheduled(12345L << 32 | 7));
    }

    @Test
    void shouldFirePeriodicTimerOncePerPeriodWithoutDrift() {
        long period = 3 * MS + 17;   // not a multiple of the tick
        long first = 10 * MS;
        long id = wheel.schedulePeriodic(first, period);

        for (int k = 0; k < 5; k++) {
            pollAt(first + k * period + MS / 2);
        }

        assertEquals(5, recorder.expiries.size());
        for (int k = 0; k < 5; k++) {
            assertEquals(new Expiry(id, first + k * period, 0), recorder.expiries.get(k));
        }
        assertEquals(first + 5 * period, wheel.nextDeadline());
        assertEquals(0, wheel.missedPeriods(id));
    }

    @Test
    void shouldFireOnceForTheCurrentPeriodAndCountMissedOnesWhenThePollIsLate() {
        long id = wheel.schedulePeriodic(10 * MS, 10 * MS);

        assertEquals(1, pollAt(45 * MS));   // deadlines 10, 20, 30, 40 are due; 40 is the current one

        assertEquals(List.of(new Expiry(id, 40 * MS, 3)), recorder.expiries);
        assertEquals(3, wheel.missedPeriods(id));
        assertEquals(50 * MS, wheel.nextDeadline(), "next deadline is the first future multiple");

        assertEquals(1, pollAt(50 * MS));
        assertEquals(new Expiry(id, 50 * MS, 0), recorder.expiries.getLast());
        assertEquals(1, pollAt(80 * MS));   // 60 and 70 missed, fires for 80 exactly at its deadline
        assertEquals(new Expiry(id, 80 * MS, 2), recorder.expiries.getLast());
        assertEquals(5, wheel.missedPeriods(id));
        assertEquals(90 * MS, wheel.nextDeadline());
    }

    @Test
    void shouldKeepEveryPeriodicDeadlineOnTheGridOverTenThousandPeriodsOfJitteryPolls() {
        SplittableRandom random = new SplittableRandom(42);
        long period = MS + 333;
        long first = 7 * MS + 11;
        long id = wheel.schedulePeriodic(first, period);
        long now = clock.nanoTime();
        long lateBursts = 0;
        while (now < first + 10_000 * period) {
            // mostly small jitter around each period, sometimes a stall of several periods
            long step = random.nextInt(20) == 0
                ? period * (2 + random.nextInt(5)) + random.nextLong(period)
                : period / 2 + random.nextLong(period);
            lateBursts += step > 2 * period ? 1 : 0;
            now += step;
            pollAt(now);
        }

        long k = 0;
        long previousFire = Long.MIN_VALUE;
        for (Expiry expiry : recorder.expiries) {
            k += expiry.missedSinceLast();
            assertEquals(first + k * period, expiry.deadline(), "expiry " + k + " is on the grid");
            assertTrue(expiry.deadline() > previousFire);
            previousFire = expiry.deadline();
            k++;
        }
        long due = (now - first) / period + 1;   // deadlines at or before the last poll
        assertEquals(due, k, "every due deadline either fired or was counted as missed");
        assertEquals(due - recorder.expiries.size(), wheel.missedPeriods(id));
        assertEquals(first + due * period, wheel.nextDeadline());
        assertTrue(lateBursts > 100 && wheel.missedPeriods(id) > 0, "the run included late polls");
    }

    @Test
    void shouldFireFarFutureDeadlinesAfterManyRotations() {
        TimerWheel small = TimerWheel.create(0, MS, 8, 4);   // one rotation is 8 ms
        long far = small.schedule(1_000 * 8 * MS + 3 * MS + 1);
        long nearSameSlot = small.schedule(3 * MS + 5);
        long farther = small.schedule(5_000_000 * 8 * MS);

        assertEquals(1, small.poll(4 * MS, recorder, 100));
        assertEquals(List.of(nearSameSlot), recorder.ids());
        for (long now = 4 * MS; now < 1_000 * 8 * MS + 3 * MS; now += 3 * MS + 1) {
            assertEquals(0, small.poll(now, recorder, 100), "nothing early at " + now);
        }
        assertEquals(1, small.poll(1_000 * 8 * MS + 3 * MS + 1, recorder, 100));
        assertEquals(far, recorder.ids().getLast());

        assertEquals(0, small.poll(5_000_000 * 8 * MS - 1, recorder, 100), "one long sleep, still early");
        assertEquals(1, small.poll(Long.MAX_VALUE, recorder, 100), "one long sleep past the deadline");
        assertEquals(farther, recorder.ids().getLast());
        assertEquals(Long.MAX_VALUE, small.nextDeadline());
    }

    @Test
    void shouldStopAtThePollLimitAndResumeInOrder() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(wheel.schedule((10 + i) * MS));
        }
        long periodic = wheel.schedulePeriodic(12 * MS, 100 * MS);
        ids.add(3, periodic);
        clock.set(20 * MS);

        assertEquals(2, wheel.poll(clock.nanoTime(), recorder, 2));
        assertEquals(2, wheel.poll(clock.nanoTime(), recorder, 2));
        assertEquals(2, wheel.poll(clock.nanoTime(), recorder, 2));
        assertEquals(0, wheel.poll(clock.nanoTime(), recorder, 2));

        assertEquals(ids, recorder.ids());
        assertEquals(1, wheel.size());
    }

    @Test
    void shouldReportTheEarliestDeadlineAsNextDeadline() {
        assertEquals(Long.MAX_VALUE, wheel.nextDeadline());
        long later = wheel.schedule(900 * MS);
        assertEquals(900 * MS, wheel.nextDeadline());
        long sooner = wheel.schedule(20 * MS);
        wheel.schedulePeriodic(600 * MS, 1_000 * MS);
        assertEquals(20 * MS, wheel.nextDeadline());

        wheel.cancel(sooner);
        assertEquals(600 * MS, wheel.nextDeadline());
        pollAt(700 * MS);
        assertEquals(900 * MS, wheel.nextDeadline());
        wheel.cancel(later);
        assertEquals(1_600 * MS, wheel.nextDeadline());

        long past = wheel.schedule(MS);
        assertEquals(MS, wheel.nextDeadline(), "a due timer reports its own deadline, so the loop does not sleep");
        wheel.cancel(past);
    }

    @Test
    void shouldLetHandlersScheduleAndCancelWhileFiring() {
        long[] victim = new long[1];
        List<Long> fired = new ArrayList<>();
        long first = wheel.schedule(10 * MS);
        victim[0] = wheel.schedule(11 * MS);
        ExpiryHandler handler = (timerId, deadline, missedSinceLast) -> {
            fired.add(timerId);
            if (timerId == first) {
                assertTrue(wheel.cancel(victim[0]));
                fired.add(wheel.schedule(deadline - 1));   // due now: fires within this poll
            }
        };

        assertEquals(2, wheel.poll(30 * MS, handler, 10));

        assertEquals(List.of(first, fired.get(1), fired.get(1)), fired);
        assertEquals(0, wheel.size());
    }

    @Test
    void shouldGrowBeyondItsInitialCapacity() {
        TimerWheel tiny = TimerWheel.create(0, MS, 4, 1);
        for (int i = 0; i < 1_000; i++) {
            tiny.schedule((1_000 - i) * 100_000L);
        }
        assertEquals(1_000, tiny.size());
        assertEquals(1_000, tiny.poll(200 * MS, recorder, Integer.MAX_VALUE));
        for (int i = 1; i < recorder.expiries.size(); i++) {
            assertTrue(recorder.expiries.get(i - 1).deadline() < recorder.expiries.get(i).deadline());
        }
    }

    @Test
    void shouldScheduleFireAndCancelWithoutAllocatingOnceWarm() {
        long[] sink = new long[1];
        ExpiryHandler counting = (timerId, deadline, missedSinceLast) -> sink[0] += deadline + missedSinceLast;
        long[] now = {clock.nanoTime()};
        long[] round = {0};
        for (int i = 0; i < 50; i++) {
            wheel.schedulePeriodic(now[0] + i * MS / 10, MS + i);
        }
        // the warm-up also grows the entry arrays to their peak
        Allocations.assertNoneOnceWarm("a round of timer work", 20_000, 2_000, () -> {
            long i = round[0]++;
            now[0] += MS / 3;
            long shortLived = wheel.schedule(now[0] + (i % 7) * MS);
            long cancelled = wheel.schedule(now[0] + 2_000 * MS);
            wheel.cancel(cancelled);
            if (i % 2 == 0) {
                wheel.cancel(shortLived);
            }
            wheel.poll(now[0], counting, 16);
            sink[0] += wheel.nextDeadline();
        });
        assertTrue(sink[0] != 0);
    }

    @Test
    void shouldRejectBadArgumentsWithTheFailedCondition() {
        assertEquals("periodNanos <= 0: periodNanos=0",
            assertThrows(IllegalArgumentException.class, () -> wheel.schedulePeriodic(0, 0)).getMessage());
        assertEquals("limit < 1: limit=0",
            assertThrows(IllegalArgumentException.class, () -> wheel.poll(0, recorder, 0)).getMessage());
        assertEquals("tickNanos <= 0: tickNanos=-1",
            assertThrows(IllegalArgumentException.class, () -> TimerWheel.create(0, -1, 8, 8)).getMessage());
        assertEquals("slots is not a power of two in [1, 2^30]: slots=500",
            assertThrows(IllegalArgumentException.class, () -> TimerWheel.create(0, MS, 500, 8)).getMessage());
        assertEquals("initialCapacity not in [1, 2^30]: initialCapacity=0",
            assertThrows(IllegalArgumentException.class, () -> TimerWheel.create(0, MS, 8, 0)).getMessage());
        assertThrows(NullPointerException.class, () -> wheel.poll(0, null, 1));
    }

    @Test
    void shouldRetireAPeriodicTimerWhoseNextDeadlineWouldOverflow() {
        long id = wheel.schedulePeriodic(Long.MAX_VALUE - 10, 100);

        assertEquals(1, pollAt(Long.MAX_VALUE));

        assertEquals(List.of(new Expiry(id, Long.MAX_VALUE - 10, 0)), recorder.expiries);
        assertFalse(wheel.isScheduled(id));
    }

    @Test
    void shouldFireAPeriodicTimerUpToTheLastRepresentableDeadline() {
        long id = wheel.schedulePeriodic(Long.MAX_VALUE - 200, 100);

        assertEquals(1, pollAt(Long.MAX_VALUE - 200));
        assertEquals(1, pollAt(Long.MAX_VALUE - 100));
        assertTrue(wheel.isScheduled(id), "its next deadline, Long.MAX_VALUE, is representable");
        assertEquals(1, pollAt(Long.MAX_VALUE));

        assertEquals(List.of(new Expiry(id, Long.MAX_VALUE - 200, 0), new Expiry(id, Long.MAX_VALUE - 100, 0),
            new Expiry(id, Long.MAX_VALUE, 0)), recorder.expiries);
        assertFalse(wheel.isScheduled(id));
    }

    @Test
    void shouldAcceptTheSmallestWheelAndRefuseAZeroTick() {
        assertEquals("tickNanos <= 0: tickNanos=0",
            assertThrows(IllegalArgumentException.class, () -> TimerWheel.create(0, 0, 8, 8)).getMessage());
        assertEquals("slots is not a power of two in [1, 2^30]: slots=0",
            assertThrows(IllegalArgumentException.class, () -> TimerWheel.create(0, MS, 0, 8)).getMessage());
        TimerWheel smallest = TimerWheel.create(0, 1, 1, 1); // one slot, room for one timer, a tick of 1 ns
        long later = smallest.schedule(30);
        long first = smallest.schedule(20); // grows
        assertEquals(20, smallest.nextDeadline());
        assertEquals(2, smallest.poll(30, recorder, 10));
        assertEquals(List.of(new Expiry(first, 20, 0), new Expiry(later, 30, 0)), recorder.expiries);
    }

    @Test
    void shouldIgnoreAnIdJustPastItsEntries() {
        TimerWheel small = TimerWheel.create(0, MS, 8, 4);
        small.schedule(MS);
        assertFalse(small.cancel(4), "entry 4 of 4 does not exist");
        assertFalse(small.isScheduled(4));
        assertEquals(-1, small.missedPeriods(4));
        assertEquals(1, small.size());
    }
}

package io.sluice.exec;

/** Handles the expiries of a timer, on the executor's thread. */
@FunctionalInterface
public interface TimerHandler {
    /**
     * Called once per expiry.
     *
     * @param deadlineNanos  the deadline that fired, in the executor clock's terms: for a periodic timer always
     *                       {@code first + k × period}, however late the executor came; when it came later than a
     *                       whole period, the latest deadline that has passed
     * @param missedPeriods  earlier deadlines of this timer that passed unfired since its previous expiry because
     *                       the executor came late (a late expiry fires once and says how many it stands for)
     */
    void onTimer(long deadlineNanos, long missedPeriods) throws Exception;
}

package io.sluice.exec;

/**
 * Receives the timers that {@link TimerWheel#poll} fires, on the thread that polls.
 */
@FunctionalInterface
public interface ExpiryHandler {
    /**
     * Called once per expiry.
     *
     * @param timerId         the id {@link TimerWheel#schedule} or {@link TimerWheel#schedulePeriodic} returned
     * @param deadlineNanos   the deadline that fired; for a periodic timer always {@code first + k × period}
     * @param missedSinceLast for a periodic timer, how many of its deadlines passed unfired since its previous
     *                        expiry because the poll came late; always 0 for a one-shot timer
     */
    void onExpiry(long timerId, long deadlineNanos, long missedSinceLast);
}

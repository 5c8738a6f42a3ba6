package io.sluice.exec;

/**
 * Something registered with an {@link Executor}: a subscription, a timer, a guard condition, an inbox. Closing it
 * removes it from the executor; an event of it that is being handled finishes, none starts afterwards.
 */
public interface Registration extends AutoCloseable {
    /** A name for error reports: the topic, the timer's period, the name given at registration. */
    String role();

    /** Events handled so far (samples, expiries, triggers, inbox events). */
    long handledCount();

    /**
     * Samples taken from the subscriber and closed without reaching the handler: during a draining close, one
     * published after the close began (a sample shows its time only once taken, and is then gone from the
     * subscriber; the drain of that subscription stops there); the one a polling point had captured when the
     * executor stopped (a discarding close, the deadline of a draining one, a failure) or the registration was
     * removed; for a sensor consumer, one taken while it stopped. Inbox events dropped are counted in
     * {@link Inbox#rejectedCount()}.
     */
    long droppedCount();

    /** Whether it is still registered. */
    boolean isActive();

    /** Removes it from the executor. Idempotent. */
    @Override
    void close();
}

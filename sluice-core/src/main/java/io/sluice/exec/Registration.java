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
     * Samples taken from the subscriber and closed without reaching the handler: during a draining close, those
     * published after the close began (the close handles what was there when it began, and a queue's sample taken
     * to look at its time is gone from the subscriber); at a discarding close or a removal, the one a polling
     * point had captured; for a sensor consumer, one taken while it stopped. Inbox events dropped are counted in
     * {@link Inbox#rejectedCount()}.
     */
    long droppedCount();

    /** Whether it is still registered. */
    boolean isActive();

    /** Removes it from the executor. Idempotent. */
    @Override
    void close();
}

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

    /** Whether it is still registered. */
    boolean isActive();

    /** Removes it from the executor. Idempotent. */
    @Override
    void close();
}

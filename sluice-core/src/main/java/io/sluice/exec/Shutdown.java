package io.sluice.exec;

/** What {@link Executor#close(Shutdown, java.time.Duration)} does with work that is pending when it is called. */
public enum Shutdown {
    /**
     * Handles what is pending (inbox events, raised guard conditions, samples available, due timers) until a duty
     * cycle finds nothing or the timeout passes; accepts no new inbox events or triggers meanwhile.
     */
    DRAIN,
    /** Stops after the callback running now; pending inbox events are dropped and counted as rejected. */
    DISCARD
}

package io.sluice.exec;

/**
 * A flag any thread may raise to have a handler run on the executor. Triggers that come while the flag is up
 * merge: the handler runs once for them. A trigger during the handler runs it again afterwards.
 *
 * {@snippet :
 * GuardCondition reconfigure = executor.guardCondition("reconfigure", () -> applyNewSettings());
 * reconfigure.trigger(); // from a UI thread, a signal handler, another executor...
 * }
 * What a thread did before {@link #trigger()} happens-before the handler run it causes.
 */
public interface GuardCondition extends Registration {
    /** Raises the flag; cheap, never blocks. Ignored once the executor or this registration is closed. */
    void trigger();
}

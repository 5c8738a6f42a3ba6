package io.sluice.exec;

/**
 * A duty-cycle agent: the unit of work an executor's thread runs over and over. {@link #doWork()} does what there
 * is to do now, without blocking, and says how much that was; a {@link io.sluice.WaitStrategy} decides what the
 * thread does when it was nothing. One {@link AgentRunner} owns the thread and the error handling.
 */
public interface Agent {
    /**
     * Does the work that is ready now, without blocking.
     *
     * @return how much work was done (events handled, timers fired); 0 lets the runner idle
     * @throws Exception reported to the runner's {@link ErrorHandler}, after which the loop goes on
     */
    int doWork() throws Exception;

    /** Called once on the runner's thread when the runner stops, after the last {@link #doWork()}. */
    default void onClose() {
    }

    /** A name for the thread and for error reports. */
    String roleName();
}

package io.sluice.exec;

/**
 * Where an executor reports what a callback or an agent threw. The executor counts the error and goes on with the
 * next event; the handler decides what else happens (log it, count it, stop the application).
 */
@FunctionalInterface
public interface ErrorHandler {
    /** {@code error} was thrown by the agent or callback named {@code role}. Must not throw. */
    void onError(String role, Throwable error);

    /** Reports to the {@code io.sluice.exec} {@link System.Logger} at level ERROR. */
    static ErrorHandler logging() {
        System.Logger logger = System.getLogger("io.sluice.exec");
        return (role, error) -> logger.log(System.Logger.Level.ERROR, role + " threw", error);
    }
}

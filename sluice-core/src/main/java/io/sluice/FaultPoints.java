package io.sluice;

import io.sluice.shm.FaultPoint;

import java.util.List;

/**
 * Fault injection for testing Sluice and the programs built on it: named points in the transport's protocols where
 * a process started with {@code -Dsluice.faults=true} halts ({@code -Dsluice.fault.halt=NAME[@N]}, as {@code kill -9}
 * would, the Nth time it gets there) or stops itself with {@code SIGSTOP} ({@code -Dsluice.fault.stop=NAME[@N]}).
 * It prints {@code FAULT NAME} on standard error first. Without {@code -Dsluice.faults=true} the points cost nothing.
 * {@code sluice torture} drives every point.
 */
public final class FaultPoints {
    private FaultPoints() {
    }

    /** The names of every point, in protocol order. */
    public static List<String> labels() {
        return FaultPoint.labels();
    }

    /** Whether fault injection is on in this JVM. */
    public static boolean enabled() {
        return FaultPoint.ENABLED;
    }
}

package io.sluice.cli.demo;

import io.sluice.Sluice;

import java.util.Map;

/** One process of the demo, the camera or a subscriber, run by {@link DemoNodeMain}. */
interface DemoNode {
    /** Creates the node's publishers or subscribers on {@code sluice} and starts its threads. */
    void start(Sluice sluice);

    /** Figures since the previous call, over {@code windowNanos}, for the line printed every second. */
    Map<String, Object> windowFigures(long windowNanos);

    /** Figures of the whole run, for the summary line. */
    Map<String, Object> totalFigures();

    /** Stops the node's threads and waits for them (an in-order subscriber first takes what is left). */
    void stop();

    /** The first error a thread of the node died of, or null. */
    Throwable failure();
}

package io.sluice.cli.demo;

/**
 * The options of {@code sluice demo}, checked: {@code --duration SECONDS} (default
 * {@value #DEFAULT_DURATION_SECONDS}) and {@code --json}. {@link DemoCommand.Cli} reads them from the command line.
 *
 * @param durationSeconds how long the camera publishes
 * @param json            print one JSON object at the end instead of tables
 */
record DemoArguments(double durationSeconds, boolean json) {
    static final double DEFAULT_DURATION_SECONDS = 10;
    static final double MAX_DURATION_SECONDS = 24 * 3600;

    /** @throws IllegalArgumentException naming the value that is wrong */
    DemoArguments {
        if (!(durationSeconds > 0 && durationSeconds <= MAX_DURATION_SECONDS)) {
            throw new IllegalArgumentException("--duration out of range (0, " + (long) MAX_DURATION_SECONDS
                + "]: duration=" + durationSeconds);
        }
    }
}

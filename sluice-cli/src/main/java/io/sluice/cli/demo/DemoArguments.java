package io.sluice.cli.demo;

/**
 * The options of {@code sluice demo}: {@code --duration SECONDS} (default {@value #DEFAULT_DURATION_SECONDS}, also
 * as {@code --duration=SECONDS}) and {@code --json}.
 *
 * @param durationSeconds how long the camera publishes
 * @param json            print one JSON object at the end instead of tables
 */
record DemoArguments(double durationSeconds, boolean json) {
    static final double DEFAULT_DURATION_SECONDS = 10;
    static final double MAX_DURATION_SECONDS = 24 * 3600;

    DemoArguments {
        if (!(durationSeconds > 0 && durationSeconds <= MAX_DURATION_SECONDS)) {
            throw new IllegalArgumentException("--duration out of range (0, " + (long) MAX_DURATION_SECONDS
                + "]: duration=" + durationSeconds);
        }
    }

    /** @throws IllegalArgumentException naming the argument that is wrong */
    static DemoArguments parse(String[] arguments) {
        double duration = DEFAULT_DURATION_SECONDS;
        boolean json = false;
        for (int index = 0; index < arguments.length; index++) {
            String argument = arguments[index];
            if (argument.equals("--json")) {
                json = true;
            } else if (argument.equals("--duration")) {
                if (index + 1 >= arguments.length) {
                    throw new IllegalArgumentException("--duration needs a number of seconds");
                }
                duration = seconds(arguments[++index]);
            } else if (argument.startsWith("--duration=")) {
                duration = seconds(argument.substring("--duration=".length()));
            } else {
                throw new IllegalArgumentException("unknown argument: argument=" + argument);
            }
        }
        return new DemoArguments(duration, json);
    }

    private static double seconds(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("--duration is not a number of seconds: duration=" + text);
        }
    }
}

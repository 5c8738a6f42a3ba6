package io.sluice.cli;

import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Options that picocli read one by one and a command then checks together: a check that fails with an
 * {@link IllegalArgumentException} becomes a usage error of the command, which {@code sluice} reports in one line
 * naming what was wrong, with exit code 2.
 *
 * {@snippet :
 * DemoArguments arguments = UsageErrors.check(spec, () -> new DemoArguments(durationSeconds, json));
 * }
 */
public final class UsageErrors {
    private UsageErrors() {
    }

    /**
     * What {@code check} returns.
     *
     * @throws ParameterException of {@code spec}'s command, with the message of the check's
     *                            {@link IllegalArgumentException}
     */
    public static <T> T check(CommandSpec spec, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException wrong) {
            throw new ParameterException(spec.commandLine(), wrong.getMessage(), wrong);
        }
    }
}

package io.sluice.msggen;

import java.util.List;

/**
 * Generation failed: each problem names the {@code .msg} file and line ({@code path:line: what}), as a compiler
 * does; the message lists them all, one per line.
 */
public final class MessageGenerationException extends RuntimeException {
    private final List<String> problems;

    public MessageGenerationException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, one per {@code .msg} declaration or file. */
    public List<String> problems() {
        return problems;
    }
}

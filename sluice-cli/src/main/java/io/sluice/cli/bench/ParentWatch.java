package io.sluice.cli.bench;

/**
 * In a child process: notices that the coordinator that started it has gone, so that a child never outlives its
 * run. Checked only while the child has nothing to do.
 */
final class ParentWatch {
    private final ProcessHandle parent = ProcessHandle.current().parent().orElse(null);

    /**
     * @throws IllegalStateException when the coordinator has exited
     */
    void check() {
        if (parent != null && !parent.isAlive()) {
            throw new IllegalStateException("the coordinator exited: parentPid=" + parent.pid());
        }
    }
}

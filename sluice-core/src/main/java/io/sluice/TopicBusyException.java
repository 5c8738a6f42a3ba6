package io.sluice;

/**
 * A topic's registry stayed locked by another participant for longer than Sluice waits
 * (two seconds): that participant is alive but not running — stopped with Ctrl-Z
 * ({@code SIGSTOP}), or descheduled for that long. Joining the topic or growing a publisher's slots then fails with
 * this exception instead of waiting for as long as the other process stays stopped. Counting a topic's participants
 * falls back to probing their locks, and closing leaves its registry row for the others to reclaim; neither fails.
 */
public final class TopicBusyException extends SluiceException {
    public TopicBusyException(String message) {
        super(message);
    }
}

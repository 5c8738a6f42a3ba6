package io.sluice;

import java.time.Duration;

/**
 * Settings of one {@link Publisher}. Immutable; start from {@link #defaults()}.
 *
 * @param slots          message slots in shared memory: how many samples can be held by subscribers, queued and
 *                       kept as history at once (default 8; raised to {@code history + 2} when smaller)
 * @param history        how many of the newest samples a late-joining queue or reliable subscriber receives
 *                       (default 0)
 * @param initialSize    the slot size to start with; a larger loan grows the slots (default 64 KiB)
 * @param reliableTimeout how long {@link Publisher#loan(long)} waits for a slow {@link Qos#reliable(int) reliable}
 *                       subscriber before it throws {@link PublishTimeoutException} (default 1 s)
 */
public record PublisherOptions(int slots, int history, long initialSize, Duration reliableTimeout) {
    public static final int MAX_SLOTS = 1 << 16;

    public PublisherOptions {
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots out of range [1, " + MAX_SLOTS + "]: slots=" + slots);
        }
        if (history < 0 || history > MAX_SLOTS - 2) {
            throw new IllegalArgumentException("history out of range [0, " + (MAX_SLOTS - 2) + "]: history=" + history);
        }
        if (initialSize < 0) {
            throw new IllegalArgumentException("initialSize < 0: initialSize=" + initialSize);
        }
        if (reliableTimeout == null || reliableTimeout.isNegative()) {
            throw new IllegalArgumentException("reliableTimeout must be >= 0: reliableTimeout=" + reliableTimeout);
        }
    }

    public static PublisherOptions defaults() {
        return new PublisherOptions(8, 0, 64 * 1024, Duration.ofSeconds(1));
    }

    public PublisherOptions withSlots(int slots) {
        return new PublisherOptions(slots, history, initialSize, reliableTimeout);
    }

    public PublisherOptions withHistory(int history) {
        return new PublisherOptions(slots, history, initialSize, reliableTimeout);
    }

    public PublisherOptions withInitialSize(long initialSize) {
        return new PublisherOptions(slots, history, initialSize, reliableTimeout);
    }

    public PublisherOptions withReliableTimeout(Duration reliableTimeout) {
        return new PublisherOptions(slots, history, initialSize, reliableTimeout);
    }

    /** The slot count actually used: at least {@code history + 2}. */
    public int effectiveSlots() {
        return Math.max(slots, history + 2);
    }
}

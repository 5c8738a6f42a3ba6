package io.sluice;

import java.nio.file.Path;

/**
 * Settings of a {@link Sluice} participant. Immutable; start from {@link #defaults()} and change with the
 * {@code with…} methods.
 *
 * @param domain          isolates groups of participants on one host; default from {@code SLUICE_DOMAIN}, else 0
 * @param root            where topic files live; default {@code /dev/shm}. Sluice keeps its files in the
 *                        directory {@code sluice-<uid>-<domain>} below it, private to the user (0700, files 0600)
 * @param waitStrategy    how subscribers wait unless their {@link Qos} says otherwise; default {@link WaitStrategy#block()}
 * @param maxMessageSize  the largest loan a publisher may ask for; default 1 GiB
 */
public record SluiceOptions(int domain, Path root, WaitStrategy waitStrategy, long maxMessageSize) {
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 1L << 30;

    public SluiceOptions {
        if (domain < 0 || domain > 65535) {
            throw new IllegalArgumentException("domain out of range [0, 65535]: domain=" + domain);
        }
        if (root == null || waitStrategy == null) {
            throw new IllegalArgumentException("root and waitStrategy must not be null");
        }
        if (maxMessageSize < 0) {
            throw new IllegalArgumentException("maxMessageSize < 0: maxMessageSize=" + maxMessageSize);
        }
    }

    /** Domain from {@code SLUICE_DOMAIN} (else 0), {@code /dev/shm}, blocking waits, 1 GiB messages. */
    public static SluiceOptions defaults() {
        String env = System.getenv("SLUICE_DOMAIN");
        int domain = 0;
        if (env != null && !env.isBlank()) {
            try {
                domain = Integer.parseInt(env.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("SLUICE_DOMAIN is not a number: SLUICE_DOMAIN=" + env);
            }
        }
        return new SluiceOptions(domain, Path.of("/dev/shm"), WaitStrategy.block(), DEFAULT_MAX_MESSAGE_SIZE);
    }

    public SluiceOptions withDomain(int domain) {
        return new SluiceOptions(domain, root, waitStrategy, maxMessageSize);
    }

    public SluiceOptions withRoot(Path root) {
        return new SluiceOptions(domain, root, waitStrategy, maxMessageSize);
    }

    public SluiceOptions withWaitStrategy(WaitStrategy waitStrategy) {
        return new SluiceOptions(domain, root, waitStrategy, maxMessageSize);
    }

    public SluiceOptions withMaxMessageSize(long maxMessageSize) {
        return new SluiceOptions(domain, root, waitStrategy, maxMessageSize);
    }
}

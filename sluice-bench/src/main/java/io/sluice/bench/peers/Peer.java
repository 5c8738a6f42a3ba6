package io.sluice.bench.peers;

import java.util.Set;

/**
 * A peer of the benchmark: one transport in one variant, as the tables name it.
 *
 * @param key      stable id used in JSON and file names, e.g. {@code sluice-block}
 * @param label    the column title, e.g. {@code Sluice (futex)}
 * @param family   the system it belongs to ({@code sluice}, {@code iceoryx}, {@code cyclonedds}, {@code zmq},
 *                 {@code jeromq}, {@code python-shm}, {@code aeron}): ratios compare Sluice with each family
 * @param spin     whether its receivers busy-poll (then Sluice's spinning variant is its counterpart)
 * @param version  the version measured, as found on the machine
 * @param lossy    whether, in fan-out, a subscriber that falls behind loses messages instead of holding the publisher
 *                 back (then Sluice's lossy variant is its counterpart there, else the reliable one)
 */
public record Peer(String key, String label, String family, boolean spin, String version, boolean lossy) {
    /**
     * The peers whose fan-out is lossy, by key: Sluice's {@code Qos.queue(4)} rows (plain, busy-poll, JIT-warmed);
     * pyzmq and JeroMQ PUB/SUB (a high-water mark of 4 drops for a slow subscriber); Python {@code shared_memory}
     * (no flow control: the writer overwrites). Every other peer's publisher waits for a slow subscriber: iceoryx
     * ({@code BLOCK_PRODUCER}), Cyclone DDS (reliable, {@code KEEP_ALL}), Aeron (its offer retried on back
     * pressure), Sluice's reliable row.
     */
    static final Set<String> LOSSY_FANOUT = Set.of("sluice-block", "sluice-spin", "sluice-warm", "zmq-py",
        "pyshm-block", "pyshm-spin", "jeromq");

    /** A peer whose fan-out is lossy when its key is one of {@link #LOSSY_FANOUT}. */
    public Peer(String key, String label, String family, boolean spin, String version) {
        this(key, label, family, spin, version, LOSSY_FANOUT.contains(key));
    }
}

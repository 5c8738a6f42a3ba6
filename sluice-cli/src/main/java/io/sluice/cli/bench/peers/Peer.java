package io.sluice.cli.bench.peers;

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

    /** A peer whose fan-out is reliable: a slow subscriber holds the publisher back. */
    public Peer(String key, String label, String family, boolean spin, String version) {
        this(key, label, family, spin, version, false);
    }
}

package io.sluice.bench.peers;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of one harness process, as {@code sluice-bench/peers/PROTOCOL.md} defines it:
 * {@code <transport> <role> key=value ...}. Unknown keys are ignored, so every harness can be given the same keys.
 *
 * @param transport which transport (or variant) the process speaks
 * @param role      {@code ping}, {@code pong}, {@code source} or {@code sink}
 * @param workload  {@code latency}, {@code throughput} or {@code fanout}
 * @param name      the run id, unique per measurement: streams and topics are named after it
 * @param dir       a directory of the measurement that the coordinator removes afterwards
 * @param size      message size in bytes, header included
 * @param touch     the sender writes every byte, the receiver reads every byte
 * @param warmupNanos   warm-up time
 * @param durationNanos measured time
 * @param rate      fan-out: messages per second
 * @param subs      receivers of the source (1 for latency and throughput)
 * @param index     this sink's index
 * @param spin      busy-poll instead of sleeping until data arrives
 * @param domain    the Sluice domain of the measurement, or -1
 * @param aeronDir  the Aeron directory of the run's media driver (key {@code aeron_dir}), {@code <dir>/aeron} when
 *                  not given
 * @param prime     fan-out only: messages the source sends back to back before its warm-up (key {@code prime},
 *                  default 0), so the JIT has compiled the send and receive paths before the first measured message,
 *                  as in a process that has run for minutes
 * @param reliable  fan-out only: every sink receives every message, a slow one holds the source back (key
 *                  {@code qos=reliable}); the default ({@code qos=queue}) lets a sink that falls behind lose messages,
 *                  counted. Harnesses of one delivery model only ignore it.
 */
public record HarnessArgs(String transport, String role, String workload, String name, String dir, long size,
                          boolean touch, long warmupNanos, long durationNanos, double rate, int subs, int index,
                          boolean spin, int domain, String aeronDir, int prime, boolean reliable, String trace) {

    public static final String PING = "ping";
    public static final String PONG = "pong";
    public static final String SOURCE = "source";
    public static final String SINK = "sink";
    public static final String LATENCY = "latency";
    public static final String THROUGHPUT = "throughput";
    public static final String FANOUT = "fanout";

    /** Parses {@code <transport> <role> key=value ...}. */
    public static HarnessArgs parse(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: <transport> <role> key=value ...");
        }
        Map<String, String> keys = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("not key=value: " + args[i]);
            }
            keys.put(args[i].substring(0, equals), args[i].substring(equals + 1));
        }
        String role = args[1];
        if (!role.equals(PING) && !role.equals(PONG) && !role.equals(SOURCE) && !role.equals(SINK)) {
            throw new IllegalArgumentException("role must be ping, pong, source or sink: role=" + role);
        }
        String workload = required(keys, "workload");
        if (!workload.equals(LATENCY) && !workload.equals(THROUGHPUT) && !workload.equals(FANOUT)) {
            throw new IllegalArgumentException("workload must be latency, throughput or fanout: workload="
                + workload);
        }
        String name = required(keys, "name");
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("name must match [a-z0-9-]+: name=" + name);
        }
        long size = Long.parseLong(required(keys, "size"));
        if (size < PeerHeader.LENGTH) {
            throw new IllegalArgumentException("size must be at least " + PeerHeader.LENGTH + ": size=" + size);
        }
        int subs = Integer.parseInt(keys.getOrDefault("subs", "1"));
        int index = Integer.parseInt(keys.getOrDefault("index", "0"));
        if (subs < 1 || index < 0 || index >= subs) {
            throw new IllegalArgumentException("need 0 <= index < subs: subs=" + subs + ", index=" + index);
        }
        String wait = keys.getOrDefault("wait", "block").toLowerCase(Locale.ROOT);
        if (!wait.equals("block") && !wait.equals("spin")) {
            throw new IllegalArgumentException("wait must be block or spin: wait=" + wait);
        }
        String dir = keys.getOrDefault("dir", "");
        String aeronDir = keys.getOrDefault("aeron_dir", dir.isEmpty() ? "" : dir + "/aeron");
        return new HarnessArgs(args[0], role, workload, name, dir, size,
            keys.getOrDefault("touch", "0").equals("1"), seconds(keys, "warmup"), seconds(keys, "duration"),
            Double.parseDouble(keys.getOrDefault("rate", "0")), subs, index, wait.equals("spin"),
            Integer.parseInt(keys.getOrDefault("domain", "-1")), aeronDir, prime(keys), reliable(keys),
            keys.getOrDefault("trace", ""));
    }

    private static boolean reliable(Map<String, String> keys) {
        String qos = keys.getOrDefault("qos", "queue");
        if (!qos.equals("queue") && !qos.equals("reliable")) {
            throw new IllegalArgumentException("qos must be queue or reliable: qos=" + qos);
        }
        return qos.equals("reliable");
    }

    private static int prime(Map<String, String> keys) {
        int prime = Integer.parseInt(keys.getOrDefault("prime", "0"));
        if (prime < 0 || prime > 1_000_000) {
            throw new IllegalArgumentException("prime out of range [0, 1000000]: prime=" + prime);
        }
        return prime;
    }

    private static String required(Map<String, String> keys, String key) {
        String value = keys.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing key: " + key);
        }
        return value;
    }

    private static long seconds(Map<String, String> keys, String key) {
        double seconds = Double.parseDouble(required(keys, key));
        if (!(seconds >= 0) || seconds > 3600) {
            throw new IllegalArgumentException(key + " out of range [0, 3600] s: " + key + "=" + seconds);
        }
        return (long) (seconds * 1e9);
    }
}

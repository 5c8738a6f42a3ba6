package io.sluice.bench.peers;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a peer run needs around the measurements: the peers installed (or a one-line reason why one is skipped),
 * the C harnesses built, iceoryx's RouDi and Aeron's media driver started and stopped, versions found, and the
 * shared-memory files of the run removed at the end.
 *
 * <p>Peers by key: {@code sluice-block}, {@code sluice-spin}, {@code iceoryx-block}, {@code iceoryx-spin},
 * {@code dds-udp}, {@code dds-shm}, {@code zmq-py}, {@code jeromq}, {@code pyshm-block}, {@code pyshm-spin},
 * {@code aeron-offer}, {@code aeron-claim}, {@code aeron-offer-block}, {@code sluice-warm} (fan-out only); the
 * physical-limit probes are {@code limits}.
 */
final class PeerSetup implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";
    /** RouDi prints this line once clients may connect. */
    static final String ROUDI_READY = "RouDi is ready for clients";
    static final String AERON_DRIVER_CLASS = "io.sluice.bench.peers.AeronDriver";
    static final List<String> AERON_JVM_OPTIONS = List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED");
    /**
     * Sluice's fan-out once the JIT has compiled its hot path: the source first sends {@link #PRIME} messages back
     * to back. At 15-30 Hz a fresh JVM runs loan, publish and take in the interpreter for its first seconds (C1
     * compiles after about 200 calls, C2 after thousands), which the plain {@code sluice-block} rows show.
     */
    static final String WARM_SLUICE = "sluice-warm";
    static final int PRIME = 20_000;
    /**
     * Sluice's fan-out as iceoryx's harness subscribes: every sink receives every message, a slow one holds the
     * source back ({@code Qos.reliable}). The plain {@code sluice-block} fan-out is lossy ({@code Qos.queue(4)}).
     */
    static final String RELIABLE_SLUICE = "sluice-reliable";

    private final Path root;
    private final Path work;
    private final Path bin;
    private final PrintStream progress;
    private final int domain;
    private final Path aeronDir;
    private final Set<String> shmBefore;
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private final Map<String, String> versions = new LinkedHashMap<>();
    private final List<PeerLauncher> launchers = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private HarnessProcess roudi;
    private boolean startedRouDi;
    private HarnessProcess aeronDriver;

    PeerSetup(Path root, PrintStream progress) {
        this.root = root;
        this.work = root.resolve("target").resolve("bench-peers");
        this.bin = work.resolve("bin");
        this.progress = progress;
        this.domain = 40000 + (int) (ProcessHandle.current().pid() % 10000);
        this.aeronDir = Path.of("/dev/shm", "sluice-peers-aeron-" + ProcessHandle.current().pid());
        this.shmBefore = PeersRun.shmEntries();
    }

    Path root() {
        return root;
    }

    Path work() {
        return work;
    }

    int domain() {
        return domain;
    }

    Path aeronDir() {
        return aeronDir;
    }

    /** Where the measurements' directories go: in memory, removed when the run ends. */
    Path runDirectory() {
        return Path.of("/dev/shm", "sluice-peers-" + ProcessHandle.current().pid() + "-run");
    }

    Map<String, String> environment() {
        // the ddsperf wrapper's DDS domain id: one of our own per run (0-232 are valid)
        return Map.of("PYTHONDONTWRITEBYTECODE", "1", "DDSPERF_DOMAIN", Integer.toString(100 + domain % 100));
    }

    /** Peer key -> why it did not run. */
    Map<String, String> skipped() {
        return skipped;
    }

    /** Family -> version string. */
    Map<String, String> versions() {
        return versions;
    }

    List<String> notes() {
        return notes;
    }

    List<PeerLauncher> launchers() {
        return launchers;
    }

    /** Whether {@code peer} runs on {@code point}: busy-polling peers stay out of fan-out (16 spinning sinks on a
     * few cores measure the scheduler); Aeron's sleeping variant, JIT-warmed and reliable Sluice run only there. */
    static boolean runs(Peer peer, Point point) {
        boolean fanout = Measurement.isFanout(point.workload());
        if (peer.key().equals("aeron-offer-block") || peer.key().equals(WARM_SLUICE)
            || peer.key().equals(RELIABLE_SLUICE)) {
            return fanout;
        }
        return !(fanout && peer.spin());
    }

    /**
     * Installs what is missing (unless {@code install} is false), builds the C harnesses, finds versions, starts
     * RouDi and the Aeron media driver, and fills {@link #launchers()} with the peers that can run ({@code only}:
     * peer keys or families to keep, empty for all).
     */
    void prepare(boolean install, Set<String> only) {
        try {
            Files.createDirectories(bin);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + bin + ": " + e.getMessage(), e);
        }
        if (install) {
            run("install", List.of("bash", root.resolve("sluice-bench/peers/install.sh").toString()), 900);
        }
        boolean native_ = run("build", List.of("bash", root.resolve("sluice-bench/peers/c/build.sh").toString(),
            bin.toString()), 300) == 0;
        findVersions();

        String sluiceVersion = versions.get("sluice");
        addJava(only, new Peer("sluice-block", "Sluice (futex wait)", "sluice", false, sluiceVersion), "sluice",
            List.of(), true);
        addJava(only, new Peer("sluice-spin", "Sluice (busy-poll)", "sluice", true, sluiceVersion), "sluice",
            List.of(), true);
        Peer reliable = new Peer(RELIABLE_SLUICE, "Sluice (futex wait, reliable)", "sluice", false, sluiceVersion);
        if (wanted(only, reliable.key(), reliable.family())) {
            launchers.add(PeerLauncher.java(reliable, "sluice", List.of()).withKeys(List.of("qos=reliable")));
        }
        Peer warm = new Peer(WARM_SLUICE, "Sluice (futex wait, JIT-warmed)", "sluice", false, sluiceVersion);
        if (wanted(only, warm.key(), warm.family())) {
            launchers.add(PeerLauncher.java(warm, "sluice", List.of()).withKeys(List.of("prime=" + PRIME)));
        }

        boolean iceoryx = Files.isExecutable(bin.resolve("iox-harness"));
        String roudiProblem = iceoryx ? null : native_ ? "iox-harness missing" : "the C harness did not build (see "
            + "target/bench-peers/logs/build.log)";
        if (iceoryx && wanted(only, "iceoryx-block", "iceoryx-spin", "iceoryx", "dds-shm", "cyclonedds")) {
            roudiProblem = startRouDi();
        }
        String iox = versions.get("iceoryx");
        addNative(only, new Peer("iceoryx-block", "iceoryx (waitset)", "iceoryx", false, iox),
            List.of(bin.resolve("iox-harness").toString()), "iceoryx", roudiProblem);
        addNative(only, new Peer("iceoryx-spin", "iceoryx (busy-poll)", "iceoryx", true, iox),
            List.of(bin.resolve("iox-harness").toString()), "iceoryx", roudiProblem);

        String dds = onPath("ddsperf") ? null : "ddsperf not found (Debian package cyclonedds-tools)";
        String ddsVersion = versions.get("cyclonedds");
        Path ddsRun = root.resolve("sluice-bench/peers/dds/ddsperf-run.sh");
        addWhole(only, new Peer("dds-udp", "Cyclone DDS (UDP loopback)", "cyclonedds", false, ddsVersion), ddsRun,
            "udp", dds);
        addWhole(only, new Peer("dds-shm", "Cyclone DDS (iceoryx shared memory)", "cyclonedds", false, ddsVersion),
            ddsRun, "shm", dds != null ? dds : roudiProblem);

        Path python = root.resolve("sluice-bench/peers/python/harness.py");
        String zmq = pythonProblem("import zmq, numpy", "python3-zmq and python3-numpy");
        String numpy = pythonProblem("import numpy", "python3-numpy");
        addNative(only, new Peer("zmq-py", "pyzmq (ipc://, numpy)", "zmq", false, versions.get("zmq")),
            List.of(PYTHON, python.toString()), "zmq", zmq);
        addNative(only, new Peer("pyshm-block", "Python shared_memory (poll, sleep)", "python-shm", false,
            versions.get("python-shm")), List.of(PYTHON, python.toString()), "shm", numpy);
        addNative(only, new Peer("pyshm-spin", "Python shared_memory (busy-poll)", "python-shm", true,
            versions.get("python-shm")), List.of(PYTHON, python.toString()), "shm", numpy);

        addJava(only, new Peer("jeromq", "JeroMQ (tcp loopback)", "jeromq", false, versions.get("jeromq")),
            "jeromq", List.of(), present("org.zeromq.ZMQ"));
        boolean aeron = present("io.aeron.Aeron") && present(AERON_DRIVER_CLASS);
        String aeronProblem = aeron ? null : "Aeron is not on the class path";
        if (aeron && wanted(only, "aeron-offer", "aeron-claim", "aeron-offer-block", "aeron")) {
            aeronProblem = startAeronDriver();
        }
        String aeronVersion = versions.get("aeron");
        for (Peer peer : List.of(new Peer("aeron-offer", "Aeron IPC (offer)", "aeron", true, aeronVersion),
            new Peer("aeron-claim", "Aeron IPC (tryClaim)", "aeron", true, aeronVersion),
            new Peer("aeron-offer-block", "Aeron IPC (offer, sleeping idle)", "aeron", false, aeronVersion))) {
            String transport = peer.key().equals("aeron-claim") ? "aeron-claim" : "aeron-offer";
            if (wanted(only, peer.key(), peer.family())) {
                if (aeronProblem != null) {
                    skip(peer, aeronProblem);
                } else {
                    launchers.add(PeerLauncher.java(peer, transport, AERON_JVM_OPTIONS));
                }
            }
        }
    }

    /** Whether the physical-limit probe can run. */
    boolean probes() {
        return Files.isExecutable(bin.resolve("probe"));
    }

    Path probe() {
        return bin.resolve("probe");
    }

    /**
     * Whether {@code --only} asks for any of {@code names} (peer keys or families): by name, or by a prefix of a key
     * ({@code sluice} selects {@code sluice-block} and {@code sluice-spin}).
     */
    static boolean wanted(Set<String> only, String... names) {
        if (only.isEmpty()) {
            return true;
        }
        for (String name : names) {
            for (String wanted : only) {
                if (name.equals(wanted) || name.startsWith(wanted + "-")) {
                    return true;
                }
            }
        }
        return false;
    }

    private void addJava(Set<String> only, Peer peer, String transport, List<String> jvm, boolean available) {
        if (!wanted(only, peer.key(), peer.family())) {
            return;
        }
        if (!available) {
            skip(peer, "its library is not on the class path");
            return;
        }
        launchers.add(PeerLauncher.java(peer, transport, jvm));
    }

    private void addNative(Set<String> only, Peer peer, List<String> program, String transport, String problem) {
        if (!wanted(only, peer.key(), peer.family())) {
            return;
        }
        if (problem != null) {
            skip(peer, problem);
            return;
        }
        launchers.add(new PeerLauncher(peer, program, transport, false));
    }

    private void addWhole(Set<String> only, Peer peer, Path script, String mode, String problem) {
        if (!wanted(only, peer.key(), peer.family())) {
            return;
        }
        if (problem != null) {
            skip(peer, problem);
            return;
        }
        launchers.add(new PeerLauncher(peer, List.of("bash", script.toString()), mode, true));
    }

    private void skip(Peer peer, String reason) {
        skipped.put(peer.key(), reason);
        progress.println("skipped " + peer.key() + ": " + reason);
    }

    private String startRouDi() {
        if (!onPath("iox-roudi")) {
            return "iox-roudi not found (Debian package iceoryx)";
        }
        if (roudiRunning()) {
            return "a RouDi of someone else runs on this machine; iceoryx allows one per machine and its mempools may"
                + " not fit";
        }
        roudi = HarnessProcess.start("roudi", List.of("iox-roudi", "-c",
                root.resolve("sluice-bench/peers/c/roudi.toml").toString()), logs().resolve("roudi.log"), Map.of(),
            ROUDI_READY);
        HarnessProcess.Outcome stopped = roudi.awaitReady(System.nanoTime() + 60_000_000_000L);
        if (stopped != null) {
            roudi.close();
            roudi = null;
            return "RouDi did not start: " + stopped.reason();
        }
        startedRouDi = true;
        return null;
    }

    /**
     * Whether a RouDi runs (in this mount namespace): it holds an flock on {@code /tmp/roudi.lock} for its life
     * (the check iceoryx's documentation gives).
     */
    private static boolean roudiRunning() {
        Path lock = Path.of("/tmp/roudi.lock");
        if (!Files.exists(lock)) {
            return false;
        }
        return output(List.of("flock", "-n", lock.toString(), "true"), 10) == null;
    }

    private String startAeronDriver() {
        List<String> command = new ArrayList<>(PeerLauncher.java(null, "", AERON_JVM_OPTIONS).program());
        command.set(command.size() - 1, AERON_DRIVER_CLASS);
        command.add("dir=" + aeronDir);
        aeronDriver = HarnessProcess.start("aeron-driver", command, logs().resolve("aeron-driver.log"), Map.of());
        HarnessProcess.Outcome stopped = aeronDriver.awaitReady(System.nanoTime() + 60_000_000_000L);
        if (stopped != null) {
            aeronDriver.close();
            aeronDriver = null;
            return "the Aeron media driver did not start: " + stopped.reason();
        }
        return null;
    }

    private Path logs() {
        Path logs = work.resolve("logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + logs + ": " + e.getMessage(), e);
        }
        return logs;
    }

    private String pythonProblem(String imports, String packages) {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return PYTHON + " not found";
        }
        return output(List.of(PYTHON, "-c", imports), 60) == null ? PYTHON + " cannot " + imports + " (Debian "
            + "packages " + packages + ")" : null;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, PeerSetup.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** The commit the run measured, {@code (with uncommitted changes)} when the tree differs from it. */
    String commit() {
        String commit = output(List.of("git", "-C", root.toString(), "rev-parse", "--short", "HEAD"), 30);
        if (commit == null) {
            return "unknown (not a git checkout)";
        }
        String dirty = output(List.of("git", "-C", root.toString(), "status", "--porcelain", "--untracked-files=no"),
            30);
        return commit.strip() + (dirty != null && !dirty.isBlank() ? " (with uncommitted changes)" : "");
    }

    private void findVersions() {
        versions.put("sluice", "0.1.0-SNAPSHOT, Java " + Runtime.version());
        versions.put("iceoryx", dpkg("iceoryx"));
        versions.put("cyclonedds", dpkg("cyclonedds-tools"));
        String zmq = output(List.of(PYTHON, "-c", "import sys, zmq, numpy; print('pyzmq %s, libzmq %s, numpy %s, "
            + "Python %s' % (zmq.__version__, zmq.zmq_version(), numpy.__version__, sys.version.split()[0]))"), 60);
        versions.put("zmq", zmq == null ? "not installed" : zmq.strip());
        String numpy = output(List.of(PYTHON, "-c", "import sys, numpy; print('multiprocessing.shared_memory, "
            + "numpy %s, Python %s' % (numpy.__version__, sys.version.split()[0]))"), 60);
        versions.put("python-shm", numpy == null ? "not installed" : numpy.strip());
        versions.put("jeromq", jarVersion("jeromq"));
        versions.put("aeron", jarVersion("aeron-all"));
        versions.put("limits", "sluice-bench/peers/c/probe.c, gcc -O2");
    }

    private static String jarVersion(String artifact) {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String file = Path.of(entry).getFileName().toString();
            if (file.startsWith(artifact + "-") && file.endsWith(".jar")) {
                return file.substring(artifact.length() + 1, file.length() - 4);
            }
        }
        return "not on the class path";
    }

    private static String dpkg(String pkg) {
        String version = output(List.of("dpkg-query", "-W", "-f", "${Version}", pkg), 30);
        return version == null || version.isBlank() ? "not installed" : version.strip() + " (Debian " + pkg + ")";
    }

    /** Runs {@code command}; its stdout when it exits 0 within {@code seconds}, else null. */
    static String output(List<String> command, int seconds) {
        Path capture = null;
        try {
            capture = Files.createTempFile("sluice-peers-output", ".txt");
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(capture.toFile()).start(); // to a file: a hung program cannot block the read
            process.getOutputStream().close();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 ? Files.readString(capture, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            if (capture != null) {
                try {
                    Files.deleteIfExists(capture);
                } catch (IOException e) {
                    // a temporary file left in the temporary directory
                }
            }
        }
    }

    /** Runs a preparation step with its output to the progress stream and a log; returns its exit code. */
    private int run(String step, List<String> command, int seconds) {
        Path log = logs().resolve(step + ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
            process.getOutputStream().close();
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                progress.println(step + ": did not finish within " + seconds + " s");
                return -1;
            }
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    progress.println(line);
                }
            }
            return process.exitValue();
        } catch (IOException e) {
            progress.println(step + ": cannot run " + command.getFirst() + ": " + e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Stops RouDi and the media driver, removes the run's Sluice domain and every /dev/shm entry it left. */
    @Override
    public void close() {
        if (aeronDriver != null) {
            aeronDriver.close();
            aeronDriver = null;
        }
        if (roudi != null) {
            roudi.close(15_000); // RouDi takes ~2 s to leave and removes its segments, socket and locks itself
            roudi = null;
        }
        PeersRun.deleteTree(aeronDir);
        PeersRun.deleteTree(Path.of("/dev/shm", "sluice-" + uid() + "-" + domain));
        for (String entry : PeersRun.newShmEntries(shmBefore)) {
            if (ours(entry)) {
                PeersRun.deleteTree(Path.of("/dev/shm", entry));
            } else {
                progress.println("note: /dev/shm/" + entry + " appeared during the run and is not the run's: left "
                    + "alone");
            }
        }
    }

    /**
     * The /dev/shm names this run creates: its Sluice domain, its directories, the Python harness's regions (named
     * after measurements {@code m<k>-<pid>}), and iceoryx's segments when this run started RouDi. Anything else that
     * appeared meanwhile belongs to someone else.
     */
    private boolean ours(String entry) {
        long pid = ProcessHandle.current().pid();
        return entry.equals("sluice-" + uid() + "-" + domain) || entry.equals("sluice-peers-" + pid + "-run")
            || entry.equals("sluice-peers-aeron-" + pid)
            || (entry.startsWith("sluice-peers-m") && entry.contains("-" + pid + "-"))
            || (startedRouDi && (entry.equals("iceoryx_mgmt") || entry.equals(System.getProperty("user.name"))));
    }

    static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }
}

package io.sluice.cli.torture;

import io.sluice.Loan;
import io.sluice.PublishTimeoutException;
import io.sluice.Publisher;
import io.sluice.PublisherOptions;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.SluiceException;
import io.sluice.SluiceOptions;
import io.sluice.Subscriber;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

/**
 * One torture run: a victim process plays its role on the topic and halts or stops at a fault point; the
 * survivors (this process: a subscriber of each QoS, and the publisher when the victim subscribes) go on and are
 * checked — every in-order subscriber's taken + lost equals what was published, nothing is torn, out of order or
 * taken twice, no single non-blocking call blocks long, and no file is left once everybody is gone.
 */
final class TortureRun {
    /** The QoS a victim subscriber takes with, in turn. */
    static final List<String> VICTIM_QOS = List.of("latest", "queue", "reliable");
    /**
     * The survivors: one per QoS, and {@code late}, a queue subscriber that joins first but takes nothing until the
     * victim is done, so that it never attaches to a publisher that comes and goes: what it is owed is charged to it
     * (by the closer or a reclaimer), exactly once, and a charge interrupted by a death shows here.
     */
    static final List<String> SURVIVOR_QOS = List.of("latest", "queue", "reliable", "late");
    private static final int COUNT = 30;
    private static final Duration VICTIM_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(15);
    private static final long STOP_NANOS = 300_000_000L;
    /** Roots and children of runs in progress: a coordinator stopped with Ctrl-C or SIGTERM removes them. */
    private static final java.util.Set<Path> LIVE_ROOTS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.Set<Process> LIVE_CHILDREN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process child : LIVE_CHILDREN) {
                signal(child.pid(), "CONT");
                child.destroyForcibly();
            }
            for (Path root : LIVE_ROOTS) {
                Sluice.clean(root);
                deleteTree(root);
            }
        }, "torture-cleanup"));
    }

    /** Makes a private root below /dev/shm that a coordinator stopped midway still removes. */
    static Path createRoot(String prefix) throws IOException {
        // named after this process, so that tools/clean-test-shm removes what a coordinator killed with -9 left
        Path root = Files.createTempDirectory(Path.of("/dev/shm"), prefix + ProcessHandle.current().pid() + "-");
        LIVE_ROOTS.add(root);
        return root;
    }

    /** Removes a root made by {@link #createRoot} with whatever is left in it. */
    static void removeRoot(Path root) {
        Sluice.clean(root);
        deleteTree(root);
        LIVE_ROOTS.remove(root);
    }

    /** What one survivor subscriber saw in one run. */
    record Outcome(String qos, long silentLoss, long overCount, long torn, long disorder, long worstBlockNanos,
                   long taken, long lost, long owedFrom, long owedTo) {
    }

    /** One run's verdict: per survivor QoS, plus what concerns the run as a whole. */
    record Result(TorturePoint point, String mode, String victimQos, boolean reached, List<Outcome> outcomes,
                  long publisherWorstBlockNanos, List<String> leftovers, String error) {
        boolean clean() {
            return error == null && leftovers.isEmpty() && outcomes.stream().allMatch(outcome ->
                outcome.silentLoss() == 0 && outcome.overCount() == 0 && outcome.torn() == 0 && outcome.disorder() == 0);
        }
    }

    private final TorturePoint point;
    private final String mode;
    private final String victimQos;
    private final int nth;

    TortureRun(TorturePoint point, String mode, String victimQos, int nth) {
        this.point = point;
        this.mode = mode;
        this.victimQos = victimQos;
        this.nth = nth;
    }

    /** A survivor subscriber and what it has taken of the victim's (or its own publisher's) samples. */
    private static final class Survivor {
        final String qos;
        final Subscriber<MemorySegment> subscriber;
        long taken;
        long last = -1;
        long torn;
        long disorder;
        long worstBlock;

        Survivor(String qos, Subscriber<MemorySegment> subscriber) {
            this.qos = qos;
            this.subscriber = subscriber;
        }

        boolean inOrder() {
            return !qos.equals("latest");
        }

        /** Whether it takes while the victim runs ({@code late} waits until the victim is done). */
        boolean eager() {
            return !qos.equals("late");
        }

        /** Takes what is there now; each take() is non-blocking, and the longest is kept. */
        void drain() {
            while (true) {
                long start = System.nanoTime();
                Sample<MemorySegment> sample;
                try {
                    sample = subscriber.take();
                } finally {
                    worstBlock = Math.max(worstBlock, System.nanoTime() - start);
                }
                if (sample == null) {
                    return;
                }
                try (sample) {
                    if (!TortureChild.intact(sample.segment(), sample.sequence())) {
                        torn++;
                    }
                    if (sample.sequence() <= last) {
                        disorder++;
                    }
                    last = sample.sequence();
                    taken++;
                }
            }
        }
    }

    /** The lines a child prints, collected by a reader thread. */
    static final class Child implements AutoCloseable {
        final Process process;
        final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        final StringBuilder stderr = new StringBuilder();
        private Thread stdoutPump;
        private Thread stderrPump;
        long before;
        long after;
        boolean done;

        Child(List<String> command) throws IOException {
            process = new ProcessBuilder(command).start();
            LIVE_CHILDREN.add(process);
            stdoutPump = pump(new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)), true);
            stderrPump = pump(new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8)), false);
        }

        /**
         * After the process ended: waits until every line it wrote has been read, then reads them. Counting the
         * samples a dead publisher announced must not miss the lines still in the pipe, nor the report of the
         * fault point it halted at.
         */
        void pollToEnd() throws InterruptedException {
            stdoutPump.join(10_000);
            stderrPump.join(10_000);
            poll();
        }

        private Thread pump(BufferedReader reader, boolean out) {
            return Thread.ofPlatform().daemon().start(() -> {
                try (reader) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        if (out) {
                            lines.add(line);
                        } else {
                            synchronized (stderr) {
                                if (stderr.length() < 16_384) {
                                    stderr.append(line).append('\n');
                                }
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            });
        }

        /** Reads what arrived: counts B and A lines, notes DONE; returns whether READY came. */
        boolean poll() {
            boolean ready = false;
            for (String line = lines.poll(); line != null; line = lines.poll()) {
                if (line.startsWith("B ")) {
                    before++;
                } else if (line.startsWith("A ")) {
                    after++;
                } else if (line.equals("DONE")) {
                    done = true;
                } else if (line.equals("READY")) {
                    ready = true;
                }
            }
            return ready;
        }

        String stderr() {
            synchronized (stderr) {
                return stderr.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
            LIVE_CHILDREN.remove(process);
        }
    }

    /** The AOT cache the children start from (see {@link #trainAotCache}), or null. */
    private static volatile Path aotCache;

    /**
     * Makes the children start faster: one training child plays every role once with {@code -XX:AOTCacheOutput}
     * (JEP 514), and later children start from the classes it loaded and linked (~0.1 s less per child, of ~0.3).
     * What the children do is unchanged; without a cache (an older JDK, a failed training) they start as before.
     *
     * @return a line for the report saying what was used
     */
    static String trainAotCache(Path directory) {
        Path cache = directory.resolve("torture-child.aot");
        Path root = null;
        try {
            root = createRoot("sluice-torture-train-");
            List<String> command = command(root, "train", "queue", 30, null);
            command.add(1, "-XX:AOTCacheOutput=" + cache);
            Process training = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!training.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                training.destroyForcibly().waitFor();
                return "children start without an AOT cache (training took over 120 s)";
            }
            if (training.exitValue() != 0 || !Files.isRegularFile(cache)) {
                return "children start without an AOT cache (training exited with " + training.exitValue() + ")";
            }
            aotCache = cache;
            return "children start from an AOT cache of " + Files.size(cache) / (1 << 20) + " MiB";
        } catch (IOException e) {
            return "children start without an AOT cache (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "children start without an AOT cache (interrupted)";
        } finally {
            if (root != null) {
                removeRoot(root);
            }
        }
    }

    /** Children start without the cache again (its directory is about to go). */
    static void forgetAotCache() {
        aotCache = null;
    }

    static List<String> command(Path root, String role, String qos, int count, String fault) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xmx128m");
        if (aotCache != null) {
            command.add("-XX:AOTCache=" + aotCache);
        }
        command.add("-Dsluice.faults=true");
        if (fault != null) {
            command.add(fault);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(TortureChild.class.getName());
        command.add(root.toString());
        command.add(role);
        command.add(qos);
        command.add(Integer.toString(count));
        return command;
    }

    Result run() {
        Path root;
        try {
            root = createRoot("sluice-torture-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Survivor> survivors = new ArrayList<>();
        String error = null;
        boolean reached = false;
        long publisherWorst = 0;
        List<String> leftovers;
        Child helper = null;
        Child victim = null;
        try {
            SluiceOptions options = SluiceOptions.defaults().withRoot(root).withDomain(0);
            try (Sluice sluice = Sluice.open("survivors", options)) {
                for (String qos : SURVIVOR_QOS) {
                    survivors.add(new Survivor(qos, sluice.subscriber(TortureChild.TOPIC, TortureChild.TYPE,
                        TortureChild.qos(qos.equals("late") ? "queue" : qos))));
                }
                Publisher<MemorySegment> publisher = null;
                if (point.role() == TorturePoint.Role.SUBSCRIBER) {
                    publisher = sluice.publisher(TortureChild.TOPIC, TortureChild.TYPE,
                        PublisherOptions.defaults().withSlots(4).withHistory(1).withInitialSize(256)
                            .withReliableTimeout(Duration.ofSeconds(1)));
                }
                if (point.role() == TorturePoint.Role.RECLAIMER) {
                    // a publisher that dies on its own; the victim is the process that reclaims it
                    helper = new Child(command(root, "publisher", "queue", 1_000_000, null));
                    long deadline = System.nanoTime() + VICTIM_TIMEOUT.toNanos();
                    while (helper.after < 10 && System.nanoTime() - deadline < 0) {
                        helper.poll();
                        drainEager(survivors);
                        Thread.sleep(1);
                    }
                    // SIGKILL through kill(1): Process.destroyForcibly also closes our end of its pipes, and the lines
                    // still in them (the samples it announced last) would be lost to the count
                    signal(helper.process.pid(), "KILL");
                    helper.process.waitFor();
                    helper.pollToEnd();
                    // the survivors keep still now: the victim, not they, is to find the dead publisher
                }
                String fault = "-Dsluice.fault." + mode + "=" + point.label() + "@" + nth;
                int victimCount = point.role() == TorturePoint.Role.SUBSCRIBER ? 3 * COUNT : COUNT;
                victim = new Child(command(root, point.role().argument(), victimQos, victimCount, fault));
                boolean victimReady = false;
                long deadline = System.nanoTime() + VICTIM_TIMEOUT.toNanos();
                long stoppedAt = 0;
                long nextPublish = System.nanoTime();
                while (System.nanoTime() - deadline < 0) {
                    victimReady |= victim.poll();
                    if (!reached && victim.stderr().contains("FAULT " + point.label())) {
                        reached = true;
                        stoppedAt = System.nanoTime();
                    }
                    if (mode.equals("stop") && stoppedAt != 0 && System.nanoTime() - stoppedAt > STOP_NANOS) {
                        signal(victim.process.pid(), "CONT");
                        stoppedAt = 0;
                    }
                    boolean victimGone = !victim.process.isAlive();
                    if (publisher != null && publisher.publishedCount() < 3L * COUNT
                        && (victimReady || reached || victimGone) && System.nanoTime() - nextPublish >= 0) {
                        long sequence = publisher.publishedCount();
                        long start = System.nanoTime();
                        try (Loan<MemorySegment> loan = publisher.loan(TortureChild.size(sequence, 3 * COUNT))) {
                            TortureChild.fill(loan.segment(), sequence);
                            loan.publish();
                        } catch (SluiceException slow) {
                            // a stopped reliable victim, or its registry lock: bounded, counted as a block
                        } finally {
                            publisherWorst = Math.max(publisherWorst, System.nanoTime() - start);
                        }
                        nextPublish = System.nanoTime() + 1_000_000;
                    }
                    if (helper == null || reached || victimGone) {
                        drainEager(survivors);
                    }
                    boolean publishing = publisher != null && publisher.publishedCount() < 3L * COUNT;
                    if (!victim.process.isAlive() && !publishing) {
                        break;
                    }
                    if (victimReady || reached || victimGone) {
                        Thread.sleep(0, 200_000);
                    } else {
                        Thread.sleep(1); // nothing moves before the victim has joined: leave its start the cpus
                    }
                }
                if (victim.process.isAlive()) {
                    error = "victim still running after " + VICTIM_TIMEOUT.toSeconds() + " s";
                } else {
                    victim.pollToEnd();
                    // a victim that halted right after reporting the point may be gone before the loop read it
                    reached |= victim.stderr().contains("FAULT " + point.label());
                }
                // what the survivors are owed by the publisher that came and went
                long lower;
                long upper;
                if (publisher != null) {
                    lower = upper = publisher.publishedCount();
                } else {
                    Child source = helper != null ? helper : victim;
                    lower = source.after;
                    upper = source.done ? source.after : source.before;
                }
                long settle = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
                while (System.nanoTime() - settle < 0 && !settled(survivors, lower)) {
                    survivors.forEach(Survivor::drain);
                    Thread.sleep(1);
                }
                List<Outcome> outcomes = new ArrayList<>();
                for (Survivor survivor : survivors) {
                    long accounted = survivor.taken + survivor.subscriber.lostCount();
                    outcomes.add(new Outcome(survivor.qos,
                        survivor.inOrder() ? Math.max(0, lower - accounted) : 0,
                        survivor.inOrder() ? Math.max(0, accounted - upper) : 0,
                        survivor.torn, survivor.disorder, survivor.worstBlock, survivor.taken,
                        survivor.subscriber.lostCount(), lower, upper));
                }
                if (publisher != null) {
                    publisher.close();
                }
                survivors.forEach(survivor -> survivor.subscriber.close());
                sluice.close();
                leftovers = files(root);
                return new Result(point, mode, victimQos, reached, outcomes, publisherWorst, leftovers,
                    error == null ? null : error + "; victim stderr: " + victim.stderr());
            }
        } catch (Exception | Error e) {
            return new Result(point, mode, victimQos, reached, List.of(), publisherWorst, files(root),
                e + (victim == null ? "" : "; victim stderr: " + victim.stderr()));
        } finally {
            closeQuietly(victim);
            closeQuietly(helper);
            removeRoot(root);
        }
    }

    private static void drainEager(List<Survivor> survivors) {
        for (Survivor survivor : survivors) {
            if (survivor.eager()) {
                survivor.drain();
            }
        }
    }

    private static boolean settled(List<Survivor> survivors, long owed) {
        for (Survivor survivor : survivors) {
            if (survivor.inOrder() && survivor.taken + survivor.subscriber.lostCount() < owed) {
                return false;
            }
        }
        return true;
    }

    private static void signal(long pid, String signal) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Child child) {
        if (child != null) {
            try {
                signal(child.process.pid(), "CONT"); // a stopped process cannot die of SIGKILL until continued
                child.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Every file below {@code root}, relative to it. */
    static List<String> files(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(path -> root.relativize(path).toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("(cannot list: " + e + ")");
        }
    }

    static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** For the report: the run's cells by survivor QoS. */
    static Map<String, Outcome> byQos(Result result) {
        Map<String, Outcome> cells = new LinkedHashMap<>();
        for (Outcome outcome : result.outcomes()) {
            cells.put(outcome.qos(), outcome);
        }
        return cells;
    }
}

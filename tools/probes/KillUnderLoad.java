import io.sluice.os.Native;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a survivor sees of a killed JVM under CPU load (see docs/RELIABILITY.md, "Blocks over 100 ms"). Run through
 * {@code tools/kill-under-load}; it measures, with a given number of busy-looping processes beside it:
 * <ol>
 *   <li>how late a thread that slept 1 ms is woken, and how long 1 ms of CPU work then takes on the wall clock
 *       (what every call that waits or computes suffers under load);</li>
 *   <li>the time from {@code SIGKILL} of a JVM that holds an open-file-description lock (the kind Sluice's rows and
 *       admin lock are) and has a touched 64 MiB shared mapping, to that lock probing free from this process with
 *       {@code F_OFD_GETLK} (polled every 0.2 ms), and to the victim being reaped.</li>
 * </ol>
 * The kernel drops a dead process's locks only when it closes its files, after its address space is torn down; no
 * survivor can see the death through the lock any sooner.
 */
public final class KillUnderLoad {
    private static final long MAPPED = 64L << 20;

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("victim")) {
            victim(Path.of(args[1]), Long.parseLong(args[2]));
            return;
        }
        if (args.length != 3) {
            System.err.println("usage: KillUnderLoad SPINNERS KILLS STRETCH-SECONDS");
            System.exit(2);
        }
        int spinners = Integer.parseInt(args[0]);
        int kills = Integer.parseInt(args[1]);
        int stretchSeconds = Integer.parseInt(args[2]);
        List<Process> load = Collections.synchronizedList(new ArrayList<>());
        Path lockFile = Path.of("/dev/shm/sluice-probe-" + ProcessHandle.current().pid());
        removeLeftovers(lockFile.getParent());
        Thread cleanup = new Thread(() -> { // also when interrupted (SIGINT, SIGTERM)
            load.forEach(Process::destroyForcibly);
            try {
                Files.deleteIfExists(lockFile);
            } catch (IOException e) {
                System.err.println("cannot remove " + lockFile + ": " + e);
            }
        });
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            for (int i = 0; i < spinners; i++) {
                load.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
            if (spinners > 0) {
                Thread.sleep(15_000); // let the load average show the load
            }
            System.out.printf("spinners %d, machine: %d cpus, %s %s, Java %s%n", spinners,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                    System.getProperty("os.version"), Runtime.version());
            stretch(stretchSeconds);
            kills(kills, lockFile);
        } finally {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            cleanup.run();
        }
    }

    /** A call that sleeps 1 ms, is woken, and computes for 1 ms: how late the wake-up and how long the work. */
    private static void stretch(int seconds) throws Exception {
        if (seconds <= 0) {
            return;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long[] late = new long[seconds * 1000];
        long[] work = new long[late.length];
        int n = 0;
        while (System.nanoTime() < end && n < late.length) {
            long s0 = System.nanoTime();
            Thread.sleep(1);
            long w0 = System.nanoTime();
            long c0 = threads.getCurrentThreadCpuTime();
            while (threads.getCurrentThreadCpuTime() - c0 < 1_000_000) {
                Thread.onSpinWait();
            }
            work[n] = System.nanoTime() - w0;
            late[n++] = w0 - s0 - 1_000_000;
        }
        System.out.printf("sleep 1 ms then 1 ms of CPU work, %d times: wake-up late by p50 %s, p99 %s, max %s;"
                + " the work's wall time p50 %s, p99 %s, max %s; load %s%n", n, percentile(late, n, 50),
                percentile(late, n, 99), percentile(late, n, 100), percentile(work, n, 50),
                percentile(work, n, 99), percentile(work, n, 100), loadAverage());
    }

    private static String percentile(long[] values, int n, int percent) {
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        return String.format("%.1f ms", sorted[Math.min(n - 1, (int) ((long) n * percent / 100))] / 1e6);
    }

    private static void kills(int kills, Path lockFile) throws Exception {
        Files.write(lockFile, new byte[8]);
        Files.setPosixFilePermissions(lockFile, PosixFilePermissions.fromString("rw-------"));
        int fd = Native.openChecked(lockFile, Native.O_RDWR, Native.Creation.EXISTING).fd();
        String java = ProcessHandle.current().info().command().orElseThrow();
        long[] unlocked = new long[kills];
        long[] reaped = new long[kills];
        try {
            for (int i = 0; i < kills; i++) {
                Process victim = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                        "-cp", System.getProperty("java.class.path"), KillUnderLoad.class.getName(), "victim",
                        lockFile.toString(), Long.toString(ProcessHandle.current().pid()))
                        .redirectErrorStream(true).start();
                String said = new BufferedReader(new InputStreamReader(victim.getInputStream())).readLine();
                if (!"READY".equals(said) || !Native.isLocked(fd, 0)) {
                    victim.destroyForcibly();
                    throw new IllegalStateException("victim not ready: " + said);
                }
                long t0 = System.nanoTime();
                victim.destroyForcibly(); // SIGKILL
                while (Native.isLocked(fd, 0)) {
                    Thread.sleep(0, 200_000);
                }
                unlocked[i] = System.nanoTime() - t0;
                victim.waitFor();
                reaped[i] = System.nanoTime() - t0;
            }
        } finally {
            Native.close(fd);
        }
        System.out.printf("SIGKILL to lock free over %d kills: p50 %s, p90 %s, max %s; to reaped: max %s; load %s%n",
                kills, percentile(unlocked, kills, 50), percentile(unlocked, kills, 90),
                percentile(unlocked, kills, 100), percentile(reaped, kills, 100), loadAverage());
    }

    private static void victim(Path lockFile, long proberPid) throws IOException, InterruptedException {
        int fd = Native.openChecked(lockFile, Native.O_RDWR, Native.Creation.EXISTING).fd();
        if (!Native.tryLock(fd, 0)) {
            throw new IllegalStateException("the lock is taken");
        }
        Path data = Path.of(lockFile + "-" + ProcessHandle.current().pid());
        int dataFd = Native.openChecked(data, Native.O_RDWR, Native.Creation.NEW).fd();
        Native.unlink(data);
        Native.allocate(dataFd, MAPPED);
        MemorySegment mapped = Native.map(dataFd, MAPPED, true, Arena.global());
        for (long offset = 0; offset < MAPPED; offset += 4096) {
            mapped.set(ValueLayout.JAVA_BYTE, offset, (byte) 1);
        }
        System.out.println("READY");
        System.out.flush();
        while (ProcessHandle.of(proberPid).map(ProcessHandle::isAlive).orElse(false)) {
            Thread.sleep(200); // a prober killed mid-run leaves no victim behind
        }
    }

    /** Removes the lock files of probers that were killed with SIGKILL (no shutdown hook ran). */
    private static void removeLeftovers(Path directory) throws IOException {
        try (var files = Files.newDirectoryStream(directory, "sluice-probe-*")) {
            for (Path file : files) {
                String pid = file.getFileName().toString().substring("sluice-probe-".length());
                if (pid.matches("[0-9]+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}

package io.sluice.bench.peers;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The machine a peer run ran on, as the report prints it: read from /proc and /etc, nothing assumed. */
final class MachineInfo {
    private MachineInfo() {
    }

    static String oneLine() {
        return String.format(Locale.ROOT, "%s, %d cores, %.1f GiB", cpu(), Runtime.getRuntime().availableProcessors(),
            memoryGiB());
    }

    /** {@code name | value} lines: CPU, cores, memory, /dev/shm, kernel, OS, JVM, load. */
    static List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("CPU | " + cpu());
        lines.add("cores | " + Runtime.getRuntime().availableProcessors());
        lines.add(String.format(Locale.ROOT, "memory | %.1f GiB", memoryGiB()));
        lines.add(String.format(Locale.ROOT, "/dev/shm | %.1f GiB tmpfs", shmGiB()));
        lines.add("kernel | " + first(Path.of("/proc/sys/kernel/osrelease"), ""));
        lines.add("OS | " + osName());
        lines.add("JVM | " + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        lines.add("load average at the start | " + first(Path.of("/proc/loadavg"), "").split(" ")[0]);
        return lines;
    }

    static String cpu() {
        for (String line : read(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return System.getProperty("os.arch");
    }

    private static double memoryGiB() {
        for (String line : read(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / (1024.0 * 1024.0);
            }
        }
        return 0;
    }

    private static double shmGiB() {
        try {
            FileStore store = Files.getFileStore(Path.of("/dev/shm"));
            return store.getTotalSpace() / (1024.0 * 1024 * 1024);
        } catch (IOException e) {
            return 0;
        }
    }

    private static String osName() {
        for (String line : read(Path.of("/etc/os-release"))) {
            if (line.startsWith("PRETTY_NAME=")) {
                return line.substring("PRETTY_NAME=".length()).replace("\"", "");
            }
        }
        return System.getProperty("os.name");
    }

    private static String first(Path file, String otherwise) {
        List<String> lines = read(file);
        return lines.isEmpty() ? otherwise : lines.getFirst().strip();
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}

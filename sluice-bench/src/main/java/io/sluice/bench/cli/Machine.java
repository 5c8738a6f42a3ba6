package io.sluice.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine a benchmark ran on, as every benchmark prints it: CPU model and cores, kernel, JVM, memory, and the
 * load average when the run started (other work on the machine skews the figures).
 *
 * @param cpuModel    {@code model name} from {@code /proc/cpuinfo}
 * @param cores       processors available to the JVM
 * @param kernel      {@code os.name} and {@code os.version}
 * @param jvm         vendor, VM name and full version
 * @param memoryBytes {@code MemTotal} from {@code /proc/meminfo}, 0 when unknown
 * @param loadAverage the one-minute load average from {@code /proc/loadavg}, -1 when unknown
 */
record Machine(String cpuModel, int cores, String kernel, String jvm, long memoryBytes, double loadAverage) {

    /** Describes this machine now. */
    static Machine describe() {
        return new Machine(readCpuModel(), Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name") + " " + System.getProperty("os.version"),
            System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + Runtime.version(),
            memTotal(), readLoadAverage());
    }

    private static String readCpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                return colon < 0 ? line : line.substring(colon + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    private static long memTotal() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                String[] fields = line.substring("MemTotal:".length()).trim().split("\\s+");
                try {
                    return Long.parseLong(fields[0]) * 1024;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    private static double readLoadAverage() {
        List<String> lines = lines(Path.of("/proc/loadavg"));
        if (lines.isEmpty()) {
            return -1;
        }
        try {
            return Double.parseDouble(lines.getFirst().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** One line: {@code cpu=AMD EPYC, cores=2, kernel=Linux 6.1, jvm=…, memory=24.0GiB, load=0.15}. */
    String describeLine() {
        return "cpu=" + cpuModel + ", cores=" + cores + ", kernel=" + kernel + ", jvm=" + jvm + ", memory="
            + String.format("%.1fGiB", memoryBytes / (double) (1L << 30)) + ", load=" + loadAverage;
    }

    /** The machine as a JSON object: {@code cpu_model}, {@code cores}, {@code kernel}, {@code jvm}, and so on. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cpu_model", cpuModel);
        json.put("cores", cores);
        json.put("kernel", kernel);
        json.put("jvm", jvm);
        json.put("memory_bytes", memoryBytes);
        json.put("load_average", loadAverage);
        return json;
    }
}

package io.sluice.bench.peers;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run of {@code ./sluice bench peers} was, for the header of its report.
 *
 * @param command      the command line as typed, e.g. {@code ./sluice bench peers --quick}
 * @param quick        whether it was the short smoke-test run (its figures are not for comparison)
 * @param date         when it ran, as it should be printed, e.g. {@code 22 November 2026}
 * @param commit       the commit of the tree that was measured, short form
 * @param machineLines one line per machine property, {@code name | value}, e.g. {@code CPU | AMD EPYC, 2 vCPUs}
 * @param settings     by name, in print order: warm-up and duration per workload, sizes, rates and the like
 * @param notes        one sentence each, printed as a list under the header
 */
public record RunInfo(String command, boolean quick, String date, String commit, List<String> machineLines,
                      Map<String, String> settings, List<String> notes) {
    public RunInfo {
        machineLines = List.copyOf(machineLines);
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        notes = List.copyOf(notes);
    }
}

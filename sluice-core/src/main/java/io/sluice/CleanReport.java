package io.sluice;

/**
 * What {@link Sluice#clean} removed.
 *
 * @param domains            domain directories of the user it swept
 * @param files              files it removed (of dead participants only)
 * @param bytes              their size
 * @param directoriesRemoved domain directories it removed because they were left empty
 */
public record CleanReport(int domains, long files, long bytes, int directoriesRemoved) {
}

package io.sluice.shm;

import io.sluice.os.Native;
import io.sluice.os.Doorbell;
import io.sluice.CorruptDataException;
import io.sluice.SluiceException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The directory of one user's domain, {@code <root>/sluice-<uid>-<domain>}: created 0700 and checked to belong to
 * the user; topic files {@code <base>.topic} and segment files {@code <base>.<generation>.seg} live in it, where
 * {@code base} is the topic name without its leading slash and with {@code /} turned into {@code .}
 * ({@code /camera/rgb} is {@code camera.rgb}); each process with executors keeps its doorbells in
 * {@code bells-<pid>.bell} ({@link Doorbell}). Files of any other name are foreign and left alone.
 *
 * <p>Anybody who can write the directory can put anything under those names. Every file is opened through
 * {@link Native#openChecked}, which opens without blocking or following links and accepts only a regular file of
 * the user with mode 0600; the sweep skips any other file (it is reported to whoever opens that topic) and goes on
 * with the next, and a name is removed only after {@code lstat} shows it is such a file.
 */
public final class Domain {
    static final String TOPIC_SUFFIX = ".topic";
    static final String SEGMENT_SUFFIX = ".seg";

    private final Path directory;
    /** What this object's unlinks removed: files and bytes (for {@code sluice clean}'s report). */
    private long removedFiles;
    private long removedBytes;

    private Domain(Path directory) {
        this.directory = directory;
    }

    /**
     * Sweeps every domain directory of this user below {@code root} ({@code sluice-<uid>-<n>}, a plain directory
     * the user owns), as {@link #sweep} does for one: a crash in a domain nobody opens again (each run of
     * {@code sluice demo} uses a fresh one) is cleaned up by the next participant of any domain. Nothing of a live
     * participant is touched. With {@code removeEmpty}, a domain directory left empty is removed too: only for an
     * explicit clean, since a process that has just created the directory to join it would find it gone.
     */
    public static io.sluice.CleanReport sweepAll(Path root, boolean removeEmpty) {
        String prefix = "sluice-" + Integer.toUnsignedString(currentUid()) + "-";
        int domains = 0;
        long files = 0;
        long bytes = 0;
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, prefix + "*")) {
            for (Path entry : entries) {
                String number = entry.getFileName().toString().substring(prefix.length());
                if (number.isEmpty() || !number.chars().allMatch(Character::isDigit) || !ownPlainDirectory(entry)) {
                    continue;
                }
                Domain domain = new Domain(entry);
                domain.sweep();
                domains++;
                files += domain.removedFiles;
                bytes += domain.removedBytes;
                if (removeEmpty && domain.removeIfEmpty()) {
                    removed++;
                }
            }
        } catch (IOException ignored) {
            // the root went away: nothing to sweep
        }
        return new io.sluice.CleanReport(domains, files, bytes, removed);
    }

    private static boolean ownPlainDirectory(Path path) {
        try {
            return Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                && (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == currentUid();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private boolean removeIfEmpty() {
        try {
            Files.delete(directory); // fails unless empty
            return true;
        } catch (IOException notEmptyOrGone) {
            return false;
        }
    }

    /** Opens (creating if needed) the directory of {@code domain} below {@code root}, and sweeps what crashes left. */
    public static Domain open(Path root, int domain) {
        int uid = currentUid();
        Path directory = root.resolve("sluice-" + Integer.toUnsignedString(uid) + "-" + domain);
        try {
            if (!Files.isDirectory(root)) {
                throw new SluiceException("shared-memory root is not a directory: root=" + root);
            }
            try {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(
                    Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                        PosixFilePermission.OWNER_EXECUTE)));
            } catch (FileAlreadyExistsException ignored) {
                // joined an existing domain
            }
            if (Files.isSymbolicLink(directory) || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw new SluiceException("domain path is not a plain directory: directory=" + directory);
            }
            int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner != uid) {
                throw new SluiceException("domain directory belongs to another user: directory=" + directory
                    + ", owner=" + owner + ", uid=" + uid);
            }
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new SluiceException("cannot open domain directory " + directory + ": " + describe(e), e);
        }
        sweepAll(root, false); // this domain, and what crashes left in the user's other domains
        return new Domain(directory);
    }

    /** An I/O failure in words: NIO's own messages are often just the path. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "Permission denied: " + e.getMessage();
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "No such file or directory: " + e.getMessage();
        }
        if (e instanceof java.nio.file.FileSystemException fileSystem && fileSystem.getReason() != null) {
            return fileSystem.getReason() + ": " + fileSystem.getFile();
        }
        return e.toString();
    }

    static int currentUid() {
        return Native.geteuid();
    }

    public Path directory() {
        return directory;
    }

    Path topicPath(String topic) {
        return directory.resolve(base(topic) + TOPIC_SUFFIX);
    }

    Path segmentPath(String base, int generation) {
        return directory.resolve(base + "." + Integer.toUnsignedString(generation) + SEGMENT_SUFFIX);
    }

    static String base(String topic) {
        return topic.substring(1).replace('/', '.');
    }

    /**
     * The names of the topics that have a file in this domain, sorted; a file whose name is not that of a valid
     * topic is foreign and skipped.
     */
    public java.util.List<String> topicNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + TOPIC_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String topic = "/" + name.substring(0, name.length() - TOPIC_SUFFIX.length()).replace('.', '/');
                try {
                    TopicNames.validate(topic);
                    names.add(topic);
                } catch (IllegalArgumentException foreign) {
                    // not a name Sluice makes
                }
            }
        } catch (IOException ignored) {
            // no directory: no topics
        }
        java.util.Collections.sort(names);
        return names;
    }

    /**
     * Removes {@code path} if it is a file Sluice could have made (a regular file of the user, mode 0600); anything
     * else under one of Sluice's names is left for whoever uses that name to report.
     */
    void unlinkQuietly(Path path) {
        try {
            long size = Native.check(path, Native.lstat(path)).size();
            if (Native.unlink(path)) {
                removedFiles++;
                removedBytes += size;
            }
        } catch (IOException | CorruptDataException ignored) {
            // already gone, or not ours to remove: nothing to do
        }
    }

    /** Removes every segment file of the topic whose files start with {@code base}. */
    void removeSegments(String base) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, base + ".*" + SEGMENT_SUFFIX)) {
            for (Path file : files) {
                if (segmentBase(file.getFileName().toString()).equals(base)) {
                    unlinkQuietly(file);
                }
            }
        } catch (IOException ignored) {
            // the directory went away: nothing left to remove
        }
    }

    /** The topic base of a segment file name, or "" when the name is not one of ours. */
    static String segmentBase(String name) {
        if (!name.endsWith(SEGMENT_SUFFIX)) {
            return "";
        }
        String stem = name.substring(0, name.length() - SEGMENT_SUFFIX.length());
        int dot = stem.lastIndexOf('.');
        if (dot <= 0) {
            return "";
        }
        for (int i = dot + 1; i < stem.length(); i++) {
            if (!Character.isDigit(stem.charAt(i))) {
                return "";
            }
        }
        return dot + 1 < stem.length() ? stem.substring(0, dot) : "";
    }

    /**
     * Removes what dead participants left: rows of dead participants, topic files nobody alive uses, segment files
     * of no live publisher. A topic that is busy (its admin lock held) is skipped; a damaged or foreign file is left
     * for whoever opens that topic, who gets an exception naming what is wrong with it.
     */
    public void sweep() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + TOPIC_SUFFIX)) {
            for (Path file : files) {
                TopicFile topic = TopicFile.openForSweep(this, file);
                if (topic == null) {
                    continue;
                }
                try {
                    topic.reclaimDead(-1, -1);
                    if (!topic.anyOtherAlive(-1, -1)) {
                        topic.removeTopicFiles();
                    } else {
                        removeUnownedSegments(topic, 0);
                    }
                } catch (RuntimeException e) {
                    // a damaged topic: reported to whoever uses it
                } finally {
                    topic.close();
                }
            }
        } catch (IOException ignored) {
            // the directory went away
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
                Doorbell.PREFIX + "*" + Doorbell.SUFFIX)) {
            for (Path file : files) {
                removeIfUnlocked(file); // a dead process's doorbells: its lock on byte 0 went with it
            }
        } catch (IOException ignored) {
            // the directory went away
        }
        java.util.Set<String> orphaned = new java.util.LinkedHashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SEGMENT_SUFFIX)) {
            for (Path file : files) {
                String base = segmentBase(file.getFileName().toString());
                if (!base.isEmpty() && !Files.exists(directory.resolve(base + TOPIC_SUFFIX), LinkOption.NOFOLLOW_LINKS)) {
                    orphaned.add(base); // its topic is gone, so is every participant of it
                }
            }
        } catch (IOException ignored) {
            // the directory went away
        }
        for (String base : orphaned) {
            removeOrphanedSegments(base);
        }
    }

    /**
     * Removes the segment files of {@code base}, whose topic file was gone, under that topic's admin lock: the sweep
     * makes (or finds) an empty topic file, locks it, removes the segments and then the empty file. A participant
     * creating the topic meanwhile either holds the lock first (then the topic is skipped: its creator removes
     * orphans itself, see {@link TopicFile#openLocked}) or opened the empty file and finds it unlinked once it gets
     * the lock, and starts again; so a segment named by a new topic's publisher is never removed here.
     */
    private void removeOrphanedSegments(String base) {
        Path path = directory.resolve(base + TOPIC_SUFFIX);
        int fd;
        try {
            fd = Native.openChecked(path, Native.O_RDWR, Native.Creation.EXISTING_OR_NEW).fd();
        } catch (IOException | CorruptDataException e) {
            return; // something else under the name: left for whoever opens that topic to report
        }
        try {
            if (!Native.tryLock(fd, TopicLayout.ADMIN_LOCK)) {
                return; // being created or used right now
            }
            Native.FileStatus status = Native.fstat(fd);
            if (status.links() == 0 || status.size() != 0) {
                return; // removed, or a topic again: its own participants tend its segments now
            }
            removeSegments(base);
            unlinkQuietly(path);
        } catch (IOException e) {
            // it went away: nothing to remove
        } finally {
            Native.close(fd); // drops the lock
        }
    }

    /** Removes the bell file of process {@code pid} if that process is dead (its lock on the file is free). */
    void removeDeadBells(int pid) {
        removeIfUnlocked(Doorbell.path(directory, pid));
    }

    private void removeIfUnlocked(Path file) {
        int fd;
        try {
            fd = Native.openChecked(file, Native.O_RDWR, Native.Creation.EXISTING).fd();
        } catch (IOException | CorruptDataException e) {
            return; // gone, or not a file of ours: left alone
        }
        try {
            if (Native.tryLock(fd, 0) && Native.sameFile(fd, file)) {
                unlinkQuietly(file); // still the file we locked, not one a new owner made in its place
            }
        } catch (IOException ignored) {
            // not ours to judge
        } finally {
            Native.close(fd);
        }
    }

    /**
     * Under the topic's admin lock: removes the segment files of the topic that no active publisher row owns. A row
     * owns the generations from its first to its current one whose header names its index and incarnation (older
     * ones it still keeps for slow subscribers, and removes itself). Before removing the files of a publisher that
     * is gone, each is sealed with the sequence its stream ended at, so subscribers still reading an old
     * generation can count what they can no longer reach. The rows set in {@code deadRows} (bit i: publisher row i)
     * are dead and being reclaimed by the caller, which holds their locks: they own nothing.
     */
    void removeUnownedSegments(TopicFile topic, long deadRows) {
        String base = topic.topicBase();
        record Unowned(Path path, int generation, SegmentMapping.Owner header) {
        }
        java.util.List<Unowned> unowned = new java.util.ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, base + ".*" + SEGMENT_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!segmentBase(name).equals(base)) {
                    continue;
                }
                int generation;
                try {
                    generation = Integer.parseUnsignedInt(
                        name.substring(base.length() + 1, name.length() - SEGMENT_SUFFIX.length()));
                } catch (NumberFormatException e) {
                    continue; // not a name Sluice makes: foreign, left alone
                }
                SegmentMapping.Owner header = SegmentMapping.readOwner(file); // null: gone, or not ours to judge
                if (header != null && !owned(topic, generation, header, deadRows)) {
                    unowned.add(new Unowned(file, generation, header));
                }
            }
        } catch (IOException ignored) {
            return; // the directory went away
        }
        // every file is sealed before any is charged for or removed: a reclaimer that dies midway leaves files that
        // all know the end, and the next one (which may find fewer of them) never lowers it (see SegmentMapping.seal)
        long[] ends = new long[unowned.size()];
        for (int i = 0; i < ends.length; i++) {
            Unowned file = unowned.get(i);
            if (file.header().valid()) {
                long end = file.header().knownEnd();
                for (Unowned other : unowned) {
                    if (other.header().valid() && other.header().publisherIndex() == file.header().publisherIndex()
                        && other.header().incarnation() == file.header().incarnation()
                        && TopicFile.generationAfter(other.generation(), file.generation())) {
                        end = Math.max(end, other.header().knownEnd());
                    }
                }
                ends[i] = end;
                SegmentMapping.seal(file.path(), end);
            }
        }
        // each gone incarnation is charged once, with the furthest end any of its files knows
        java.util.Map<Long, Long> published = new java.util.LinkedHashMap<>();
        for (int i = 0; i < ends.length; i++) {
            Unowned file = unowned.get(i);
            int index = file.header().publisherIndex();
            if (file.header().valid() && index >= 0 && index < TopicLayout.MAX_PUBLISHERS) {
                published.merge(((long) index << 32) | (file.header().incarnation() & 0xffffffffL), ends[i], Math::max);
            }
        }
        published.forEach((owner, end) -> topic.chargeUnattached((int) (owner >>> 32), (int) (long) owner, end));
        for (Unowned file : unowned) {
            if (FaultPoint.ENABLED) {
                FaultPoint.RECLAIM_CHARGED.hit();
            }
            unlinkQuietly(file.path());
        }
    }

    private static boolean owned(TopicFile topic, int generation, SegmentMapping.Owner header, long deadRows) {
        if (!header.valid() || header.publisherIndex() < 0 || header.publisherIndex() >= TopicLayout.MAX_PUBLISHERS
            || (deadRows & (1L << header.publisherIndex())) != 0) {
            return false;
        }
        PublisherRow row = topic.publisher(header.publisherIndex());
        return row.activeVolatile()
            && row.incarnationVolatile() == header.incarnation()
            && !TopicFile.generationAfter(row.firstGenerationVolatile(), generation)
            && !TopicFile.generationAfter(generation, row.generationVolatile());
    }
}

package io.sluice.os;

import io.sluice.CorruptDataException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The few Linux system calls Java lacks, made through libc's {@code syscall} with the FFM {@link Linker}:
 * {@code openat} with explicit permissions, {@code statx}, {@code fstatfs}, {@code mmap}/{@code munmap},
 * {@code fallocate}, open-file-description locks ({@code fcntl F_OFD_*}), {@code futex} and {@code futex_waitv}.
 *
 * <p>Every call that can fail reports {@code errno} through an {@link IOException} whose message names the
 * call, its argument and the error, e.g. {@code "open failed: path=/dev/shm/x, errno=13 (Permission denied)"}.
 * Linux only; x86_64 and aarch64.
 *
 * <p><b>Opening a file of the domain.</b> Sluice opens the files of its domain directory through
 * {@link #openChecked} only, because anybody who can write the directory can put anything under a name Sluice
 * uses. It opens with {@code O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC}, so that no kind of file can block the
 * open (a FIFO without a writer would, forever) or redirect it (a symlink), then asks {@code statx} about the
 * descriptor it got and accepts it only if it is
 * <ul>
 *   <li>a regular file: else {@code "not a regular file: file=…, type=fifo"} (socket, symlink, directory, …);</li>
 *   <li>owned by the effective user: else {@code "file belongs to another user: file=…, uid=…, expected=…"};</li>
 *   <li>of mode 0600 exactly, as Sluice creates its files:
 *       else {@code "file mode is not 0600: file=…, mode=0644"}.</li>
 * </ul>
 * A failure is a {@link CorruptDataException}, which the caller reports to whoever uses that topic, or, sweeping,
 * takes as a reason to leave the file alone. An open that fails because of what the name is (a symlink refused by
 * {@code O_NOFOLLOW}, a directory opened for writing, a socket) is reported the same way, after an {@code lstat}
 * of the name. The size the caller checks is the one {@code statx} gave with these checks, so nothing is looked up
 * again by name. A file it creates ({@code O_CREAT | O_EXCL}) is set to 0600 whatever the umask. {@code O_NONBLOCK}
 * stays set: on a regular file it changes nothing Sluice does (mapping, {@code posix_fallocate}, locks: Sluice
 * only ever tries a lock, and waits for one by polling, never with {@code F_OFD_SETLKW}).
 */
public final class Native {
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int O_NOCTTY = 0400;
    private static final int O_NONBLOCK = 04000;
    /** aarch64 keeps the 32-bit ARM value of this flag (0400000 is O_LARGEFILE there). */
    private static final int O_NOFOLLOW = switch (System.getProperty("os.arch")) {
        case "aarch64" -> 0100000;
        default -> 0400000;
    };
    private static final int O_CLOEXEC = 02000000;
    private static final boolean AARCH64 = System.getProperty("os.arch").equals("aarch64");
    private static final int O_DIRECTORY = AARCH64 ? 040000 : 0200000;
    /** An unnamed file in the given directory, freed when its last descriptor closes unless it is linked. */
    private static final int O_TMPFILE = 020000000 | O_DIRECTORY;
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_FOLLOW = 0x400;

    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 1;

    private static final int F_OFD_GETLK = 36;
    private static final int F_OFD_SETLK = 37;
    private static final short F_RDLCK = 0;
    private static final short F_WRLCK = 1;
    private static final short F_UNLCK = 2;

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;

    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int ENOENT = 2;

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;
    /** The only mode Sluice gives its files, and accepts on the files it opens. */
    private static final int FILE_MODE = 0600;

    /*
     * System call numbers: x86_64 (arch/x86/entry/syscalls/syscall_64.tbl) and aarch64, which uses the generic table
     * (include/uapi/asm-generic/unistd.h; it has only the *at forms of open, unlink and link).
     */
    private static final long SYS_OPENAT = AARCH64 ? 56 : 257;
    private static final long SYS_CLOSE = AARCH64 ? 57 : 3;
    private static final long SYS_UNLINKAT = AARCH64 ? 35 : 263;
    private static final long SYS_LINKAT = AARCH64 ? 37 : 265;
    private static final long SYS_FCNTL = AARCH64 ? 25 : 72;
    private static final long SYS_MMAP = AARCH64 ? 222 : 9;
    private static final long SYS_MUNMAP = AARCH64 ? 215 : 11;
    private static final long SYS_FALLOCATE = AARCH64 ? 47 : 285;
    private static final long SYS_PWRITE64 = AARCH64 ? 68 : 18;
    private static final long SYS_FCHMOD = AARCH64 ? 52 : 91;
    private static final long SYS_GETEUID = AARCH64 ? 175 : 107;
    private static final long SYS_FSTATFS = AARCH64 ? 44 : 138;
    private static final long SYS_KILL = AARCH64 ? 129 : 62;
    private static final long SYS_GETTID = AARCH64 ? 178 : 186;
    private static final long SYS_TGKILL = AARCH64 ? 131 : 234;
    private static final long SYS_FUTEX = AARCH64 ? 98 : 202;
    private static final long SYS_STATX = AARCH64 ? 291 : 332;
    /** {@code futex_waitv} (Linux 5.16): the same number on x86_64 and aarch64. */
    private static final long SYS_FUTEX_WAITV = 449;
    private static final int EOPNOTSUPP = 95;
    private static final int EIO = 5;

    private static final long AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long AT_EMPTY_PATH = 0x1000;
    /** STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_UID | STATX_INO | STATX_SIZE. */
    private static final long STATX_WANTED = 0x1 | 0x2 | 0x4 | 0x8 | 0x100 | 0x200;

    /** {@code FUTEX2_SIZE_U32}: each waiter is a 32-bit word; shared (no {@code FUTEX2_PRIVATE}). */
    private static final int FUTEX2_SIZE_U32 = 0x02;
    private static final int CLOCK_MONOTONIC = 1;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ETIMEDOUT = 110;
    /** Bytes of one {@code struct futex_waitv}: u64 val, u64 uaddr, u32 flags, u32 reserved. */
    public static final int FUTEX_WAITV_SIZE = 24;
    /** The kernel's limit on the words of one {@code futex_waitv}. */
    public static final int FUTEX_WAITV_MAX = 128;

    /** {@code struct flock}: identical on x86_64 and aarch64. */
    private static final StructLayout FLOCK = MemoryLayout.structLayout(
        ValueLayout.JAVA_SHORT.withName("l_type"),
        ValueLayout.JAVA_SHORT.withName("l_whence"),
        MemoryLayout.paddingLayout(4),
        JAVA_LONG.withName("l_start"),
        JAVA_LONG.withName("l_len"),
        JAVA_INT.withName("l_pid"),
        MemoryLayout.paddingLayout(4));

    private static final VarHandle L_TYPE = FLOCK.varHandle(MemoryLayout.PathElement.groupElement("l_type"));
    private static final VarHandle L_START = FLOCK.varHandle(MemoryLayout.PathElement.groupElement("l_start"));
    private static final VarHandle L_LEN = FLOCK.varHandle(MemoryLayout.PathElement.groupElement("l_len"));

    /**
     * {@code struct statx} (linux/stat.h): the same on every architecture, unlike {@code struct stat}. Only the
     * fields read here are named; the kernel writes all 256 bytes.
     */
    private static final StructLayout STATX = MemoryLayout.structLayout(
        JAVA_INT.withName("stx_mask"),
        JAVA_INT.withName("stx_blksize"),
        JAVA_LONG.withName("stx_attributes"),
        JAVA_INT.withName("stx_nlink"),
        JAVA_INT.withName("stx_uid"),
        JAVA_INT.withName("stx_gid"),
        JAVA_SHORT.withName("stx_mode"),
        MemoryLayout.paddingLayout(2),
        JAVA_LONG.withName("stx_ino"),
        JAVA_LONG.withName("stx_size"),
        MemoryLayout.paddingLayout(88), // stx_blocks, stx_attributes_mask, four timestamps, stx_rdev
        JAVA_INT.withName("stx_dev_major"),
        JAVA_INT.withName("stx_dev_minor"),
        MemoryLayout.paddingLayout(112));

    private static final VarHandle STX_NLINK = statxField("stx_nlink");
    private static final VarHandle STX_UID = statxField("stx_uid");
    private static final VarHandle STX_MODE = statxField("stx_mode");
    private static final VarHandle STX_INO = statxField("stx_ino");
    private static final VarHandle STX_SIZE = statxField("stx_size");
    private static final VarHandle STX_DEV_MAJOR = statxField("stx_dev_major");
    private static final VarHandle STX_DEV_MINOR = statxField("stx_dev_minor");

    /**
     * {@code struct statfs} of a 64-bit Linux (the same on x86_64 and aarch64): {@code f_bsize} at 8,
     * {@code f_blocks} at 16, {@code f_frsize} at 72.
     */
    private static final long STATFS_SIZE = 120;
    private static final long F_BSIZE = 8;
    private static final long F_BLOCKS = 16;
    private static final long F_FRSIZE = 72;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /**
     * Every call goes through libc's {@code long syscall(long number, ...)} with six {@code long} arguments (unused
     * ones 0, pointers as their addresses), which is how glibc reads them: one downcall stub for all of them. The FFM
     * linker spins a stub per distinct signature, 6–10 ms each at start-up: with a handle per function (sixteen
     * signatures) the first {@code Sluice.open} of a JVM took 318 ms, with this one 180 ms (medians of 8, one run).
     * Pointers passed as numbers do not keep their memory alive: every caller owns what it passes for the call.
     */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
        LINKER.defaultLookup().find("syscall")
            .orElseThrow(() -> new UnsupportedOperationException("libc symbol not found: name=syscall")),
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    /**
     * Where calls whose {@code errno} nobody reads let it be captured: threads may write it at once, and nobody
     * reads it, so it needs no owner, and such calls allocate nothing.
     */
    private static final MemorySegment IGNORED_ERRNO = Arena.global().allocate(CAPTURE);
    private static final int SIGSTOP = 19;
    private static final int SIGKILL = 9;

    private Native() {
    }

    private static VarHandle statxField(String name) {
        return STATX.varHandle(MemoryLayout.PathElement.groupElement(name));
    }

    /** {@link #syscall}, made again while it fails with {@code EINTR} (a signal came before it completed). */
    private static long syscallUninterrupted(MemorySegment state, long number, long a, long b, long c, long d, long e,
                                             long f) {
        long result;
        do {
            result = syscall(state, number, a, b, c, d, e, f);
        } while (result == -1 && errno(state) == EINTR);
        return result;
    }

    /**
     * System call {@code number} with up to six arguments; returns its result, or -1 with the error in
     * {@code state}'s {@code errno}.
     */
    private static long syscall(MemorySegment state, long number, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) SYSCALL.invokeExact(state, number, a, b, c, d, e, f);
        } catch (RuntimeException | Error failure) {
            throw failure;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** What {@link #openChecked} does when the file is there, or is not. */
    public enum Creation {
        /** Opens the file; {@link java.nio.file.NoSuchFileException} when there is none. */
        EXISTING,
        /** Creates the file, 0600; {@link java.nio.file.FileAlreadyExistsException} when the name is taken. */
        NEW,
        /** Opens the file, or creates it, 0600, when there is none. */
        EXISTING_OR_NEW
    }

    /** A descriptor {@link #openChecked} opened, and what {@code statx} said of its file when it checked it. */
    public record CheckedFile(int fd, FileStatus status, boolean created) {
        public long size() {
            return status.size();
        }
    }

    /** What {@code statx} says of a file: its type and permission bits, owner, link count, size and identity. */
    public record FileStatus(int mode, int uid, long links, long size, long device, long inode) {
        public boolean isRegularFile() {
            return (mode & S_IFMT) == S_IFREG;
        }

        public int permissions() {
            return mode & 07777;
        }

        /** The file type in a word: {@code regular}, {@code directory}, {@code symlink}, {@code fifo}, … */
        public String type() {
            return switch (mode & S_IFMT) {
                case S_IFREG -> "regular";
                case S_IFDIR -> "directory";
                case S_IFLNK -> "symlink";
                case S_IFIFO -> "fifo";
                case S_IFSOCK -> "socket";
                case S_IFCHR -> "character-device";
                case S_IFBLK -> "block-device";
                default -> "unknown-0" + Integer.toOctalString(mode & S_IFMT);
            };
        }

        /** Whether both describe the same file (device and inode). */
        public boolean sameFile(FileStatus other) {
            return device == other.device && inode == other.inode;
        }
    }

    /**
     * Opens a file of the domain directory and checks what it opened (see the class comment): a regular file of
     * the effective user, mode 0600. {@code access} is {@link #O_RDONLY} or {@link #O_RDWR}.
     *
     * @throws CorruptDataException when the name holds anything else, naming the file, what is wrong and the value
     * @throws java.nio.file.NoSuchFileException when the file is not there and {@code creation} is EXISTING
     * @throws IOException when the open fails for another reason (no descriptors left, no permission, …)
     */
    public static CheckedFile openChecked(Path path, int access, Creation creation) throws IOException {
        int flags = access | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
        for (int attempt = 1; ; attempt++) {
            if (creation != Creation.EXISTING) {
                int fd = open(path, flags | O_CREAT | O_EXCL, FILE_MODE);
                if (fd >= 0) {
                    return checked(path, fd, true);
                }
                if (-fd != EEXIST || creation == Creation.NEW) {
                    throw openFailure(path, -fd);
                }
            }
            int fd = open(path, flags, 0);
            if (fd >= 0) {
                return checked(path, fd, false);
            }
            if (-fd != ENOENT || creation == Creation.EXISTING || attempt == 100) {
                throw openFailure(path, -fd);
            }
            // removed between our two opens (a last participant leaving): create it after all
        }
    }

    private static CheckedFile checked(Path path, int fd, boolean created) throws IOException {
        try {
            if (created) {
                fchmod(fd, FILE_MODE); // the umask may have taken bits away
            }
            return new CheckedFile(fd, check(path, fstat(fd)), created);
        } catch (IOException | RuntimeException | Error e) {
            close(fd);
            throw e;
        }
    }

    /**
     * Accepts {@code status} as that of a file Sluice could have made: a regular file of the effective user with
     * mode 0600. Returns it.
     *
     * @throws CorruptDataException naming {@code path}, what is wrong and the value
     */
    public static FileStatus check(Path path, FileStatus status) {
        if (!status.isRegularFile()) {
            throw new CorruptDataException("not a regular file: file=" + path + ", type=" + status.type());
        }
        int user = geteuid();
        if (status.uid() != user) {
            throw new CorruptDataException("file belongs to another user: file=" + path + ", uid="
                + Integer.toUnsignedString(status.uid()) + ", expected=" + Integer.toUnsignedString(user));
        }
        if (status.permissions() != FILE_MODE) {
            throw new CorruptDataException("file mode is not 0600: file=" + path + ", mode="
                + String.format("%04o", status.permissions()));
        }
        return status;
    }

    /**
     * Why an open of {@code path} failed: a {@link CorruptDataException} when the name holds something Sluice
     * would not open (the open then fails with ELOOP for a symlink, EISDIR for a directory, ENXIO for a socket,
     * EEXIST for a name taken), otherwise the error itself as an {@link IOException}.
     */
    private static IOException openFailure(Path path, int errno) {
        IOException failure = error("open", "path=" + path, errno);
        if (errno != ENOENT) {
            FileStatus status;
            try {
                status = lstat(path);
            } catch (IOException gone) {
                return failure;
            }
            check(path, status);
        }
        return failure;
    }

    /** Opens {@code path}; {@code mode} applies when the file is created. Returns the descriptor, or -errno. */
    private static int open(Path path, int flags, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long fd = syscall(state, SYS_OPENAT, AT_FDCWD, arena.allocateFrom(path.toString()).address(), flags, mode,
                0, 0);
            return fd >= 0 ? (int) fd : -errno(state);
        }
    }

    /** Whether {@code fd} is the file {@code path} names now (false when the name is gone): same device and inode. */
    public static boolean sameFile(int fd, Path path) throws IOException {
        try {
            return fstat(fd).sameFile(lstat(path));
        } catch (java.nio.file.NoSuchFileException gone) {
            return false;
        }
    }

    /** {@code statx} of an open descriptor. */
    public static FileStatus fstat(int fd) throws IOException {
        return statx(fd, "", AT_EMPTY_PATH, "statx", "fd=" + fd);
    }

    /** {@code statx} of a name, not following a symlink: what the name itself is. */
    public static FileStatus lstat(Path path) throws IOException {
        return statx(AT_FDCWD, path.toString(), AT_SYMLINK_NOFOLLOW, "statx", "path=" + path);
    }

    private static FileStatus statx(long directory, String path, long flags, String call, String argument)
        throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment statx = arena.allocate(STATX);
            long rc = syscall(state, SYS_STATX, directory, arena.allocateFrom(path).address(), flags, STATX_WANTED,
                statx.address(), 0);
            if (rc != 0) {
                throw error(call, argument, errno(state));
            }
            return new FileStatus(
                Short.toUnsignedInt((short) STX_MODE.get(statx, 0L)),
                (int) STX_UID.get(statx, 0L),
                Integer.toUnsignedLong((int) STX_NLINK.get(statx, 0L)),
                (long) STX_SIZE.get(statx, 0L),
                (Integer.toUnsignedLong((int) STX_DEV_MAJOR.get(statx, 0L)) << 32)
                    | Integer.toUnsignedLong((int) STX_DEV_MINOR.get(statx, 0L)),
                (long) STX_INO.get(statx, 0L));
        }
    }

    /**
     * Creates an unnamed regular file in {@code directory} with mode {@code mode} ({@code O_TMPFILE}): nobody can
     * open it by name, and it vanishes with its last descriptor — so a process that dies while preparing it leaves
     * nothing behind. {@link #link} gives it a name once it is complete.
     */
    public static int openUnnamed(Path directory, int mode) throws IOException {
        int fd = open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
        if (fd < 0) {
            throw error("open(O_TMPFILE)", "directory=" + directory, -fd);
        }
        return fd;
    }

    /**
     * Gives the unnamed file open as {@code fd} the name {@code path} ({@code linkat} through
     * {@code /proc/self/fd}, which needs no privilege); fails with {@code EEXIST} when the name is taken.
     */
    public static void link(int fd, Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long rc = syscall(state, SYS_LINKAT, AT_FDCWD, arena.allocateFrom("/proc/self/fd/" + fd).address(),
                AT_FDCWD, arena.allocateFrom(path.toString()).address(), AT_SYMLINK_FOLLOW, 0);
            if (rc != 0) {
                throw error("linkat", "fd=" + fd + ", path=" + path, errno(state));
            }
        }
    }

    /**
     * The bytes the file system holding {@code fd} has in all, or -1 when it does not say (a {@code tmpfs} without
     * a size limit, {@code ramfs}: they report no blocks). No file that was ever written whole is larger.
     */
    public static long fileSystemSize(int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment statfs = arena.allocate(STATFS_SIZE, 8);
            long rc = syscall(state, SYS_FSTATFS, fd, statfs.address(), 0, 0, 0, 0);
            if (rc != 0) {
                throw error("fstatfs", "fd=" + fd, errno(state));
            }
            long blocks = statfs.get(JAVA_LONG, F_BLOCKS);
            // f_blocks counts f_frsize units (f_bsize when that is 0): the larger is an upper bound either way
            long unit = Math.max(statfs.get(JAVA_LONG, F_BSIZE), statfs.get(JAVA_LONG, F_FRSIZE));
            if (blocks <= 0 || unit <= 0) {
                return -1;
            }
            try {
                return Math.multiplyExact(blocks, unit);
            } catch (ArithmeticException beyondLong) {
                return Long.MAX_VALUE;
            }
        }
    }

    /** The effective user id of this process: the owner every file Sluice opens must have. */
    public static int geteuid() {
        return (int) syscall(IGNORED_ERRNO, SYS_GETEUID, 0, 0, 0, 0, 0, 0);
    }

    /** Closes {@code fd}, ignoring errors (as every caller would). */
    public static void close(int fd) {
        syscall(IGNORED_ERRNO, SYS_CLOSE, fd, 0, 0, 0, 0, 0);
    }

    /** Removes {@code path}; returns false when it did not exist. */
    public static boolean unlink(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long rc = syscall(state, SYS_UNLINKAT, AT_FDCWD, arena.allocateFrom(path.toString()).address(), 0, 0, 0, 0);
            if (rc != 0) {
                int errno = errno(state);
                if (errno == ENOENT) {
                    return false;
                }
                throw error("unlink", "path=" + path, errno);
            }
            return true;
        }
    }

    /** Sets the permission bits of an open file (independent of the umask). */
    public static void fchmod(int fd, int mode) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long rc = syscall(state, SYS_FCHMOD, fd, mode, 0, 0, 0, 0);
            if (rc != 0) {
                throw error("fchmod", "fd=" + fd, errno(state));
            }
        }
    }

    /**
     * Reserves the memory of an empty file of {@code length} bytes up front, so that running out of {@code /dev/shm}
     * is an exception here rather than a {@code SIGBUS} when a page is first written. On a file system without
     * {@code fallocate} it writes a zero byte into every page instead, as {@code posix_fallocate} does.
     */
    public static void allocate(int fd, long length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            long rc = syscallUninterrupted(state, SYS_FALLOCATE, fd, 0, 0, length, 0, 0);
            if (rc == 0) {
                return;
            }
            if (errno(state) != EOPNOTSUPP) {
                throw error("fallocate", "fd=" + fd + ", length=" + length, errno(state));
            }
            allocateByWriting(fd, length);
        }
    }

    /**
     * What {@code posix_fallocate} does where {@code fallocate} is not supported: writes a zero byte into every page
     * of an empty file, the last one at {@code length - 1}.
     */
    static void allocateByWriting(int fd, long length) throws IOException {
        if (fstat(fd).size() != 0) {
            throw error("fallocate", "fd=" + fd + ", length=" + length + " (not an empty file)", EOPNOTSUPP);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment zero = arena.allocate(1);
            for (long page = 0; page < length; page += 4096) {
                long offset = Math.min(page + 4095, length - 1); // the last page's write sets the length
                long written = syscallUninterrupted(state, SYS_PWRITE64, fd, zero.address(), 1, offset, 0, 0);
                if (written != 1) {
                    throw error("pwrite", "fd=" + fd + ", offset=" + offset, written < 0 ? errno(state) : EIO);
                }
            }
        }
    }

    /**
     * Maps {@code length} bytes of {@code fd} shared; {@code writable} selects read-write or read-only. The mapping
     * lives until {@code arena} closes. A read-only mapping is returned as a read-only segment, so a write through
     * it is an exception, never a fault.
     */
    public static MemorySegment map(int fd, long length, boolean writable, Arena arena) throws IOException {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = call.allocate(CAPTURE);
            int prot = writable ? PROT_READ | PROT_WRITE : PROT_READ;
            long address = syscall(state, SYS_MMAP, 0, length, prot, MAP_SHARED, fd, 0);
            if (address == -1L) {
                throw error("mmap", "fd=" + fd + ", length=" + length, errno(state));
            }
            MemorySegment mapped = MemorySegment.ofAddress(address)
                .reinterpret(length, arena, segment -> unmap(segment.address(), length));
            return writable ? mapped : mapped.asReadOnly();
        }
    }

    private static void unmap(long address, long length) {
        syscall(IGNORED_ERRNO, SYS_MUNMAP, address, length, 0, 0, 0, 0);
    }

    /**
     * Takes an exclusive open-file-description lock on byte {@code offset} of {@code fd} without waiting.
     * Returns false when another open file description holds it. The kernel drops the lock when the
     * description is closed, which happens when its process dies.
     */
    public static boolean tryLock(int fd, long offset) throws IOException {
        return lockCall(fd, F_OFD_SETLK, F_WRLCK, offset, "F_OFD_SETLK");
    }

    /** Releases a lock taken through {@code fd} on byte {@code offset}. */
    public static void unlock(int fd, long offset) throws IOException {
        lockCall(fd, F_OFD_SETLK, F_UNLCK, offset, "F_OFD_SETLK(unlock)");
    }

    /**
     * Whether some open file description other than {@code fd}'s holds a lock on byte {@code offset}. This probe
     * takes no lock itself.
     */
    public static boolean isLocked(int fd, long offset) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return isLocked(fd, offset, new ProbeBuffers(arena));
        }
    }

    /** Scratch memory for {@link #isLocked(int, long, ProbeBuffers)}, so that a periodic probe allocates nothing. */
    public static final class ProbeBuffers {
        private final MemorySegment flock;
        private final MemorySegment state;

        public ProbeBuffers(Arena arena) {
            this.flock = arena.allocate(FLOCK);
            this.state = arena.allocate(CAPTURE);
        }
    }

    /** {@link #isLocked(int, long)} with caller-owned scratch memory; not for concurrent use of one buffer. */
    public static boolean isLocked(int fd, long offset, ProbeBuffers buffers) throws IOException {
        MemorySegment state = buffers.state;
        MemorySegment flock = buffers.flock;
        flock.fill((byte) 0);
        L_TYPE.set(flock, 0L, F_WRLCK);
        L_START.set(flock, 0L, offset);
        L_LEN.set(flock, 0L, 1L);
        long rc = syscall(state, SYS_FCNTL, fd, F_OFD_GETLK, flock.address(), 0, 0, 0);
        if (rc != 0) {
            throw error("fcntl(F_OFD_GETLK)", "fd=" + fd + ", offset=" + offset, errno(state));
        }
        return (short) L_TYPE.get(flock, 0L) != F_UNLCK;
    }

    private static boolean lockCall(int fd, int command, short type, long offset, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE);
            MemorySegment flock = flock(arena, type, offset);
            long rc = syscallUninterrupted(state, SYS_FCNTL, fd, command, flock.address(), 0, 0, 0);
            if (rc != 0) {
                int errno = errno(state);
                if (command == F_OFD_SETLK && (errno == EAGAIN || errno == EACCES)) {
                    return false;
                }
                throw error("fcntl(" + name + ")", "fd=" + fd + ", offset=" + offset, errno);
            }
            return true;
        }
    }

    private static MemorySegment flock(Arena arena, short type, long offset) {
        MemorySegment flock = arena.allocate(FLOCK);
        L_TYPE.set(flock, 0L, type);
        L_START.set(flock, 0L, offset);
        L_LEN.set(flock, 0L, 1L);
        return flock;
    }

    /**
     * Sleeps while the 32-bit word at {@code address} equals {@code expected}, at most {@code timeoutNanos}
     * ({@code timespec} is scratch memory of 16 bytes owned by the caller's thread). Returns on a wake, a timeout,
     * a signal or when the word differs; callers re-check their condition in every case. Uses the shared
     * (non-private) futex, so wakes cross processes that map the same file.
     */
    public static void futexWait(MemorySegment address, int expected, long timeoutNanos, MemorySegment timespec) {
        timespec.set(JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
        timespec.set(JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
        syscall(IGNORED_ERRNO, SYS_FUTEX, address.address(), FUTEX_WAIT, expected, timespec.address(), 0, 0);
    }

    /** Wakes every thread sleeping on the word at {@code address}. */
    public static void futexWakeAll(MemorySegment address) {
        syscall(IGNORED_ERRNO, SYS_FUTEX, address.address(), FUTEX_WAKE, Integer.MAX_VALUE, 0, 0, 0);
    }

    /**
     * Fills entry {@code index} of a {@code struct futex_waitv} array: sleep while the 32-bit word at
     * {@code address} equals {@code expected}.
     */
    public static void futexWaitvEntry(MemorySegment waiters, int index, MemorySegment address, int expected) {
        long base = (long) index * FUTEX_WAITV_SIZE;
        waiters.set(JAVA_LONG, base, expected & 0xffff_ffffL);
        waiters.set(JAVA_LONG, base + 8, address.address());
        waiters.set(JAVA_INT, base + 16, FUTEX2_SIZE_U32);
        waiters.set(JAVA_INT, base + 20, 0);
    }

    /**
     * Sleeps on {@code count} words at once ({@code futex_waitv}, Linux 5.16): until one of them is woken, one of
     * them differs from its expected value already, or the {@code System.nanoTime()} deadline passes (that clock is
     * CLOCK_MONOTONIC on Linux). {@code timespec} (16 bytes) and {@code state} ({@link #captureStateSize()} bytes)
     * are scratch memory owned by the caller's thread. Callers re-check their conditions whatever this returns.
     *
     * @return the index of the word that woke us, or -1 (a word differed, timeout, signal)
     * @throws UnsupportedOperationException when the call fails other than by a wake, a timeout, a signal or a word
     *         that differs: the kernel has no {@code futex_waitv} (ENOSYS), a seccomp filter refuses it (EPERM)
     */
    public static int futexWaitv(MemorySegment waiters, int count, long deadlineNanos, MemorySegment timespec,
                                 MemorySegment state) {
        timespec.set(JAVA_LONG, 0, Math.floorDiv(deadlineNanos, 1_000_000_000L));
        timespec.set(JAVA_LONG, 8, Math.floorMod(deadlineNanos, 1_000_000_000L));
        long result = syscall(state, SYS_FUTEX_WAITV, waiters.address(), count, 0, timespec.address(),
            CLOCK_MONOTONIC, 0);
        if (result < 0) {
            int errno = errno(state);
            if (errno != EAGAIN && errno != ETIMEDOUT && errno != EINTR) {
                // ENOSYS: an older kernel; EPERM: a seccomp filter that does not know the call; anything else
                // would return at once forever: callers fall back rather than spin
                throw new UnsupportedOperationException("futex_waitv failed: errno=" + errno + " ("
                    + strerror(errno) + ")");
            }
        }
        return (int) result;
    }

    /**
     * Kills this process with SIGKILL, as {@code kill -9} from outside would: unlike {@link Runtime#halt}, which waits
     * up to 300 ms for threads in native code (a futex wait, a blocked read) before the process exits, it ends at
     * once, and the kernel releases its locks.
     */
    public static void killSelf() {
        syscall(IGNORED_ERRNO, SYS_KILL, ProcessHandle.current().pid(), SIGKILL, 0, 0, 0, 0);
    }

    /**
     * Stops this whole process with {@code SIGSTOP} until somebody sends it {@code SIGCONT}, before the calling thread
     * runs another instruction of its own: for fault injection.
     *
     * <p>The signal goes to the calling thread ({@code tgkill}), which then stops on its way back from the system
     * call. Sent to the process ({@code kill}), it is taken by a thread the kernel picks: in a JVM the launcher's
     * main thread, asleep in {@code pthread_join}, which must first wake up to stop the others. Meanwhile the caller
     * runs on; on a machine that wakes CPUs slowly (this project's CI), a publisher stopped "holding the admin lock"
     * went on for long enough to finish its close and release the lock before it stopped
     * ({@code TransportCrashDefectTest.shouldBoundWhatAParticipantStoppedWhileHoldingTheRegistryLockCostsTheOthers}
     * failed so in 5 of 28 runs).
     */
    public static void stopSelf() {
        long thread = syscall(IGNORED_ERRNO, SYS_GETTID, 0, 0, 0, 0, 0, 0);
        long rc = syscall(IGNORED_ERRNO, SYS_TGKILL, ProcessHandle.current().pid(), thread, SIGSTOP, 0, 0, 0);
        if (rc != 0) { // a caller that ran on would be the very failure this is for
            throw new IllegalStateException("tgkill(SIGSTOP) of this thread failed: rc=" + rc + ", tid=" + thread);
        }
    }

    /** Bytes of the errno capture state {@link #futexWaitv} needs. */
    public static long captureStateSize() {
        return CAPTURE.byteSize();
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static IOException error(String call, String argument, int errno) {
        String message = call + " failed: " + argument + ", errno=" + errno + " (" + strerror(errno) + ")";
        return switch (errno) {
            case EACCES -> new java.nio.file.AccessDeniedException(message);
            case ENOENT -> new java.nio.file.NoSuchFileException(message);
            case EEXIST -> new java.nio.file.FileAlreadyExistsException(message);
            default -> new IOException(message);
        };
    }

    private static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) Strerror.HANDLE.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** {@code strerror}, linked when an error is first reported: its stub costs start-up time nobody needs. */
    private static final class Strerror {
        static final MethodHandle HANDLE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }
}

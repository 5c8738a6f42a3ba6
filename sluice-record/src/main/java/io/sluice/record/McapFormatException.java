package io.sluice.record;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not the MCAP it claims to be: wrong magic, a record running past the end of the file or of its
 * parent, a bad CRC, a field that cannot hold what it says. The message names the file, the offset and the record.
 */
public final class McapFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long offset;
    private final String record;

    McapFormatException(Path file, long offset, String record, String problem) {
        super("bad MCAP file " + file + ": " + problem + " (" + record + " record at offset " + offset + ")");
        this.file = file;
        this.offset = offset;
        this.record = record;
    }

    /** The file that was read. */
    public Path file() {
        return file;
    }

    /** Where in the file the record with the problem starts. */
    public long offset() {
        return offset;
    }

    /** The record's name as the specification spells it ("Chunk", "Message Index", ...). */
    public String record() {
        return record;
    }
}

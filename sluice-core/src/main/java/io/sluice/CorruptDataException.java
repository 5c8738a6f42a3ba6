package io.sluice;

/**
 * Data read from shared memory or a file failed validation: a wrong magic, version or size, a truncated file,
 * an offset outside its region. The message names the file and the field with its value. Only the topic the
 * data belongs to is affected.
 */
public final class CorruptDataException extends SluiceException {
    public CorruptDataException(String message) {
        super(message);
    }
}

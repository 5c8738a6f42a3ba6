package io.sluice.record;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A Schema record: how the messages of the channels that name it are laid out. In the {@code ros2} profile
 * {@code encoding} is {@code ros2msg} and {@code data} the type's {@code .msg} text followed by its dependencies,
 * each after a line of 80 {@code =} and a line {@code MSG: package/Name}, as rosbag2 writes it (and as a Sluice
 * topic carries it, {@code docs/SHM-FORMAT.md} 4.2).
 *
 * @param id       1..65535, unique in the file
 * @param name     the type name, {@code package/msg/Name}
 * @param encoding the schema encoding, {@code ros2msg}; empty when there is no schema
 * @param data     the schema itself; the caller must not change it after handing it over
 */
public record McapSchema(int id, String name, String encoding, byte[] data) {
    public McapSchema {
        if (id < 1 || id > 0xFFFF) {
            throw new IllegalArgumentException("schema id out of range [1, 65535]: id=" + id);
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(encoding, "encoding");
        Objects.requireNonNull(data, "data");
    }

    /** The schema as UTF-8 text (the {@code ros2msg} encoding is text). */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Whether {@code other} describes the same schema (name, encoding and bytes), whatever its id. */
    boolean sameContent(String otherName, String otherEncoding, byte[] otherData) {
        return name.equals(otherName) && encoding.equals(otherEncoding) && Arrays.equals(data, otherData);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof McapSchema that && id == that.id && sameContent(that.name, that.encoding, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, encoding, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "McapSchema[id=" + id + ", name=" + name + ", encoding=" + encoding + ", data=" + data.length
            + " bytes]";
    }
}

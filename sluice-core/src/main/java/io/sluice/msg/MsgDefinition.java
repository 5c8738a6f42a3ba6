package io.sluice.msg;

import java.util.List;

/**
 * One message type of a schema: its full name, its fields in order (nested types resolved) and its constants.
 *
 * @param name      {@code package/msg/Name}
 * @param fields    the fields, in wire order
 * @param constants the constants
 * @param text      the {@code .msg} text it was parsed from
 */
public record MsgDefinition(String name, List<MsgField> fields, List<MsgConstant> constants, String text) {
    public MsgDefinition {
        fields = List.copyOf(fields);
        constants = List.copyOf(constants);
    }

    /** The package: {@code sensor_msgs}. */
    public String packageName() {
        return name.substring(0, name.indexOf('/'));
    }

    /** The name without package: {@code Image}. */
    public String simpleName() {
        return name.substring(name.lastIndexOf('/') + 1);
    }

    /** The name as {@code .msg} files refer to it: {@code sensor_msgs/Image}. */
    public String shortName() {
        return packageName() + "/" + simpleName();
    }

    /** The field called {@code fieldName}, or {@code null}. */
    public MsgField field(String fieldName) {
        for (int i = 0; i < fields.size(); i++) { // indexed: no iterator
            MsgField field = fields.get(i);
            if (field.name().equals(fieldName)) {
                return field;
            }
        }
        return null;
    }
}

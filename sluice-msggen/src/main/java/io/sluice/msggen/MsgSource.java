package io.sluice.msggen;

import io.sluice.msg.MsgSchema;

/**
 * One {@code .msg} file: the type it defines, where it was read from (for messages) and its text.
 *
 * @param type  {@code package/msg/Name}
 * @param where the file as a reader should find it: a path, or {@code (bundled) package/msg/Name.msg}
 * @param text  its content, line ends normalised to {@code \n}
 */
record MsgSource(String type, String where, String text) {
    MsgSource {
        text = text.replace("\r\n", "\n");
    }

    /** The ROS package: {@code sensor_msgs}. */
    String rosPackage() {
        return type.substring(0, type.indexOf('/'));
    }

    /** The message name: {@code Image}. */
    String simpleName() {
        return type.substring(type.lastIndexOf('/') + 1);
    }

    /** {@code where:line} for the line declaring field or constant {@code name}; {@code where} when there is none. */
    String at(String name) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String[] words = declaration(lines[i]);
            if (words.length >= 2 && words[1].equals(name)) {
                return at(i + 1);
            }
        }
        return where;
    }

    /** {@code where:line} for the first field whose type is {@code typeName} ({@code package/msg/Name}). */
    String atFieldOfType(String typeName) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String[] words = declaration(lines[i]);
            if (words.length >= 2) {
                String element = words[0].replaceAll("\\[.*$", "").replaceAll("<=.*$", "");
                String full = element.equals("Header") ? "std_msgs/msg/Header"
                    : MsgSchema.canonical(element, rosPackage());
                if (full.equals(typeName)) {
                    return at(i + 1);
                }
            }
        }
        return where;
    }

    /** {@code where:line}. */
    String at(int line) {
        return line > 0 ? where + ":" + line : where;
    }

    private static String[] declaration(String line) {
        String stripped = line.strip();
        if (stripped.isEmpty() || stripped.startsWith("#")) {
            return new String[0];
        }
        return stripped.split("[\\s=]+", 3);
    }
}

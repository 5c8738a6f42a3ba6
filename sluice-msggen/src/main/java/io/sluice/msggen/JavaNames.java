package io.sluice.msggen;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * How ROS 2 names become Java names: {@code frame_id} → {@code frameId()}, {@code k} of {@code float64[9] k} →
 * {@code K_LENGTH}, package {@code sensor_msgs} → {@code io.sluice.msg.sensor_msgs}.
 *
 * <p>A member name that Java or the flyweight base already uses gets a trailing {@code _}: a keyword or literal
 * ({@code class_()}), a method of {@link Object} ({@code toString_()}), a name starting with {@code cdr}
 * (the base class's namespace: {@code cdrOffset_()}); so do the constants {@code NAME}, {@code TYPE} and
 * {@code DEFINITION}, which every generated class declares itself.
 */
final class JavaNames {
    /** The JLS keywords and literals: not usable as identifiers. */
    static final Set<String> KEYWORDS = Set.of(
        "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
        "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
        "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
        "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
        "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "_");
    /** The methods of {@link Object}: a field accessor must not override or overload them. */
    static final Set<String> OBJECT_METHODS = Set.of(
        "toString", "hashCode", "equals", "getClass", "wait", "notify", "notifyAll", "clone", "finalize");
    /** Static fields every generated class declares. */
    static final Set<String> RESERVED_CONSTANTS = Set.of("NAME", "TYPE", "DEFINITION");

    /** A ROS 2 package name, which is also a Java package segment once keywords are escaped. */
    static final Pattern ROS_PACKAGE = Pattern.compile("[a-z][a-z0-9_]*");
    /** A ROS 2 message name, which is also the Java class name. */
    static final Pattern ROS_MESSAGE = Pattern.compile("[A-Z][A-Za-z0-9]*");
    /** A ROS 2 constant name. */
    static final Pattern ROS_CONSTANT = Pattern.compile("[A-Z][A-Z0-9_]*");
    private static final Pattern JAVA_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

    private JavaNames() {
    }

    /** The accessor name of field {@code fieldName}: lowerCamelCase, escaped. */
    static String member(String fieldName) {
        return escapeMember(lowerCamel(fieldName));
    }

    /** The name of the count accessor of sequence or array {@code fieldName}: {@code nameCount}, escaped. */
    static String countMember(String fieldName) {
        return escapeMember(lowerCamel(fieldName) + "Count");
    }

    /** {@code frame_id} → {@code frameId}, {@code K} → {@code k}, {@code frameID} → {@code frameID}. */
    static String lowerCamel(String fieldName) {
        StringBuilder name = new StringBuilder(fieldName.length());
        boolean upperNext = false;
        for (int i = 0; i < fieldName.length(); i++) {
            char c = fieldName.charAt(i);
            if (c == '_') {
                upperNext = name.length() > 0;
            } else if (name.length() == 0) {
                name.append(Character.toLowerCase(c));
            } else {
                name.append(upperNext ? Character.toUpperCase(c) : c);
                upperNext = false;
            }
        }
        return name.toString();
    }

    /** {@code orientation_covariance} → {@code ORIENTATION_COVARIANCE}, {@code frameID} → {@code FRAME_ID}. */
    static String upperSnake(String fieldName) {
        StringBuilder name = new StringBuilder(fieldName.length() + 4);
        for (int i = 0; i < fieldName.length(); i++) {
            char c = fieldName.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && !Character.isUpperCase(fieldName.charAt(i - 1))
                && fieldName.charAt(i - 1) != '_') {
                name.append('_');
            }
            name.append(Character.toUpperCase(c));
        }
        return name.toString();
    }

    /** The Java name of constant {@code name}. */
    static String constant(String name) {
        return RESERVED_CONSTANTS.contains(name) ? name + "_" : name;
    }

    /** The Java package segment of ROS package {@code rosPackage}. */
    static String packageSegment(String rosPackage) {
        return KEYWORDS.contains(rosPackage) ? rosPackage + "_" : rosPackage;
    }

    /** Whether {@code name} is a dotted Java name whose segments are identifiers, not keywords. */
    static boolean isQualifiedName(String name) {
        if (name == null || name.isEmpty() || name.startsWith(".") || name.endsWith(".")) {
            return false;
        }
        for (String segment : name.split("\\.", -1)) {
            if (!JAVA_IDENTIFIER.matcher(segment).matches() || KEYWORDS.contains(segment)) {
                return false;
            }
        }
        return true;
    }

    private static String escapeMember(String name) {
        if (KEYWORDS.contains(name) || OBJECT_METHODS.contains(name) || name.startsWith("cdr")) {
            return name + "_";
        }
        return name;
    }
}

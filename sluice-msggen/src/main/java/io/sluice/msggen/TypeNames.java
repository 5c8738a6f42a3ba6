package io.sluice.msggen;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names a generated class writes for the types it uses, and the imports they need.
 *
 * <p>A type is written by its simple name when that name means this type and nothing else in the file; otherwise
 * it is written qualified. A simple name is not free when it is the class's own name, a name already given to
 * another type, the name of another type in the same package (it would be shadowed by an import, and it shadows
 * {@code java.lang}: a {@code std_msgs/String} message makes every other class of its package write
 * {@code java.lang.String}), or the name of a static field of the class (a field obscures a type of the same name).
 */
final class TypeNames {
    private final String ownPackage;
    private final Set<String> samePackage;
    private final Set<String> fieldNames;
    private final Map<String, String> bySimpleName = new HashMap<>();
    private final TreeSet<String> imports = new TreeSet<>();

    /**
     * @param ownClass    the class being written, qualified
     * @param samePackage simple names of the other classes of its package
     * @param fieldNames  names of the class's static fields
     */
    TypeNames(String ownClass, Set<String> samePackage, Set<String> fieldNames) {
        this.ownPackage = packageOf(ownClass);
        this.samePackage = Set.copyOf(samePackage);
        this.fieldNames = Set.copyOf(fieldNames);
        bySimpleName.put(simpleName(ownClass), ownClass);
    }

    /** How to write {@code qualifiedName} in the class; records an import when one is needed. */
    String use(String qualifiedName) {
        String simple = simpleName(qualifiedName);
        String known = bySimpleName.get(simple);
        if (known != null) {
            return known.equals(qualifiedName) ? simple : qualifiedName;
        }
        if (fieldNames.contains(simple)) {
            return qualifiedName;
        }
        String pkg = packageOf(qualifiedName);
        if (pkg.equals(ownPackage)) {
            bySimpleName.put(simple, qualifiedName);
            return simple;
        }
        if (samePackage.contains(simple)) {
            return qualifiedName;
        }
        bySimpleName.put(simple, qualifiedName);
        if (!pkg.equals("java.lang")) {
            imports.add(qualifiedName);
        }
        return simple;
    }

    /** The import lines: other packages first, then {@code java.*}, each group sorted, a blank line between. */
    String importBlock() {
        StringBuilder own = new StringBuilder();
        StringBuilder java = new StringBuilder();
        for (String name : imports) {
            (name.startsWith("java.") || name.startsWith("javax.") ? java : own)
                .append("import ").append(name).append(";\n");
        }
        if (own.length() > 0 && java.length() > 0) {
            own.append('\n');
        }
        return own.append(java).toString();
    }

    static String simpleName(String qualifiedName) {
        return qualifiedName.substring(qualifiedName.lastIndexOf('.') + 1);
    }

    static String packageOf(String qualifiedName) {
        int dot = qualifiedName.lastIndexOf('.');
        return dot < 0 ? "" : qualifiedName.substring(0, dot);
    }
}

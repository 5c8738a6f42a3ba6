/**
 * A small JSON writer and reader over plain Java values (maps, lists, strings, numbers, booleans, null), enough
 * for the CLI's machine-readable output and the lines its child processes print, without a dependency.
 */
package io.sluice.cli.json;

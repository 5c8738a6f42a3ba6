/**
 * The CLI's JSON ({@link io.sluice.cli.json.Json}, on Jackson): its machine-readable output and the lines its child
 * processes print, over plain Java values (maps, lists, strings, numbers, booleans, null).
 */
package io.sluice.cli.json;

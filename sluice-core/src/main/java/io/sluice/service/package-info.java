/**
 * Request and response between processes, on top of the API: a {@link io.sluice.service.Service} answers the
 * requests of every {@link io.sluice.service.Client} of the same name, both written in place in shared memory.
 * {@code Service.open} and {@code Client.open} make them; {@code register(executor)} runs their callbacks on an
 * executor of {@code io.sluice.exec}. This package uses the public API of {@code io.sluice}, {@code io.sluice.msg}
 * and {@code io.sluice.exec} only, and none of those uses it ({@code PackageDependencyTest} checks both).
 */
package io.sluice.service;

/**
 * Safe file output for long runs: {@link io.rstar4j.core.io.AtomicFiles} (temp file in the same
 * directory, fsync, rename), {@link io.rstar4j.core.io.OutputPaths} (outputs checked against inputs
 * and each other, and for writability, before any work) and {@link io.rstar4j.core.io.RunLock} (one
 * writer per output, stale locks of dead processes taken over).
 */
package io.rstar4j.core.io;

/**
 * Helpers shared by the rstar4j modules: not part of the public API (the module exports this
 * package only to the other rstar4j modules), and free to change between releases.
 */
package io.rstar4j.core.internal;

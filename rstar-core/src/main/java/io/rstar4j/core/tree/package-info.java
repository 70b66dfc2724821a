/**
 * The saved-tree shape: a finished search's {@link io.rstar4j.core.tree.ReasoningTree}, a flat,
 * immutable list of {@link io.rstar4j.core.tree.ReasoningNode}s in depth-first pre-order with
 * parent indices, and its JSON-lines codec {@link io.rstar4j.core.tree.ReasoningTrees}. The search
 * exports it, tree files hold it one per line, and data extraction reads it.
 */
package io.rstar4j.core.tree;

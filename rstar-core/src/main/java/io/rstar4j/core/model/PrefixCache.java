package io.rstar4j.core.model;

import java.util.Arrays;

/**
 * Keys and values of prompt prefixes within a byte budget, indexed by a token trie (a radix tree
 * over token ids, as SGLang's radix cache), so that a lookup costs the length of the prompt, not
 * the number of entries. A lookup returns the entry sharing the longest common prefix with the
 * query (ties: the most recently used); the KV of that many tokens is valid for the query because
 * attention is causal.
 *
 * <p>Each entry holds the KV of one whole prompt and sits at the trie node where its tokens end.
 * Storing an entry drops the stored entries that are strict prefixes of it (their KV is inside the
 * new one), then evicts least recently used entries until the budget holds it; nodes left without
 * an entry below them are pruned and chains of single children merged, so the trie stays as small
 * as the set of entries. Every node knows the most recently used entry below it, which is how the
 * tie rule is kept without a scan. Not thread-safe (the model serialises generation).
 */
final class PrefixCache {
  private static final int[] NO_TOKENS = new int[0];

  private final long capacityBytes;
  private Node root = new Node(null, NO_TOKENS, 0);

  /** Least recently used first: {@code head.next} is evicted first, {@code head.prev} is newest. */
  private final Slot head = new Slot(null, null);

  private int entries;
  private long bytes;
  private long clock;
  private long lookups;
  private long hits;
  private long lookedUpTokens;
  private long reusedTokens;
  private long evictions;

  PrefixCache(long capacityBytes) {
    this.capacityBytes = capacityBytes;
    head.prev = head;
    head.next = head;
  }

  /** A match: the entry and how many of its leading tokens the query shares. */
  record Match(KvEntry entry, int length) {}

  /**
   * A trie node: the path from the root spells {@code seq[0, depth)}; the edge into it is {@code
   * seq[parent.depth, depth)} ({@code seq} is the token array of an entry at or below this node).
   */
  private static final class Node {
    Node parent;
    int[] seq;
    int depth;
    int[] keys = NO_TOKENS; // first token of each child's edge, ascending
    Node[] kids = new Node[0];
    int kidCount;
    Slot slot; // the entry ending exactly here, or null
    Slot newest; // the most recently used entry at or below this node (null only at an empty root)

    Node(Node parent, int[] seq, int depth) {
      this.parent = parent;
      this.seq = seq;
      this.depth = depth;
    }

    Node child(int token) {
      int i = Arrays.binarySearch(keys, 0, kidCount, token);
      return i >= 0 ? kids[i] : null;
    }

    void putChild(int token, Node n) {
      int i = Arrays.binarySearch(keys, 0, kidCount, token);
      if (i >= 0) {
        kids[i] = n;
        return;
      }
      i = -i - 1;
      if (kidCount == keys.length) {
        int cap = Math.max(2, kidCount * 2);
        keys = Arrays.copyOf(keys, cap);
        kids = Arrays.copyOf(kids, cap);
      }
      System.arraycopy(keys, i, keys, i + 1, kidCount - i);
      System.arraycopy(kids, i, kids, i + 1, kidCount - i);
      keys[i] = token;
      kids[i] = n;
      kidCount++;
    }

    void removeChild(int token) {
      int i = Arrays.binarySearch(keys, 0, kidCount, token);
      System.arraycopy(keys, i + 1, keys, i, kidCount - i - 1);
      System.arraycopy(kids, i + 1, kids, i, kidCount - i - 1);
      kidCount--;
      kids[kidCount] = null;
    }

    /** The first token of the edge into this node. */
    int edgeKey() {
      return seq[parent.depth];
    }
  }

  /** An entry in the LRU list, with the node it ends at. */
  private static final class Slot {
    final KvEntry entry;
    Node node;
    long stamp; // last use; larger is newer
    Slot prev;
    Slot next;

    Slot(KvEntry entry, Node node) {
      this.entry = entry;
      this.node = node;
    }
  }

  /**
   * The entry with the longest common prefix with {@code query}, at most {@code maxLength} tokens
   * of it; null when none shares a token.
   */
  Match lookup(int[] query, int maxLength) {
    lookups++;
    lookedUpTokens += query.length;
    int limit = Math.min(query.length, maxLength);
    Node node = root;
    Node below = null; // the node whose subtree holds every entry sharing `matched` tokens
    int matched = 0;
    while (matched < limit) {
      Node c = node.child(query[matched]);
      if (c == null) {
        break;
      }
      int end = Math.min(c.depth, limit);
      int i = matched + 1; // the first token matched by the child lookup
      int[] s = c.seq;
      while (i < end && s[i] == query[i]) {
        i++;
      }
      matched = i;
      below = c;
      if (i < c.depth) {
        break; // the query leaves (or is cut) inside this edge
      }
      node = c;
    }
    if (below == null) {
      return null;
    }
    Slot best = below.newest;
    touch(best);
    hits++;
    reusedTokens += matched;
    return new Match(best.entry, matched);
  }

  /** Stores an entry, dropping stored strict prefixes of it, then evicting to fit the budget. */
  void put(KvEntry e) {
    long size = e.bytes();
    if (size > capacityBytes) {
      return;
    }
    int[] t = e.tokens;
    int len = e.length;
    // The same tokens or a strict prefix of them: dropped (not counted as evictions).
    Node node = root;
    int depth = 0;
    while (true) {
      if (node.slot != null) {
        remove(node.slot);
        // `node` may have been pruned or merged away: walk again from the root.
        node = root;
        depth = 0;
        continue;
      }
      if (depth == len) {
        break;
      }
      Node c = node.child(t[depth]);
      if (c == null || c.depth > len || !sameEdge(c, t, depth)) {
        break;
      }
      node = c;
      depth = c.depth;
    }
    for (Slot s = head.next; bytes + size > capacityBytes && s != head; s = head.next) {
      remove(s);
      evictions++;
    }
    Node at = insert(t, len);
    Slot slot = new Slot(e, at);
    at.slot = slot;
    linkNewest(slot);
    markNewest(slot);
    entries++;
    bytes += size;
  }

  /** Empties the cache (the counters are kept). */
  void clear() {
    root = new Node(null, NO_TOKENS, 0);
    head.prev = head;
    head.next = head;
    entries = 0;
    bytes = 0;
  }

  PrefixCacheStats stats() {
    return new PrefixCacheStats(
        lookups, hits, lookedUpTokens, reusedTokens, entries, bytes, capacityBytes, evictions);
  }

  // ---------------------------------------------------------------- trie edits

  /** Whether the edge into {@code c} matches {@code t} from {@code from} to {@code c.depth}. */
  private static boolean sameEdge(Node c, int[] t, int from) {
    return Arrays.equals(c.seq, from, c.depth, t, from, c.depth);
  }

  /** The node where {@code t[0, len)} ends, made by splitting or adding edges. */
  private Node insert(int[] t, int len) {
    Node node = root;
    int depth = 0;
    while (depth < len) {
      Node c = node.child(t[depth]);
      if (c == null) {
        Node leaf = new Node(node, t, len);
        node.putChild(t[depth], leaf);
        return leaf;
      }
      int end = Math.min(c.depth, len);
      int i = depth + 1;
      while (i < end && c.seq[i] == t[i]) {
        i++;
      }
      if (i < c.depth) {
        // Split the edge into c at i: a new node for the shared part.
        Node mid = new Node(node, c.seq, i);
        mid.newest = c.newest;
        node.putChild(t[depth], mid);
        c.parent = mid;
        mid.putChild(c.seq[i], c);
        c = mid;
      }
      node = c;
      depth = i;
    }
    return node;
  }

  /** Unlinks an entry from the LRU list and the trie, pruning and merging what it leaves. */
  private void remove(Slot s) {
    s.prev.next = s.next;
    s.next.prev = s.prev;
    entries--;
    bytes -= s.entry.bytes();
    Node n = s.node;
    n.slot = null;
    // Prune nodes left with nothing below them.
    while (n != root && n.slot == null && n.kidCount == 0) {
      Node p = n.parent;
      p.removeChild(n.edgeKey());
      n = p;
    }
    // Merge a node left with no entry and a single child into that child.
    if (n != root && n.slot == null && n.kidCount == 1) {
      Node only = n.kids[0];
      Node p = n.parent;
      only.parent = p;
      p.putChild(n.edgeKey(), only);
      n = p;
    }
    // Nodes whose newest entry was this one learn their new newest, bottom up. A node whose
    // newest is another entry still has it, and so do its ancestors.
    for (; n != null && n.newest == s; n = n.parent) {
      Slot best = n.slot;
      for (int i = 0; i < n.kidCount; i++) {
        Slot k = n.kids[i].newest;
        if (best == null || k.stamp > best.stamp) {
          best = k;
        }
      }
      n.newest = best;
    }
  }

  /** Makes an entry the most recently used. */
  private void touch(Slot s) {
    s.prev.next = s.next;
    s.next.prev = s.prev;
    linkNewest(s);
    markNewest(s);
  }

  private void linkNewest(Slot s) {
    s.stamp = ++clock;
    s.prev = head.prev;
    s.next = head;
    head.prev.next = s;
    head.prev = s;
  }

  /** The entry is now the newest of every subtree holding it: its node and all above. */
  private static void markNewest(Slot s) {
    for (Node n = s.node; n != null; n = n.parent) {
      n.newest = s;
    }
  }
}

package io.rstar4j.core.tokenizer;

import java.util.Arrays;

/** A growable list of primitive ints (no boxing). */
final class IntList {
  private int[] a;
  private int size;

  IntList(int capacity) {
    a = new int[Math.max(4, capacity)];
  }

  void add(int v) {
    if (size == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[size++] = v;
  }

  void addAll(int[] vs) {
    ensure(size + vs.length);
    System.arraycopy(vs, 0, a, size, vs.length);
    size += vs.length;
  }

  private void ensure(int n) {
    if (n > a.length) {
      a = Arrays.copyOf(a, Math.max(n, a.length * 2));
    }
  }

  int get(int i) {
    return a[i];
  }

  int size() {
    return size;
  }

  void removeLast() {
    size--;
  }

  void clear() {
    size = 0;
  }

  int[] toArray() {
    return Arrays.copyOf(a, size);
  }
}

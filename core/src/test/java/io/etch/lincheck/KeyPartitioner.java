package io.etch.lincheck;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Splits a history into independent parts by the keys its operations touch.
 *
 * <p>Keys are independent registers as long as no operation touches two of them. An operation that
 * does (a multi-key transaction) ties its keys together: every key it touches must be checked in
 * the same part. The parts are therefore the connected components of the graph whose nodes are keys
 * and where each operation links all the keys it touches — computed with a union-find over the
 * keys. A history with only single-key operations splits into one part per key.
 *
 * <p>Parts come out in the order their first operation appears in the history; within a part the
 * operations keep their order. Operations touching no key at all form one extra part.
 */
public final class KeyPartitioner {

  private KeyPartitioner() {}

  /**
   * The connected components of keys touched together.
   *
   * @param keysOf the keys an operation's input touches (reads or writes)
   */
  public static <K, I, O> List<Partition<I, O>> byConnectedKeys(
      List<Operation<I, O>> history, Function<I, Collection<K>> keysOf) {
    Map<K, Integer> indexOfKey = new HashMap<>();
    List<K> keys = new ArrayList<>();
    List<Collection<K>> touched = new ArrayList<>(history.size());
    for (Operation<I, O> op : history) {
      Collection<K> opKeys = keysOf.apply(op.input());
      touched.add(opKeys);
      for (K key : opKeys) {
        if (indexOfKey.putIfAbsent(key, keys.size()) == null) {
          keys.add(key);
        }
      }
    }
    UnionFind components = new UnionFind(keys.size());
    for (Collection<K> opKeys : touched) {
      int first = -1;
      for (K key : opKeys) {
        int k = indexOfKey.get(key);
        first = first < 0 ? k : components.union(first, k);
      }
    }

    Map<Integer, List<Operation<I, O>>> byRoot = new LinkedHashMap<>();
    List<Operation<I, O>> keyless = new ArrayList<>();
    for (int i = 0; i < history.size(); i++) {
      Collection<K> opKeys = touched.get(i);
      if (opKeys.isEmpty()) {
        keyless.add(history.get(i));
      } else {
        int root = components.find(indexOfKey.get(opKeys.iterator().next()));
        byRoot.computeIfAbsent(root, r -> new ArrayList<>()).add(history.get(i));
      }
    }

    Map<Integer, List<K>> keysByRoot = new HashMap<>();
    for (int k = 0; k < keys.size(); k++) {
      keysByRoot.computeIfAbsent(components.find(k), r -> new ArrayList<>()).add(keys.get(k));
    }
    List<Partition<I, O>> parts = new ArrayList<>(byRoot.size() + 1);
    for (Map.Entry<Integer, List<Operation<I, O>>> e : byRoot.entrySet()) {
      parts.add(new Partition<>(label(keysByRoot.get(e.getKey())), e.getValue()));
    }
    if (!keyless.isEmpty()) {
      parts.add(new Partition<>("no key", keyless));
    }
    return parts;
  }

  private static <K> String label(List<K> keys) {
    if (keys.size() == 1) {
      return "key " + keys.get(0);
    }
    return keys.stream()
        .map(String::valueOf)
        .sorted()
        .collect(Collectors.joining(", ", "keys {", "}"));
  }
}

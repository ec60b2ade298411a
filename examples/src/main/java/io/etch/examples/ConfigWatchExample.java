package io.etch.examples;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.kv.GetResponse;
import io.etch.kv.KeyValue;
import io.etch.options.GetOption;
import io.etch.watch.Watch;
import io.etch.watch.WatchEvent;
import io.etch.watch.WatchOption;
import io.etch.watch.WatchResponse;
import io.etch.watch.Watcher;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watching configuration: load a prefix, then follow its changes — the pattern of every
 * config-driven service.
 *
 * <p>Read the whole prefix once (at revision R), then watch from R + 1: the watch guarantees every
 * change after the read arrives, in order, exactly once. If the application restarts, it resumes
 * from the last revision it applied + 1 and misses nothing (unless that history was compacted; then
 * it reads the prefix again).
 */
public final class ConfigWatchExample {
  private ConfigWatchExample() {}

  public static void main(String[] args) throws Exception {
    Path dir = LocalCluster.tempDir("etch-config");
    try {
      run(System.out, dir);
    } finally {
      LocalCluster.deleteRecursively(dir);
    }
  }

  static void run(PrintStream out, Path dir) throws Exception {
    try (LocalCluster cluster = LocalCluster.start(dir, "a", "b", "c")) {
      EtcdNode admin = cluster.node(0);
      EtcdNode app = cluster.node(1);
      ByteSequence prefix = ByteSequence.from("/config/checkout/");
      admin
          .kv()
          .put(ByteSequence.from("/config/checkout/currency"), ByteSequence.from("EUR"))
          .join();

      // 1. Load the current configuration.
      Map<String, String> config = new ConcurrentHashMap<>();
      GetResponse initial = app.kv().get(prefix, GetOption.builder().isPrefix(true).build()).join();
      for (KeyValue kv : initial.kvs()) {
        config.put(kv.key().toString(), kv.value().toString());
      }
      long[] applied = {initial.header().revision()};
      out.println("  loaded at revision " + applied[0] + ": " + config);

      // 2. Follow every change after that revision.
      Watcher watcher =
          app.watch()
              .watch(
                  prefix,
                  WatchOption.builder().isPrefix(true).withRevision(applied[0] + 1).build(),
                  Watch.listener(
                      (WatchResponse r) -> {
                        for (WatchEvent e : r.events()) {
                          String key = e.kv().key().toString();
                          switch (e.type()) {
                            case PUT -> config.put(key, e.kv().value().toString());
                            case DELETE -> config.remove(key);
                          }
                          applied[0] = e.kv().modRevision();
                        }
                        out.println("  applied up to revision " + applied[0] + ": " + config);
                      }));

      admin
          .kv()
          .put(ByteSequence.from("/config/checkout/timeout-ms"), ByteSequence.from("800"))
          .join();
      admin
          .kv()
          .put(ByteSequence.from("/config/checkout/currency"), ByteSequence.from("CHF"))
          .join();
      long last =
          admin
              .kv()
              .delete(ByteSequence.from("/config/checkout/timeout-ms"))
              .join()
              .header()
              .revision();
      LocalCluster.awaitTrue(() -> applied[0] >= last, "the watch to apply every change");
      watcher.close();

      // 3. After a restart the application resumes from the last applied revision + 1.
      admin.kv().put(ByteSequence.from("/config/checkout/retries"), ByteSequence.from("3")).join();
      long resumeFrom = applied[0] + 1;
      Watcher resumed =
          app.watch()
              .watch(
                  prefix,
                  WatchOption.builder().isPrefix(true).withRevision(resumeFrom).build(),
                  Watch.listener(
                      (WatchResponse r) -> {
                        for (WatchEvent e : r.events()) {
                          config.put(e.kv().key().toString(), e.kv().value().toString());
                          out.println(
                              "  resumed from revision "
                                  + resumeFrom
                                  + ": caught up with "
                                  + e.kv().key()
                                  + " = "
                                  + e.kv().value());
                        }
                      }));
      LocalCluster.awaitTrue(
          () -> config.containsKey("/config/checkout/retries"), "the resumed watch to catch up");
      resumed.close();
      out.println("Config watch example done: " + config);
    }
  }
}

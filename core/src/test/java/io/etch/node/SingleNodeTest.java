package io.etch.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.kv.GetResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SingleNodeTest {
  @TempDir Path dir;
  TestCluster cluster;
  EtcdNode node;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir, 1).start();
    node = cluster.nodes.get(0);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  static ByteSequence bs(String s) {
    return ByteSequence.from(s);
  }

  @Test
  void putThenGet() {
    long rev = node.kv().put(bs("a"), bs("1")).join().header().revision();
    assertEquals(1, rev);
    GetResponse r = node.kv().get(bs("a")).join();
    assertEquals(1, r.kvs().size());
    assertEquals(bs("1"), r.kvs().get(0).value());
  }
}

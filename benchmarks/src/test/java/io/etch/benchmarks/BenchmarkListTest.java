package io.etch.benchmarks;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Guards the JDK 23+ pitfall: without the processor path the jar has no benchmarks at all. */
class BenchmarkListTest {
  @Test
  void jmhAnnotationProcessorRegisteredTheBenchmarks() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
      assertNotNull(in, "META-INF/BenchmarkList missing: JMH's annotation processor did not run");
      String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(list.contains("ByteSequenceBenchmark"), list);
    }
  }
}

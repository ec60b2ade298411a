package io.etch.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build smoke-runs the main demo: a 3-member cluster, a watch, a CAS and a leader failover. */
class DemoTest {
  @TempDir Path dir;

  @Test
  void demoRunsTheClusterThroughAFailoverAndLosesNothing() throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Demo.run(new PrintStream(buf, true, StandardCharsets.UTF_8), dir);
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("leader: "), out);
    assertTrue(out.contains("compare-and-set blue -> green: succeeded"), out);
    assertTrue(out.contains("PUT /demo/config/mode = green"), out);
    assertTrue(out.contains("new leader: "), out);
    assertTrue(out.contains("reads 200 of 200 acknowledged keys"), out);
    assertTrue(out.contains("nothing acknowledged lost"), out);
    assertTrue(out.contains("lock handed to "), out);
    assertTrue(out.contains("'s candidate took over"), out);
    assertTrue(out.contains("vanished when its member died"), out);
  }
}

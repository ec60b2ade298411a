package io.etch.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DemoTest {
  @Test
  void demoRunsAndReportsTheBuild() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    Demo.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
    String out = buf.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("etch-core"), out);
    assertTrue(out.contains("is true"), out);
  }
}

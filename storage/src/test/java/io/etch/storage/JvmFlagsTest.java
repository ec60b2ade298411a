package io.etch.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JvmFlagsTest {
  @Test
  void theTestJvmHasEveryFlagTheBuildDeclares() {
    assertEquals(List.of(), JvmFlags.missing());
    assertDoesNotThrow(JvmFlags::requirePresent);
  }

  /** A JVM started without the flags fails at once with a message naming each missing flag. */
  @Test
  void aJvmWithoutTheFlagsIsToldExactlyWhichToAdd() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                RequireFlagsMain.class.getName())
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertNotEquals(0, p.exitValue(), out);
    for (String flag :
        List.of(
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")) {
      assertTrue(out.contains(flag), "message should name " + flag + ":\n" + out);
    }
  }

  /** Entry point of the child JVM. */
  public static final class RequireFlagsMain {
    public static void main(String[] args) {
      JvmFlags.requirePresent();
    }
  }
}

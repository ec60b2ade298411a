package io.etch.lincheck;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared linearizability fixtures: {@code ../shared/fixtures/linearizability} beside
 * the repository root. Tests run with the working directory {@code core/}, so the root is found by
 * walking up to the directory holding {@code mvnw}. A missing directory fails loudly, naming the
 * path tried: these tests must never be skipped silently.
 */
final class Fixtures {
  private Fixtures() {}

  static Path dir() {
    Path cwd = Path.of("").toAbsolutePath();
    Path root = cwd;
    while (root != null && !Files.isRegularFile(root.resolve("mvnw"))) {
      root = root.getParent();
    }
    Path tried =
        (root == null ? cwd.resolve("../../shared") : root.resolveSibling("shared"))
            .resolve("fixtures/linearizability")
            .normalize();
    if (!Files.isDirectory(tried)) {
      throw new IllegalStateException(
          "linearizability fixtures not found at "
              + tried
              + " (expected shared/fixtures/linearizability beside the repository root; working"
              + " directory "
              + cwd
              + ")");
    }
    return tried;
  }
}

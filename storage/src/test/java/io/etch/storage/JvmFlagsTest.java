package io.etch.storage;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class JvmFlagsTest {
  @Test
  void theTestJvmHasEveryFlagTheBuildDeclares() {
    assertEquals(List.of(), JvmFlags.missing());
    assertDoesNotThrow(JvmFlags::requirePresent);
  }
}

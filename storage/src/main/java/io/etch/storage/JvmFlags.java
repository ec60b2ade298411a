package io.etch.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks, before any off-heap structure is touched, that the JVM was started with the flags
 * chronicle-bytes and Agrona need.
 *
 * <p>Without them those libraries fail much later with reflection errors deep inside a mapping call
 * ("Failed to acquireByteStore", an {@code IllegalAccessException} on {@code map0}, an {@code
 * IllegalAccessError} in {@code org.agrona.UnsafeApi}). Checking the module graph up front turns
 * that into one message that lists exactly the flags to add.
 */
public final class JvmFlags {
  private JvmFlags() {}

  /** A package of {@code java.base} a library needs to see, and how it needs to see it. */
  private record Requirement(String pkg, boolean open, String neededBy) {
    boolean satisfied(Module javaBase, Module reader) {
      return open ? javaBase.isOpen(pkg, reader) : javaBase.isExported(pkg, reader);
    }

    String flag(String target) {
      return (open ? "--add-opens=" : "--add-exports=") + "java.base/" + pkg + "=" + target;
    }
  }

  private static final List<Requirement> REQUIREMENTS =
      List.of(
          new Requirement("java.lang.reflect", true, "chronicle-bytes memory mapping"),
          new Requirement("sun.nio.ch", false, "chronicle-bytes byte stores"),
          new Requirement("jdk.internal.ref", false, "chronicle-bytes cleaners"),
          new Requirement("jdk.internal.misc", false, "Agrona 2.x UnsafeApi"));

  /**
   * The flags missing from this JVM, each as it must be written on the command line; empty when all
   * are present.
   */
  public static List<String> missing() {
    Module javaBase = Object.class.getModule();
    Module reader = JvmFlags.class.getModule();
    String target = reader.isNamed() ? reader.getName() : "ALL-UNNAMED";
    List<String> missing = new ArrayList<>();
    for (Requirement r : REQUIREMENTS) {
      if (!r.satisfied(javaBase, reader)) {
        missing.add(r.flag(target) + "  (for " + r.neededBy + ")");
      }
    }
    return missing;
  }

  /**
   * Fails fast when a required flag is missing.
   *
   * @throws IllegalStateException naming every missing flag
   */
  public static void requirePresent() {
    List<String> missing = missing();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "Etch needs these JVM flags, which this JVM was started without:\n  "
              + String.join("\n  ", missing)
              + "\nAdd them to the java command line (see README, \"JVM flags\").");
    }
  }
}

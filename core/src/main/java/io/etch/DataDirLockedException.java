package io.etch;

import java.nio.file.Path;
import java.util.Objects;

/** Another node (in this or another process) holds the data directory's lock. */
public final class DataDirLockedException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final transient Path dataDir;

  public DataDirLockedException(Path dataDir) {
    super("data directory " + dataDir + " is locked by another node");
    this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public Kind kind() {
    return Kind.DATA_DIR_LOCKED;
  }
}

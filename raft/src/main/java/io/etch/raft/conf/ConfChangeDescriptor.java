package io.etch.raft.conf;

/**
 * Byte layout of an encoded {@link ConfChange} (the payload of a CONF_CHANGE entry), little-endian:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |   version     |     type      |                               |
 *  +---------------+---------------+                               |
 *  |                         node id (int64)                       |
 *  |                               +-------------------------------+
 *  |                               |   context length (int32)      |
 *  +-------------------------------+-------------------------------+
 *  |                     context bytes ...                         |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ConfChangeDescriptor {
  public static final byte VERSION = 1;
  public static final int VERSION_OFFSET = 0;
  public static final int TYPE_OFFSET = 1;
  public static final int NODE_ID_OFFSET = 2;
  public static final int CONTEXT_LENGTH_OFFSET = 10;
  public static final int HEADER_LENGTH = 14;

  /** A limit on the context so a corrupt length cannot make us allocate gigabytes. */
  public static final int MAX_CONTEXT_LENGTH = 64 * 1024;

  private ConfChangeDescriptor() {}
}

package io.etch.internal.request;

/** The kinds of replicated request, with their wire code ({@link RequestDescriptor}). */
public enum RequestKind {
  PUT(1),
  DELETE_RANGE(2),
  TXN(3),
  COMPACT(4),
  LEASE_GRANT(5),
  LEASE_REVOKE(6),
  LEASE_CHECKPOINT(7),
  ALARM(8);

  private static final RequestKind[] BY_CODE = new RequestKind[256];

  static {
    for (RequestKind kind : values()) {
      BY_CODE[kind.code] = kind;
    }
  }

  private final int code;

  RequestKind(int code) {
    this.code = code;
  }

  /** The kind's byte on the wire. */
  public int code() {
    return code;
  }

  /** The kind with this code, or {@code null} for an unknown code. */
  static RequestKind ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }
}

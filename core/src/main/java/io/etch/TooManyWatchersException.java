package io.etch;

/**
 * A watch was refused because this member already has {@code maxWatchers} open watches ({@code
 * EtcdNodeConfig.maxWatchers}). The watch ends at once with {@code onError} (no CREATED); closing
 * other watches makes room. Not retryable as is: the limit is per member, so the caller must close
 * watches or watch through another member.
 */
public final class TooManyWatchersException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String memberName;
  private final int limit;

  public TooManyWatchersException(String memberName, int limit) {
    super(
        "member "
            + memberName
            + " already has "
            + limit
            + " open watches, the limit (maxWatchers)");
    this.memberName = memberName;
    this.limit = limit;
  }

  /** The member that refused the watch. */
  public String memberName() {
    return memberName;
  }

  /** The member's {@code maxWatchers}. */
  public int limit() {
    return limit;
  }

  @Override
  public Kind kind() {
    return Kind.TOO_MANY_WATCHERS;
  }
}

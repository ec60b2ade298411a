package io.etch;

import java.util.Objects;

/**
 * An argument, option or config value is invalid, or two of them conflict. The message names the
 * argument(s) and the conflict; {@link #argument()} names the (first) offending argument as it is
 * spelled in the API, e.g. {@code "limit"} or {@code "prefix"}.
 */
public final class InvalidArgumentException extends EtchException {
  private static final long serialVersionUID = 1L;
  private final String argument;

  public InvalidArgumentException(String argument, String message) {
    super(message);
    this.argument = Objects.requireNonNull(argument, "argument");
  }

  public String argument() {
    return argument;
  }

  @Override
  public Kind kind() {
    return Kind.INVALID_ARGUMENT;
  }
}

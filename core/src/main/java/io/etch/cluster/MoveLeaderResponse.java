package io.etch.cluster;

import io.etch.kv.Header;
import java.util.Objects;

/** Leadership moved; {@code header.raftTerm()} is the new leader's term. */
public record MoveLeaderResponse(Header header) {
  public MoveLeaderResponse {
    Objects.requireNonNull(header, "header");
  }
}

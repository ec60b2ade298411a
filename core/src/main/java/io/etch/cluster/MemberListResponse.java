package io.etch.cluster;

import io.etch.kv.Header;
import java.util.List;
import java.util.Objects;

/** The members after a list, promote or remove. */
public record MemberListResponse(Header header, List<Member> members) {
  public MemberListResponse {
    Objects.requireNonNull(header, "header");
    members = List.copyOf(members);
  }
}

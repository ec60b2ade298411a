package io.etch.cluster;

import io.etch.kv.Header;
import java.util.List;
import java.util.Objects;

/**
 * An added member.
 *
 * @param member the member added
 * @param members every member after the addition
 */
public record MemberAddResponse(Header header, Member member, List<Member> members) {
  public MemberAddResponse {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(member, "member");
    members = List.copyOf(members);
  }
}

package io.etch.internal.membership;

import io.etch.cluster.MemberIds;
import io.etch.transport.tls.PeerIdentityVerifier;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * How a member's peer certificate proves which member it is: it names the member, in a DNS or URI
 * subject alternative name or the subject common name, either by the member's <b>name</b> (the
 * name's id under the cluster token is the claimed id) or by the transport's default {@code
 * etch-member-<raft id>}. Because ids derive from names, this needs no membership list, so a member
 * joining a cluster it knows nothing of yet can still check who contacts it.
 */
public final class MemberCertificates {
  private MemberCertificates() {}

  /** A verifier for members of the cluster created with {@code clusterToken}. */
  public static PeerIdentityVerifier verifier(String clusterToken) {
    PeerIdentityVerifier byRaftId = PeerIdentityVerifier.memberName();
    return (raftId, cert) -> {
      for (String name : names(cert)) {
        if (MembershipTable.raftId(MemberIds.memberId(clusterToken, name)) == raftId) {
          return true;
        }
      }
      return byRaftId.matches(raftId, cert);
    };
  }

  private static List<String> names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int kind = (Integer) san.get(0);
          if (kind == 2 || kind == 6) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if ("CN".equalsIgnoreCase(rdn.getType())) {
          names.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (CertificateParsingException | InvalidNameException e) {
      return List.of();
    }
    return names;
  }
}

package io.etch.transport.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.function.LongFunction;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Decides whether a CA-trusted peer certificate belongs to the member the peer claims to be (or the
 * member we dialled). The CA proves the certificate is ours; this binds it to one member id, so a
 * valid certificate of member 2 cannot impersonate member 3.
 */
@FunctionalInterface
public interface PeerIdentityVerifier {
  /** The name {@link #memberName()} expects for a member: {@code etch-member-<id>}. */
  static String defaultMemberName(long memberId) {
    return "etch-member-" + memberId;
  }

  /**
   * The default: the certificate carries a DNS or URI subject alternative name, or else a subject
   * common name, equal to {@code etch-member-<decimal id>}.
   */
  static PeerIdentityVerifier memberName() {
    return memberName(PeerIdentityVerifier::defaultMemberName);
  }

  /** Like {@link #memberName()} with another id-to-name mapping. */
  static PeerIdentityVerifier memberName(LongFunction<String> nameOfMember) {
    return (memberId, cert) -> {
      String expected = nameOfMember.apply(memberId);
      try {
        Collection<List<?>> sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
          for (List<?> san : sans) {
            int kind = (Integer) san.get(0);
            if ((kind == 2 || kind == 6) && expected.equals(san.get(1))) {
              return true;
            }
          }
        }
        for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
          if ("CN".equalsIgnoreCase(rdn.getType()) && expected.equals(rdn.getValue())) {
            return true;
          }
        }
        return false;
      } catch (CertificateParsingException | InvalidNameException e) {
        return false;
      }
    };
  }

  /** True when {@code certificate} identifies member {@code memberId}. */
  boolean matches(long memberId, X509Certificate certificate);
}

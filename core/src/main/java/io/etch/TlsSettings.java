package io.etch;

import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for peer connections, either as PEM files (like etcd's {@code --peer-cert-file}, {@code
 * --peer-key-file}, {@code --peer-trusted-ca-file}) or as JSSE factories. Peers authenticate each
 * other: every member presents its certificate and checks the others' against the trust material.
 * The config only carries these; the transport loads them when the node starts.
 */
public sealed interface TlsSettings permits TlsSettings.Pem, TlsSettings.Managers {
  /** Which form the settings take. */
  enum Kind {
    PEM,
    MANAGERS
  }

  Kind kind();

  /**
   * PEM files.
   *
   * @param certFile this member's certificate chain
   * @param keyFile its private key (PKCS#8)
   * @param trustedCaFile the CA certificates peers' certificates must chain to
   */
  record Pem(Path certFile, Path keyFile, Path trustedCaFile) implements TlsSettings {
    public Pem {
      Objects.requireNonNull(certFile, "certFile");
      Objects.requireNonNull(keyFile, "keyFile");
      Objects.requireNonNull(trustedCaFile, "trustedCaFile");
    }

    @Override
    public Kind kind() {
      return Kind.PEM;
    }
  }

  /** Initialised JSSE factories, for keys and trust held elsewhere (a keystore, an HSM). */
  record Managers(KeyManagerFactory keyManagers, TrustManagerFactory trustManagers)
      implements TlsSettings {
    public Managers {
      Objects.requireNonNull(keyManagers, "keyManagers");
      Objects.requireNonNull(trustManagers, "trustManagers");
    }

    @Override
    public Kind kind() {
      return Kind.MANAGERS;
    }
  }
}

package io.etch.transport.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * Mutual TLS for peer connections. Both sides present a certificate signed by a trusted CA ({@link
 * ClientAuth#REQUIRE}); then each side checks with the {@link PeerIdentityVerifier} that the
 * certificate names the member at the other end. Host names are not verified: members are
 * identified by id, not by address. With TLS on, a plaintext connection fails the TLS handshake and
 * is closed.
 *
 * <p>Build with {@link #pem} (PEM certificate chain, PEM PKCS#8 private key, PEM CA bundle) or
 * {@link #managers}; immutable.
 */
public final class TlsConfig {
  private final Path certChainPem;
  private final Path privateKeyPem;
  private final Path trustedCaPem;
  private final KeyManagerFactory keyManagers;
  private final TrustManagerFactory trustManagers;
  private final PeerIdentityVerifier identityVerifier;

  private TlsConfig(
      Path certChainPem,
      Path privateKeyPem,
      Path trustedCaPem,
      KeyManagerFactory keyManagers,
      TrustManagerFactory trustManagers,
      PeerIdentityVerifier identityVerifier) {
    this.certChainPem = certChainPem;
    this.privateKeyPem = privateKeyPem;
    this.trustedCaPem = trustedCaPem;
    this.keyManagers = keyManagers;
    this.trustManagers = trustManagers;
    this.identityVerifier = identityVerifier;
  }

  /**
   * TLS from PEM files: this member's certificate chain, its unencrypted PKCS#8 private key and the
   * CA certificates peers must be signed by; peers are identified by {@link
   * PeerIdentityVerifier#memberName()}.
   *
   * @throws IllegalArgumentException naming the file when one is not a readable regular file
   */
  public static TlsConfig pem(Path certChainPem, Path privateKeyPem, Path trustedCaPem) {
    requireReadable(certChainPem, "certificate chain");
    requireReadable(privateKeyPem, "private key");
    requireReadable(trustedCaPem, "trusted CA");
    return new TlsConfig(
        certChainPem, privateKeyPem, trustedCaPem, null, null, PeerIdentityVerifier.memberName());
  }

  /**
   * TLS from key and trust managers; peers are identified by {@link
   * PeerIdentityVerifier#memberName()}.
   */
  public static TlsConfig managers(
      KeyManagerFactory keyManagers, TrustManagerFactory trustManagers) {
    return new TlsConfig(
        null,
        null,
        null,
        Objects.requireNonNull(keyManagers, "keyManagers"),
        Objects.requireNonNull(trustManagers, "trustManagers"),
        PeerIdentityVerifier.memberName());
  }

  /** This configuration with another way of binding certificates to member ids. */
  public TlsConfig withIdentityVerifier(PeerIdentityVerifier verifier) {
    return new TlsConfig(
        certChainPem,
        privateKeyPem,
        trustedCaPem,
        keyManagers,
        trustManagers,
        Objects.requireNonNull(verifier, "verifier"));
  }

  public PeerIdentityVerifier identityVerifier() {
    return identityVerifier;
  }

  /**
   * The server-side context (client certificates required).
   *
   * @throws SSLException when the key material cannot be loaded
   */
  public SslContext newServerContext() throws SSLException {
    SslContextBuilder b =
        keyManagers != null
            ? SslContextBuilder.forServer(keyManagers)
            : SslContextBuilder.forServer(certChainPem.toFile(), privateKeyPem.toFile());
    b =
        trustManagers != null
            ? b.trustManager(trustManagers)
            : b.trustManager(trustedCaPem.toFile());
    return b.clientAuth(ClientAuth.REQUIRE).build();
  }

  /**
   * The client-side context.
   *
   * @throws SSLException when the key material cannot be loaded
   */
  public SslContext newClientContext() throws SSLException {
    SslContextBuilder b = SslContextBuilder.forClient().endpointIdentificationAlgorithm(null);
    b =
        keyManagers != null
            ? b.keyManager(keyManagers)
            : b.keyManager(certChainPem.toFile(), privateKeyPem.toFile());
    b =
        trustManagers != null
            ? b.trustManager(trustManagers)
            : b.trustManager(trustedCaPem.toFile());
    return b.build();
  }

  private static void requireReadable(Path p, String what) {
    Objects.requireNonNull(p, what);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      throw new IllegalArgumentException(what + " file " + p + " is not a readable regular file");
    }
  }
}

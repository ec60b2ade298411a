package io.etch.node;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * (A copy of the transport tests' helper: the transport publishes no test jar.) Generates a
 * throw-away PKI with the JDK's {@code keytool} in a temp directory: a CA and member certificates
 * it signs, exported as PEM (certificate chain, PKCS#8 key, CA). Nothing is committed.
 */
final class TestCertificates {
  private static final String PASS = "changeit";

  private final Path dir;

  public TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** PEM files of one member. */
  public record MemberPem(Path certChain, Path privateKey, Path trustedCa) {}

  /** Creates a CA named {@code caName}; returns its PEM certificate. */
  public Path createCa(String caName) throws Exception {
    Path store = dir.resolve(caName + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        "ca",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + caName,
        "-ext",
        "bc:c",
        "-validity",
        "2",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASS);
    Path pem = dir.resolve(caName + ".pem");
    keytool(
        "-exportcert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        store.toString(),
        "-storepass",
        PASS,
        "-file",
        pem.toString());
    return pem;
  }

  /**
   * A certificate for {@code name} (CN and DNS subject alternative name) signed by {@code caName},
   * with PEM files trusting {@code trustedCaPem}.
   */
  public MemberPem createMember(String caName, String name, Path trustedCaPem) throws Exception {
    Path store = dir.resolve(name + "-by-" + caName + ".p12");
    keytool(
        "-genkeypair",
        "-alias",
        "m",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=" + name,
        "-validity",
        "2",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASS);
    Path csr = dir.resolve(name + "-by-" + caName + ".csr");
    keytool(
        "-certreq",
        "-alias",
        "m",
        "-keystore",
        store.toString(),
        "-storepass",
        PASS,
        "-file",
        csr.toString());
    Path crt = dir.resolve(name + "-by-" + caName + ".crt");
    keytool(
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        dir.resolve(caName + ".p12").toString(),
        "-storepass",
        PASS,
        "-infile",
        csr.toString(),
        "-outfile",
        crt.toString(),
        "-validity",
        "2",
        "-ext",
        "SAN=dns:" + name,
        "-ext",
        "KU=digitalSignature,keyAgreement",
        "-ext",
        "EKU=serverAuth,clientAuth");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      ks.load(in, PASS.toCharArray());
    }
    Key key = ks.getKey("m", PASS.toCharArray());
    Path keyPem = dir.resolve(name + "-by-" + caName + ".key.pem");
    Files.writeString(
        keyPem,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
    Path chain = dir.resolve(name + "-by-" + caName + ".chain.pem");
    Files.writeString(
        chain, Files.readString(crt) + Files.readString(dir.resolve(caName + ".pem")));
    return new MemberPem(chain, keyPem, trustedCaPem);
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.add("-noprompt");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("keytool " + cmd + " failed: " + out);
    }
  }
}

package io.etch.node;

import static io.etch.node.MembershipTest.bs;
import static io.etch.node.MembershipTest.get;
import static io.etch.node.TestCluster.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.etch.EtcdNode;
import io.etch.transport.testing.TestCertificates;
import io.etch.transport.testing.TestCertificates.MemberPem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three members with mutual TLS on the peer transport (certificates made with keytool at test time,
 * naming each member by its name), a member that joins with a trusted certificate, and one whose
 * certificate the cluster does not trust, which never joins.
 */
class TlsClusterTest {
  @TempDir static Path pki;
  @TempDir Path dir;

  private static final Map<String, MemberPem> PEMS = new HashMap<>();
  private TestCluster cluster;

  @BeforeAll
  static void certificates() throws Exception {
    TestCertificates certs = new TestCertificates(pki);
    Path ca = certs.createCa("etch-ca");
    for (String name : List.of("m1", "m2", "m3", "m4")) {
      PEMS.put(name, certs.createMember("etch-ca", name, ca));
    }
    Path rogueCa = certs.createCa("rogue-ca");
    PEMS.put("rogue", certs.createMember("rogue-ca", "rogue", rogueCa));
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static EtcdNode.Builder tls(EtcdNode.Builder b, MemberPem pem) {
    return b.peerCertFile(pem.certChain())
        .peerKeyFile(pem.privateKey())
        .peerTrustedCaFile(pem.trustedCa());
  }

  @Test
  void aMutualTlsClusterServesAndAdmitsOnlyTrustedJoiners() {
    Map<String, String> certOf = new HashMap<>(Map.of("m1", "m1", "m2", "m2", "m3", "m3"));
    certOf.put("m4", "m4");
    certOf.put("m5", "rogue");
    cluster =
        new TestCluster(
                dir,
                3,
                b -> {
                  String name = b.build().config().memberName();
                  return tls(b, PEMS.get(certOf.get(name)));
                })
            .start();
    EtcdNode leader = cluster.awaitLeader(cluster.nodes);
    for (int i = 0; i < 20; i++) {
      get(cluster.nodes.get(i % 3).kv().put(bs("k" + i), bs("v" + i)));
    }
    for (EtcdNode n : cluster.nodes) {
      assertEquals("v19", get(n.kv().get(bs("k19"))).kvs().get(0).value().toString());
    }

    // a member whose certificate is signed by a CA the cluster does not trust never joins
    EtcdNode rogue = cluster.joiner("m5");
    CompletableFuture<EtcdNode> rogueStarted = rogue.start();
    get(leader.cluster().addMember("m5", cluster.joined.get("m5"), true));
    List<EtcdNode> writers = new ArrayList<>(cluster.nodes);
    for (int i = 0; i < 50; i++) {
      get(writers.get(i % 3).kv().put(bs("r" + i), bs("v" + i)));
    }
    assertFalse(rogueStarted.isDone());
    assertEquals(0, status(rogue).leaderId());
    assertEquals(0, status(rogue).appliedIndex());
    get(leader.cluster().removeMember(rogue.memberId()));
    rogue.close();

    // a member with a certificate of the cluster's CA joins, catches up and is promoted
    EtcdNode m4 = cluster.joiner("m4");
    CompletableFuture<EtcdNode> started = m4.start();
    get(leader.cluster().addMember("m4", cluster.joined.get("m4"), true));
    get(started);
    MembershipTest.promoteWhenReady(leader, m4.memberId());
    get(m4.kv().put(bs("tls"), bs("joined")));
    assertEquals("joined", get(leader.kv().get(bs("tls"))).kvs().get(0).value().toString());
  }
}

package io.etch.examples;

import io.etch.ByteSequence;
import io.etch.EtcdNode;
import io.etch.EtchException;
import io.etch.PeerAddress;
import io.etch.kv.GetResponse;
import io.etch.kv.KeyValue;
import io.etch.maintenance.StatusResponse;
import io.etch.options.GetOption;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * One member per process, from the command line — how a real cluster runs across machines.
 *
 * <pre>
 *   java [JVM flags] -cp ... io.etch.examples.MemberMain \
 *       --name n1 --data-dir /var/lib/etch/n1 --listen 10.0.0.1:2380 \
 *       --initial-cluster n1=10.0.0.1:2380,n2=10.0.0.2:2380,n3=10.0.0.3:2380
 * </pre>
 *
 * Start the same command on each machine with its own {@code --name}, {@code --data-dir} and {@code
 * --listen}; the members find each other and elect a leader. A member restarted with the same
 * arguments recovers from its data directory. Optional: {@code --cluster-token T} (members of one
 * cluster share it), {@code --join host:port,...} instead of {@code --initial-cluster} for a member
 * added to a running cluster with {@code cluster().addMember}.
 *
 * <p>Once the member serves, it reads commands from standard input: {@code put KEY VALUE}, {@code
 * get KEY}, {@code prefix KEY}, {@code del KEY}, {@code status}, {@code quit} (end of input also
 * quits). The node's own log goes through SLF4J.
 */
public final class MemberMain {
  private MemberMain() {}

  /** The parsed command line. */
  record Options(
      String name,
      Path dataDir,
      PeerAddress listen,
      Map<String, PeerAddress> initialCluster,
      List<PeerAddress> join,
      String clusterToken) {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(
          "usage: MemberMain --name NAME --data-dir DIR --listen HOST:PORT"
              + " (--initial-cluster NAME=HOST:PORT,... | --join HOST:PORT,...)"
              + " [--cluster-token TOKEN]");
      System.exit(2);
      return;
    }
    try (EtcdNode node = build(options)) {
      node.start().join();
      System.out.println(
          "member " + options.name() + " serves on " + node.peerAddress() + "; type 'help'");
      console(
          node,
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
          System.out);
    }
  }

  static Options parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (!flag.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --flag VALUE, got '" + flag + "'");
      }
      flags.put(flag.substring(2), args[++i]);
    }
    String name = required(flags, "name");
    Path dataDir = Path.of(required(flags, "data-dir"));
    PeerAddress listen = PeerAddress.parse(required(flags, "listen"));
    Map<String, PeerAddress> initial = new LinkedHashMap<>();
    List<PeerAddress> join = new ArrayList<>();
    if (flags.containsKey("initial-cluster") == flags.containsKey("join")) {
      throw new IllegalArgumentException("give exactly one of --initial-cluster and --join");
    }
    if (flags.containsKey("initial-cluster")) {
      for (String member : flags.get("initial-cluster").split(",")) {
        String[] nameAndAddress = member.split("=", 2);
        if (nameAndAddress.length != 2) {
          throw new IllegalArgumentException(
              "--initial-cluster entries are NAME=HOST:PORT, got '" + member + "'");
        }
        initial.put(nameAndAddress[0].trim(), PeerAddress.parse(nameAndAddress[1].trim()));
      }
    } else {
      for (String peer : flags.get("join").split(",")) {
        join.add(PeerAddress.parse(peer.trim()));
      }
    }
    String token = flags.getOrDefault("cluster-token", null);
    for (String known :
        List.of("name", "data-dir", "listen", "initial-cluster", "join", "cluster-token")) {
      flags.remove(known);
    }
    if (!flags.isEmpty()) {
      throw new IllegalArgumentException("unknown flags " + flags.keySet());
    }
    return new Options(name, dataDir, listen, initial, join, token);
  }

  private static String required(Map<String, String> flags, String flag) {
    String v = flags.get(flag);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + flag + " is required");
    }
    return v;
  }

  static EtcdNode build(Options o) {
    EtcdNode.Builder b =
        EtcdNode.builder().memberName(o.name()).dataDir(o.dataDir()).peerListen(o.listen());
    if (o.join().isEmpty()) {
      b.initialCluster(o.initialCluster());
    } else {
      b.joinExisting(o.join());
    }
    if (o.clusterToken() != null) {
      b.clusterToken(o.clusterToken());
    }
    return b.build();
  }

  /** Runs commands from {@code in} against {@code node} until {@code quit} or end of input. */
  static void console(EtcdNode node, BufferedReader in, PrintStream out) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split("\\s+", 3);
      if (words[0].isEmpty()) {
        continue;
      }
      try {
        switch (words[0]) {
          case "put" -> {
            long rev =
                node.kv()
                    .put(bytes(arg(words, 1)), bytes(arg(words, 2)))
                    .join()
                    .header()
                    .revision();
            out.println("OK revision " + rev);
          }
          case "get" -> print(node.kv().get(bytes(arg(words, 1))).join(), out);
          case "prefix" ->
              print(
                  node.kv()
                      .get(bytes(arg(words, 1)), GetOption.builder().isPrefix(true).build())
                      .join(),
                  out);
          case "del" -> {
            long deleted = node.kv().delete(bytes(arg(words, 1))).join().deleted();
            out.println("deleted " + deleted);
          }
          case "status" -> {
            StatusResponse s = node.maintenance().status().join();
            out.printf(
                "member %x leader %x term %d revision %d applied %d%n",
                s.memberId(), s.leaderId(), s.raftTerm(), s.revision(), s.appliedIndex());
          }
          case "help" ->
              out.println("commands: put K V | get K | prefix K | del K | status | quit");
          case "quit" -> {
            return;
          }
          default -> out.println("unknown command '" + words[0] + "'; type 'help'");
        }
      } catch (CompletionException e) {
        out.println("error: " + describe(e.getCause()));
      } catch (EtchException e) {
        out.println("error: " + describe(e));
      } catch (IllegalArgumentException e) {
        out.println("error: " + e.getMessage());
      }
    }
  }

  private static String describe(Throwable t) {
    return t instanceof EtchException e ? e.kind() + ": " + e.getMessage() : String.valueOf(t);
  }

  private static String arg(String[] words, int i) {
    if (words.length <= i) {
      throw new IllegalArgumentException("'" + words[0] + "' needs " + i + " argument(s)");
    }
    return words[i];
  }

  private static void print(GetResponse r, PrintStream out) {
    if (r.kvs().isEmpty()) {
      out.println("(none) at revision " + r.header().revision());
    }
    for (KeyValue kv : r.kvs()) {
      out.println(kv.key() + " = " + kv.value() + " (mod revision " + kv.modRevision() + ")");
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s);
  }
}

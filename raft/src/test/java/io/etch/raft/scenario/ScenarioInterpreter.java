package io.etch.raft.scenario;

import io.etch.raft.ProposalDroppedException;
import io.etch.raft.conf.ConfChange;
import io.etch.raft.read.ReadOnlyOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Interprets data-driven Raft scenarios: text files of commands, each followed by {@code ----} and
 * the output it must produce, blocks separated by a blank line; {@code #} starts a comment.
 *
 * <pre>
 * cluster voters=1,2,3 learners=4 prevote checkquorum   # create members
 * campaign 1 | tick 1 [n] | tick-all [n]                 # inputs
 * propose 1 data | conf 1 add-voter|add-learner|remove 4 | transfer 1 2 | read-index 1 ctx
 * isolate 3 [4..] | cut 1 2 | heal                       # network
 * deliver | stabilize [quiet]                            # one round / until quiet, printing messages
 * status [ids] | log ids | compact 1 index | add-node 5  # inspection and storage
 * </pre>
 */
public final class ScenarioInterpreter {
  private TestCluster cluster;
  private final List<String> out = new ArrayList<>();

  /** Runs one command and returns its output (never empty: "ok" when silent). */
  public String run(String line) {
    out.clear();
    String[] a = line.trim().split("\\s+");
    switch (a[0]) {
      case "cluster" -> cluster(a);
      case "campaign" -> cluster.node(id(a[1])).raw().campaign();
      case "tick" -> cluster.tick(id(a[1]), a.length > 2 ? Integer.parseInt(a[2]) : 1);
      case "tick-all" -> cluster.tickAll(a.length > 1 ? Integer.parseInt(a[1]) : 1);
      case "propose" -> request(() -> cluster.node(id(a[1])).raw().propose(bytes(a[2])));
      case "conf" -> request(() -> cluster.proposeConf(id(a[1]), confChange(a[2], id(a[3]))));
      case "transfer" -> request(() -> cluster.node(id(a[1])).raw().transferLeadership(id(a[2])));
      case "read-index" -> request(() -> cluster.node(id(a[1])).raw().readIndex(bytes(a[2])));
      case "add-node" -> cluster.addEmpty(id(a[1]));
      case "isolate" -> cluster.isolate(ids(a, 1));
      case "cut" -> cluster.cut(id(a[1]), id(a[2]));
      case "heal" -> cluster.heal();
      case "deliver" -> cluster.deliverAll();
      case "stabilize" -> {
        boolean quiet = a.length > 1 && a[1].equals("quiet");
        if (quiet) {
          cluster.onEvent(s -> {});
        }
        cluster.stabilize();
        cluster.onEvent(out::add);
      }
      case "status" -> {
        long[] which = a.length > 1 ? ids(a, 1) : allIds();
        for (long id : which) {
          out.add(cluster.describe(id));
        }
      }
      case "log" -> {
        for (long id : ids(a, 1)) {
          out.add(cluster.describeLog(id));
        }
      }
      case "compact" -> {
        TestCluster.Node n = cluster.node(id(a[1]));
        long index = Long.parseLong(a[2]);
        n.storage().createSnapshot(index, n.confState(), null);
        n.storage().compact(index);
      }
      default -> throw new IllegalArgumentException("unknown scenario command: " + line);
    }
    cluster.processReadies();
    return out.isEmpty() ? "ok" : String.join("\n", out);
  }

  private void cluster(String[] a) {
    long[] voters = new long[0];
    long[] learners = new long[0];
    boolean preVote = false;
    boolean checkQuorum = false;
    ReadOnlyOption ro = ReadOnlyOption.SAFE;
    for (int i = 1; i < a.length; i++) {
      String arg = a[i];
      if (arg.startsWith("voters=")) {
        voters = parseIds(arg.substring(7));
      } else if (arg.startsWith("learners=")) {
        learners = parseIds(arg.substring(9));
      } else if (arg.equals("prevote")) {
        preVote = true;
      } else if (arg.equals("checkquorum")) {
        checkQuorum = true;
      } else if (arg.equals("lease")) {
        ro = ReadOnlyOption.LEASE_BASED;
      } else {
        throw new IllegalArgumentException("unknown cluster option " + arg);
      }
    }
    cluster =
        new TestCluster(
            voters,
            learners,
            new TestCluster.Options(preVote, checkQuorum, 10, 1, ro, 1 << 20, 256),
            42);
    cluster.onEvent(out::add);
  }

  private void request(Runnable r) {
    try {
      r.run();
    } catch (ProposalDroppedException e) {
      out.add("dropped " + e.reason() + (e.leaderId() != 0 ? " leader=" + e.leaderId() : ""));
    }
  }

  private static ConfChange confChange(String kind, long id) {
    return switch (kind) {
      case "add-voter" -> ConfChange.addVoter(id);
      case "add-learner" -> ConfChange.addLearner(id);
      case "remove" -> ConfChange.remove(id);
      default -> throw new IllegalArgumentException("unknown conf change " + kind);
    };
  }

  private long[] allIds() {
    return cluster.nodes().stream().mapToLong(n -> n.id).toArray();
  }

  private static long id(String s) {
    return Long.parseLong(s);
  }

  private static long[] ids(String[] a, int from) {
    return Arrays.stream(a, from, a.length).mapToLong(Long::parseLong).toArray();
  }

  private static long[] parseIds(String csv) {
    return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}

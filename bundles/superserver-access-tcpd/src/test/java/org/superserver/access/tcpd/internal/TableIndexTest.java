package org.superserver.access.tcpd.internal;

import static org.junit.Assert.assertEquals;

import java.io.IOException;
import java.util.Random;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The index finds exactly the rule that trying every rule in order finds. */
public class TableIndexTest {

    @org.junit.Rule
    public final TemporaryFolder tmp = new TemporaryFolder();

    private static final String[] DAEMONS = {"ALL", "in.fingerd", "in.ftpd", "in.*", "79", "ALL EXCEPT in.ftpd",
        "in.fingerd@127.0.0.1", "echo"};
    private static final String[] CLIENTS = {"ALL", "10.0.0.1", "10.0.", "10.0.0.0/255.255.255.0", "10.1.0.0/16",
        "10.0.0.4/30", "10.0.0.1/8", "010.0.0.1", "10.0.0.?", ".foobar.edu", "LOCAL", "UNKNOWN", "KNOWN",
        "ALL EXCEPT 10.0.0.1", "10.0.0.2 10.0.0.3", "[::1]", "10.", "10.0.0.0/0", "host2.", "ALL@10.0.0.5"};

    @Test
    public void indexedAndScannedDecisionsAgree() throws IOException {
        Random random = new Random(7);
        Hosts hosts = new Hosts(tmp.getRoot().toPath()).name("10.0.0.2", "host2.foobar.edu").name("10.0.0.3", "loc");
        for (int round = 0; round < 20; round++) {
            StringBuilder text = new StringBuilder();
            int n = 1 + random.nextInt(30);
            for (int i = 0; i < n; i++) {
                text.append(DAEMONS[random.nextInt(DAEMONS.length)]).append(": ")
                        .append(CLIENTS[random.nextInt(CLIENTS.length)]).append(' ')
                        .append(random.nextInt(3) == 0 ? CLIENTS[random.nextInt(CLIENTS.length)] : "").append('\n');
            }
            hosts.files("", text.toString());
            RuleSet rules = hosts.rules();
            for (String daemon : new String[] {"in.fingerd", "in.ftpd", "echo"}) {
                for (String client : new String[] {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.5", "10.1.2.3",
                    "11.0.0.1", "::1", "10.0.0.9"}) {
                    for (int port : new int[] {79, 7}) {
                        Outcome indexed = Matcher.decide(rules, hosts.request(daemon, client, "127.0.0.1", port));
                        Rule scanned = null;
                        Request r = hosts.request(daemon, client, "127.0.0.1", port);
                        r.patternFiles = rules.patternFiles;
                        for (Rule rule : rules.deny.rules) {
                            if (rule.matches(r)) {
                                scanned = rule;
                                break;
                            }
                        }
                        assertEquals(text + daemon + " " + client + " " + port, scanned, indexed.rule);
                    }
                }
            }
        }
    }
}

package org.superserver.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;

import java.util.List;
import org.junit.Test;
import org.superserver.api.Diagnostic;
import org.superserver.shell.internal.Fixtures.FakeInspector;

public class TcpdCommandsTest {

    private static final List<String> REPORT = List.of(
            "client:   address  127.0.0.1",
            "server:   process  in.fingerd",
            "matched:  /etc/hosts.deny line 3",
            "option:   spawn echo 127.0.0.1",
            "access:   denied");

    private final TcpdCommands commands = new TcpdCommands();

    @Test
    public void bothCommandsSayThatTheTcpdPolicyIsNotActiveWithoutItsInspector() {
        assertEquals(TcpdCommands.NOT_ACTIVE, commands.tcpdchk());
        assertEquals("the tcpd access policy is not active (no org.superserver.api.access.PolicyInspector service with "
                + "superserver.policy=tcpd); install and start bundle superserver-access-tcpd",
                commands.tcpdmatch("in.fingerd", "127.0.0.1"));
    }

    @Test
    public void tcpdmatchPrintsThePolicysReportOfAnInspectorThatArrivesLater() {
        FakeInspector tcpd = new FakeInspector(REPORT);
        commands.inspector = tcpd;

        assertEquals(String.join("\n",
                "client:   address  127.0.0.1",
                "server:   process  in.fingerd",
                "matched:  /etc/hosts.deny line 3",
                "option:   spawn echo 127.0.0.1",
                "access:   denied"), commands.tcpdmatch("in.fingerd", "127.0.0.1"));
        assertEquals(List.of("in.fingerd 127.0.0.1"), tcpd.asked);
    }

    @Test
    public void tcpdmatchSaysWhatIsWrongWithItsArguments() {
        commands.inspector = new FakeInspector(new IllegalArgumentException("nosuch.example: host not found"));

        assertEquals("tcpdmatch: nosuch.example: host not found", commands.tcpdmatch("in.fingerd", "nosuch.example"));
    }

    @Test
    public void tcpdchkPrintsEachDiagnosticThenASummary() {
        commands.inspector = FakeInspector.checking(List.of(
                Diagnostic.error("/etc/hosts.allow", 4, null, "missing \":\" separator, rule skipped"),
                Diagnostic.warning("/etc/hosts.deny", 2, "client list", "'10.0.0' never matches"),
                Diagnostic.warning("/etc/hosts.deny", 7, "daemon list", "begins with EXCEPT"),
                Diagnostic.warning("/etc/trusted", 0, null, "pattern file does not exist")));

        assertEquals(String.join("\n",
                "/etc/hosts.allow:4: error: missing \":\" separator, rule skipped",
                "/etc/hosts.deny:2: warning: client list: '10.0.0' never matches",
                "/etc/hosts.deny:7: warning: daemon list: begins with EXCEPT",
                "/etc/trusted: warning: pattern file does not exist",
                "1 error, 3 warnings in /etc/hosts.allow, /etc/hosts.deny, /etc/trusted"), commands.tcpdchk());
    }

    @Test
    public void tcpdchkSaysSoWhenNothingIsWrong() {
        commands.inspector = FakeInspector.checking(List.of());

        assertEquals("no problems found in the tcpd rule files", commands.tcpdchk());
    }

    @Test
    public void tcpdmatchPrintsAnEmptyReport() {
        FakeInspector empty = new FakeInspector(List.of());
        commands.inspector = empty;

        assertEquals("", commands.tcpdmatch("in.fingerd", "127.0.0.1"));
        assertFalse(empty.explain("in.fingerd", "127.0.0.1").allowed());
    }
}

package org.superserver.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.superserver.shell.internal.Fixtures.builtin;
import static org.superserver.shell.internal.Fixtures.listening;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Converter;
import org.junit.Test;
import org.superserver.api.ConfigSource;
import org.superserver.api.Diagnostic;
import org.superserver.api.Protocol;
import org.superserver.api.access.AccessPolicy;
import org.superserver.api.access.PolicyInspector;
import org.superserver.api.control.ServerControl;
import org.superserver.api.status.ConnectionStatus;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;
import org.superserver.api.status.ServiceStats;

/** The commands that read connections and counters, end connections, switch services and check files. */
public class AdminCommandsTest {

    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 7);

    private final List<ConnectionStatus> connections = new ArrayList<>();
    private final List<ServiceStats> stats = new ArrayList<>();
    private final List<ListenerStatus> listeners = new ArrayList<>();
    private final ServerStatus status = new ServerStatus() {
        @Override
        public List<ListenerStatus> listeners() {
            return listeners;
        }

        @Override
        public List<ConnectionStatus> connections() {
            return connections;
        }

        @Override
        public List<ServiceStats> stats() {
            return stats;
        }
    };
    private final List<String> actions = new ArrayList<>();
    private final ServerControl control = new ServerControl() {
        @Override
        public boolean close(long id) {
            actions.add("close " + id);
            return connections.stream().anyMatch(c -> c.id() == id);
        }

        @Override
        public boolean terminate(int pid) {
            actions.add("terminate " + pid);
            return connections.stream().anyMatch(c -> c.pid() == pid);
        }
    };

    @Test
    public void connectionsAreATableAndAList() {
        Instant now = Instant.now();
        connections.add(new ConnectionStatus(3, "echo-id", "echo", ConnectionStatus.Kind.HANDLER, SERVER, CLIENT,
                now.minusSeconds(75), 6, 6, 0));
        connections.add(new ConnectionStatus(4, "cat-id", "cat", ConnectionStatus.Kind.CHILD, SERVER, CLIENT,
                now, -1, -1, 4242));
        ConnectionsCommand command = new ConnectionsCommand();
        assertEquals(StatusFormat.CORE_NOT_RUNNING, command.connections());
        command.status = status;
        ConnectionTable table = (ConnectionTable) command.connections();
        assertEquals(2, table.size());
        String text = ShellConverter.format(table, Converter.INSPECT).toString();
        assertEquals(text, "ID  SERVICE  KIND     FROM             TO           AGE    IN  OUT  PID", text.lines()
                .findFirst().orElseThrow());
        assertTrue(text, text.contains("\n3   echo     handler  127.0.0.1:40000  127.0.0.1:7  1m15s  6   6    -"));
        assertTrue(text, text.contains("\n4   cat      child    127.0.0.1:40000  127.0.0.1:7  0s     -   -    4242"));
        assertEquals(1, ((ConnectionTable) command.connections("cat")).size());
        assertEquals(1, ((ConnectionTable) command.connections("echo-id")).size());
        assertEquals(ConnectionTable.NONE, command.connections("nosuch").toString());
        assertEquals("#4", ShellConverter.format(table.get(1), Converter.PART));
        assertEquals("#4 cat child from 127.0.0.1:40000 pid 4242", ShellConverter.format(table.get(1),
                Converter.LINE));
    }

    @Test
    public void statsShowEveryCounterAndTheDenialsByPolicyAndRefusalsByLimit() {
        stats.add(new ServiceStats("e", "echo", 5, 2, Map.of("tcpd", 2L), 1, Map.of("cps", 1L), 0, 0, 10, 12));
        StatsCommand command = new StatsCommand();
        command.status = status;
        StatsTable table = (StatsTable) command.stats();
        assertEquals(1, table.size());
        assertEquals("SERVICE  ACCEPTED  DENIED  REFUSED  STARTED  FAILED  IN  OUT  ID\n"
                + "echo     5         2       1        0        0       10  12   e\n"
                + "echo denied by: tcpd=2\n"
                + "echo refused by: cps=1", table.toString());
        assertNull("a table inside other output is left to Gogo", ShellConverter.format(table, Converter.LINE));
    }

    @Test
    public void statsShowEndedServersByExitStatusAndSignal() {
        stats.add(new ServiceStats("c", "cat", 3, 0, Map.of(), 0, Map.of(), 3, 2, 0, 0,
                Map.of("0", 1L, "SIGKILL", 1L, "3", 1L), org.superserver.api.status.ConnectionDurations.none()));
        StatsCommand command = new StatsCommand();
        command.status = status;
        assertEquals("SERVICE  ACCEPTED  DENIED  REFUSED  STARTED  FAILED  IN  OUT  ID\n"
                + "cat      3         0       0        3        2       0   0    c\n"
                + "cat servers ended: 0=1 3=1 SIGKILL=1", command.stats().toString());
    }

    @Test
    public void killClosesAConnectionByNumberOrTerminatesAServerByPidAndSaysWhich() {
        KillCommand command = new KillCommand();
        assertEquals(KillCommand.CONTROL_ABSENT, command.kill(false, 1));
        command.status = status;
        command.control = control;
        connections.add(new ConnectionStatus(3, "echo-id", "echo", ConnectionStatus.Kind.HANDLER, SERVER, CLIENT,
                Instant.now(), 0, 0, 0));
        connections.add(new ConnectionStatus(4, "cat-id", "cat", ConnectionStatus.Kind.CHILD, SERVER, CLIENT,
                Instant.now(), -1, -1, 3));

        assertEquals("closed connection 3 (service echo, from 127.0.0.1:40000)", command.kill(false, 3));
        assertEquals("closed connection 4 (service cat, from 127.0.0.1:40000); its server, pid 3, was sent SIGTERM",
                command.kill(false, 4));
        assertEquals("sent SIGTERM to server pid 3 (service cat, from 127.0.0.1:40000, connection 4); SIGKILL"
                + " follows if it has not exited within 2.5 s", command.kill(true, 3));
        assertTrue(command.kill(false, 99), command.kill(false, 99).startsWith("no connection numbered 99 and no server with pid"));
        assertTrue(command.kill(true, 4), command.kill(true, 4).startsWith("no server with pid 4 "));
        assertEquals(List.of("close 3", "close 4", "terminate 3", "terminate 99", "terminate 99", "terminate 4",
                "terminate 4"), actions);
    }

    @Test
    public void enableAndDisableAskTheSourceThatPublishesTheServiceAndPrintItsAnswer() {
        listeners.add(listening(builtin("echo", Protocol.TCP, 7), 0, 0));
        String id = listeners.get(0).definition().id();
        List<String> asked = new ArrayList<>();
        ConfigSource cm = new ConfigSource() {
            @Override
            public String description() {
                return "Configuration Admin";
            }

            @Override
            public void reload() {
            }

            @Override
            public boolean publishes(String serviceId) {
                return serviceId.equals(id);
            }

            @Override
            public String setDisabled(String serviceId, boolean disabled) {
                if (!serviceId.equals(id)) {
                    throw new IllegalArgumentException(serviceId + " is not mine");
                }
                asked.add(serviceId + "=" + disabled);
                return "disable = " + (disabled ? "yes" : "no") + " written";
            }
        };
        ConfigSource file = new Fixtures.FakeSource("inetd.conf /etc/inetd.conf", new ArrayList<>());
        DisableCommand disable = new DisableCommand();
        disable.status = status;
        disable.sources = List.of(file, cm);
        assertEquals("disable = yes written", disable.disable("echo"));
        EnableCommand enable = new EnableCommand();
        enable.status = status;
        enable.sources = List.of(cm);
        assertEquals("disable = no written", enable.enable(id));
        assertEquals(List.of(id + "=true", id + "=false"), asked);
        assertEquals("no service named 'nosuch'; known: echo", enable.enable("nosuch"));

        ConfigSource refusing = new Fixtures.FakeSource("inetd.conf /etc/inetd.conf", new ArrayList<>()) {
            @Override
            public boolean publishes(String serviceId) {
                return true;
            }
        };
        disable.sources = List.of(refusing);
        String answer = disable.disable("echo");
        assertTrue(answer, answer.startsWith("cannot disable " + id + ": inetd.conf /etc/inetd.conf cannot turn a"
                + " service on or off"));
        disable.sources = List.of();
        assertTrue(disable.disable("echo"), disable.disable("echo").contains("is not published by a configuration"
                + " source"));

        ConfigSource turnedOff = new Fixtures.FakeSource("xinetd.conf /etc/xinetd.conf", new ArrayList<>()) {
            @Override
            public String setDisabled(String serviceId, boolean disabled) {
                if (!serviceId.equals("telnet")) {
                    throw new IllegalArgumentException("not mine");
                }
                throw new UnsupportedOperationException("service telnet of /etc/xinetd.d/telnet:4 is turned off there");
            }
        };
        enable.sources = List.of(file, turnedOff);
        assertEquals("a service that is not served is asked for by name: cannot enable telnet: service telnet of"
                + " /etc/xinetd.d/telnet:4 is turned off there", "a service that is not served is asked for by name: "
                + enable.enable("telnet"));
        assertEquals("no service named 'nosuch'; known: echo", enable.enable("nosuch"));
    }

    @Test
    public void enableByNameAlsoTurnsOnTheDefinitionsOfThatNameThatAreOffOnceEach() {
        listeners.add(listening(builtin("echo", Protocol.TCP, 7), 0, 0));
        String servedId = listeners.get(0).definition().id();
        List<String> asked = new ArrayList<>();
        ConfigSource cm = new ConfigSource() {
            @Override
            public String description() {
                return "Configuration Admin";
            }

            @Override
            public void reload() {
            }

            @Override
            public boolean publishes(String serviceId) {
                return serviceId.equals(servedId) || serviceId.equals("cm:echo-udp");
            }

            @Override
            public String setDisabled(String serviceId, boolean disabled) {
                asked.add(serviceId + "=" + disabled);
                if (serviceId.equals("echo")) {
                    return servedId + " is already enabled\nenabled cm:echo-udp";
                }
                if (publishes(serviceId)) {
                    return (disabled ? "disabled " : "enabled ") + serviceId;
                }
                throw new IllegalArgumentException(serviceId + " is not mine");
            }
        };
        EnableCommand enable = new EnableCommand();
        enable.status = status;
        enable.sources = List.of(new Fixtures.FakeSource("inetd.conf /etc/inetd.conf", new ArrayList<>()), cm);
        assertEquals(servedId + " is already enabled\nenabled cm:echo-udp", enable.enable("echo"));
        assertEquals("asked once, by name, not again by the served id", List.of("echo=false"), asked);

        asked.clear();
        assertEquals("enabled " + servedId, enable.enable(servedId));
        assertEquals("an id is not asked for by name", List.of(servedId + "=false"), asked);

        asked.clear();
        DisableCommand disable = new DisableCommand();
        disable.status = status;
        disable.sources = List.of(cm);
        assertEquals("disabled " + servedId, disable.disable("echo"));
        assertEquals("disable by name turns off what is served", List.of(servedId + "=true"), asked);
    }

    @Test
    public void checkGroupsTheProblemsOfEverySourcePolicyAndFailedListener() {
        CheckCommand command = new CheckCommand();
        assertEquals(CheckReport.NO_PROBLEMS + " (nothing to check: no configuration source, no access policy"
                + " inspector, no listener)", command.check().toString());
        Diagnostic bad = Diagnostic.error("/etc/inetd.conf", 3, "protocol", "'sctp' is not a protocol");
        ConfigSource inetd = new Fixtures.FakeSource("inetd.conf /etc/inetd.conf", new ArrayList<>()) {
            @Override
            public List<Diagnostic> check() {
                return List.of(bad);
            }
        };
        command.sources = List.of(inetd);
        PolicyInspector tcpd = Fixtures.FakeInspector.checking(List.of());
        command.inspectors = List.of(Map.entry(Map.<String, Object>of(AccessPolicy.NAME_PROPERTY, "tcpd"), tcpd));
        listeners.add(new ListenerStatus(builtin("daytime", Protocol.TCP, 13), ListenerState.FAILED, null,
                "handler daytime does not serve dgram sockets", 0, 0));
        listeners.add(listening(builtin("echo", Protocol.TCP, 7), 0, 0));
        command.status = status;
        CheckReport report = (CheckReport) command.check();
        assertEquals(2, report.size());
        assertEquals(2, report.errors());
        assertEquals("inetd.conf /etc/inetd.conf: 1 error, 0 warnings\n"
                + "  /etc/inetd.conf:3: error: protocol: 'sctp' is not a protocol\n"
                + "access policy tcpd: no problems\n"
                + "listeners: 1 error, 0 warnings\n"
                + "  etc/default/daytime.cfg: error: listener: service daytime/tcp cannot be served: handler daytime"
                + " does not serve dgram sockets\n"
                + "2 errors, 0 warnings", report.toString());

        command.sources = List.of(new Fixtures.FakeSource("inetd.conf /etc/inetd.conf", new ArrayList<>()));
        listeners.remove(0);
        assertEquals("no problems found in inetd.conf /etc/inetd.conf, access policy tcpd, listeners",
                command.check().toString());
    }

    @Test
    public void aFailedListenerIsNamedByTheFileAndLineOfItsDefinition() {
        ListenerStatus failed = new ListenerStatus(builtin("echo", Protocol.TCP, 7).toBuilder()
                .origin("/etc/inetd.conf:12").build(), ListenerState.FAILED, null, "bind refused", 0, 0);
        Diagnostic d = CheckCommand.failed(List.of(failed)).get(0);
        assertEquals("/etc/inetd.conf", d.file());
        assertEquals(12, d.line());
    }

    @Test
    public void listIsATableForThePersonAndAListForTheScript() {
        listeners.add(listening(builtin("echo", Protocol.TCP, 7), 1, 0));
        listeners.add(listening(builtin("daytime", Protocol.TCP, 13), 1, 0));
        ListCommand command = new ListCommand();
        command.status = status;
        ListenerTable table = (ListenerTable) command.list();
        assertEquals(2, table.size());
        assertEquals("daytime", table.get(0).definition().name());
        assertEquals(StatusFormat.table(listeners), ShellConverter.format(table, Converter.INSPECT));
        assertEquals(table.get(0).toString(), ShellConverter.format(table.get(0), Converter.LINE));
        assertNull(ShellConverter.format("text", Converter.INSPECT));
    }
}

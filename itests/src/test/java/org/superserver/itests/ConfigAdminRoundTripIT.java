package org.superserver.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.superserver.itests.Clients.ascii;
import static org.superserver.itests.Clients.assertEchoService;
import static org.superserver.itests.Clients.assertEchoes;
import static org.superserver.itests.Clients.awaitRefused;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.exchange;
import static org.superserver.itests.Clients.freePort;
import static org.superserver.itests.Clients.loopback;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.superserver.api.ConfigSource;
import org.superserver.api.Diagnostic;
import org.superserver.api.Handler;
import org.superserver.api.status.ListenerState;
import org.superserver.api.status.ServerStatus;

/**
 * Services administered through Configuration Admin (factory PID {@value #FACTORY_PID}, as
 * FileInstall, Karaf's config:* commands and the Web Console give them): a create serves, an
 * update applies in place (a new port rebinds) while the clients of other services keep their
 * connections, an invalid update is rejected with a line naming the PID and the property and the
 * previous definition keeps serving, a delete stops the service; the bundle's {@link ConfigSource}
 * turns a service off and on by writing {@code disable} into its configuration, lists the problems
 * of every configuration and re-maps them; an INTERNAL service's handler is chosen by its name and
 * socket type, as in xinetd, and an older configuration whose {@code id} names the handler is
 * still served, with a notice. A change of the core's own configuration keeps the listeners and
 * connections of these services.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigAdminRoundTripIT extends ItestSupport {

    static final String FACTORY_PID = "org.superserver.service";
    static final String CM_SOURCE = "(superserver.config.format=cm)";

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    /** The properties of an echo service over TCP on 127.0.0.1:{@code port}, as a .cfg file holds them. */
    private static Hashtable<String, Object> echo(int port) {
        return properties("service", "echo", "type", "INTERNAL", "socket_type", "stream", "id", "echo-stream",
                "bind", "127.0.0.1", "port", String.valueOf(port), "wait", "no");
    }

    private static Hashtable<String, Object> with(Hashtable<String, Object> properties, Object... keysAndValues) {
        Hashtable<String, Object> out = new Hashtable<>(properties);
        out.putAll(properties(keysAndValues));
        return out;
    }

    private static String id(org.osgi.service.cm.Configuration configuration) {
        return "cm:" + configuration.getPid();
    }

    private ConfigSource cmSource() throws Exception {
        return awaitServiceWith(ConfigSource.class, CM_SOURCE);
    }

    /** Waits until {@code id} listens on {@code port}. */
    private void awaitListeningOn(String id, int port) throws InterruptedException {
        awaitListener(id, "LISTENING on port " + port, l -> l.state() == ListenerState.LISTENING
                && l.boundAddress() != null && l.boundAddress().getPort() == port);
    }

    @Test
    public void aPortChangeRebindsTheServiceWhileAClientOfAnotherServiceStaysConnected() throws Exception {
        org.osgi.service.cm.Configuration other = factoryConfiguration(FACTORY_PID, echo(0));
        InetSocketAddress otherAddress = awaitListening(id(other));
        int first = freePort();
        int second = freePort();
        try (Socket otherClient = connect(otherAddress)) {
            assertEchoes(otherClient, "before\n");

            org.osgi.service.cm.Configuration service = factoryConfiguration(FACTORY_PID, echo(first));
            String id = id(service);
            awaitListeningOn(id, first);
            assertEchoService(loopback(first), "created\n");
            assertEchoes(otherClient, "after a create\n");

            service.update(echo(second));
            awaitListeningOn(id, second);
            assertEchoService(loopback(second), "on the new port\n");
            awaitRefused(loopback(first), TIMEOUT);
            assertEchoes(otherClient, "after an update\n");

            service.delete();
            awaitRefused(loopback(second), TIMEOUT);
            awaitNotListening(id);
            assertEchoes(otherClient, "after a delete\n");
            assertEquals(otherAddress, serverStatus().listener(id(other)).orElseThrow().boundAddress());
        }
    }

    @Test
    public void anInvalidUpdateIsRejectedNamingPidAndPropertyAndThePreviousDefinitionKeepsServing() throws Exception {
        LogCapture log = log();
        int port = freePort();
        org.osgi.service.cm.Configuration service = factoryConfiguration(FACTORY_PID, echo(port));
        String id = id(service);
        String pid = service.getPid();
        awaitListeningOn(id, port);
        try (Socket client = connect(loopback(port))) {
            assertEchoes(client, "before\n");

            service.update(with(echo(port), "port", "99999"));
            log.await(TIMEOUT, "pid " + pid, "property port", "99999", "the previous definition", "keeps serving");
            assertEchoes(client, "kept\n");
            assertEchoService(loopback(port), "the previous definition answers\n");
            assertEquals(port, serverStatus().listener(id).orElseThrow().definition().port());

            service.update(with(echo(port), "socket_type", "bogus"));
            log.await(TIMEOUT, "pid " + pid, "property socket_type", "bogus", "keeps serving");
            assertEchoService(loopback(port), "still the previous definition\n");
            List<Diagnostic> problems = cmSource().check().stream()
                    .filter(d -> d.message().contains(pid)).collect(Collectors.toList());
            assertEquals(problems.toString(), 1, problems.size());
            assertTrue(problems.get(0).isError());
            assertEquals("socket_type", problems.get(0).field());
            assertTrue(problems.get(0).message(), problems.get(0).message().contains("keeps serving"));

            int next = freePort();
            service.update(echo(next));
            awaitListeningOn(id, next);
            assertEchoService(loopback(next), "a valid update applies again\n");
            assertTrue(cmSource().check().stream().noneMatch(d -> d.message().contains(pid)));
        }
    }

    @Test
    public void aConfigurationInvalidFromTheStartServesNothingAndCheckNamesIt() throws Exception {
        LogCapture log = log();
        org.osgi.service.cm.Configuration service = factoryConfiguration(FACTORY_PID, with(echo(0), "cps", "10"));
        log.await(TIMEOUT, "pid " + service.getPid(), "property cps", "nothing is registered");
        assertTrue(serverStatus().listener(id(service)).isEmpty());
        Diagnostic problem = cmSource().check().stream().filter(d -> d.message().contains(service.getPid()))
                .findFirst().orElseThrow();
        assertEquals("cps", problem.field());
        assertEquals("Configuration Admin " + service.getPid(), problem.file());
        assertTrue(cmSource().publishes(id(service)));
    }

    @Test
    public void setDisabledThroughTheConfigSourceWritesDisableIntoTheConfigurationAndStopsTheService()
            throws Exception {
        int port = freePort();
        org.osgi.service.cm.Configuration service = factoryConfiguration(FACTORY_PID, echo(port));
        String id = id(service);
        awaitListeningOn(id, port);
        ServiceReference<ConfigSource> reference =
                context.getServiceReferences(ConfigSource.class, CM_SOURCE).iterator().next();
        assertEquals("org.superserver.service", reference.getProperty("superserver.config.pid"));
        ConfigSource source = cmSource();
        assertTrue(source.publishes(id));
        assertFalse(source.publishes("cm:org.superserver.service~no-such-configuration"));
        assertFalse(source.publishes("inetd:/etc/inetd.conf:echo/tcp"));

        String said = source.setDisabled(id, true);
        assertTrue(said, said.startsWith("disabled " + id) && said.contains("disable = yes"));
        awaitRefused(loopback(port), TIMEOUT);
        awaitNotListening(id);
        Dictionary<String, Object> stored = service.getProperties();
        assertEquals("yes", stored.get("disable"));
        assertTrue("a disabled service is still the source's", source.publishes(id));
        String again = source.setDisabled(id, true);
        assertTrue(again, again.contains("already disabled"));

        said = source.setDisabled(id, false);
        assertTrue(said, said.startsWith("enabled " + id) && said.contains("disable = no"));
        awaitListeningOn(id, port);
        assertEchoService(loopback(port), "enabled again\n");
        assertEquals("no", service.getProperties().get("disable"));

        try {
            source.setDisabled("cm:org.superserver.service~no-such-configuration", true);
            fail("an unknown service id is refused");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("no-such-configuration"));
        }
    }

    @Test
    public void reloadMapsEveryConfigurationAgainAndLeavesUnchangedServicesAsTheyAre() throws Exception {
        LogCapture log = log();
        org.osgi.service.cm.Configuration service = factoryConfiguration(FACTORY_PID, echo(0));
        String id = id(service);
        InetSocketAddress address = awaitListening(id);
        try (Socket client = connect(address)) {
            cmSource().reload();
            log.await(TIMEOUT, "RELOAD source=cm");
            assertEchoes(client, "after a reload\n");
            assertEquals(address, awaitListening(id));
            assertEquals(List.of(), log.linesWith("CLOSE ", "origin=Configuration Admin " + service.getPid()));
        }
    }

    @Test
    public void anInternalServiceIsServedByTheHandlerOfItsNameForItsSocketType() throws Exception {
        LogCapture log = log();
        org.osgi.service.cm.Configuration daytime = factoryConfiguration(FACTORY_PID, properties(
                "service", "daytime", "type", "INTERNAL", "socket_type", "dgram", "id", "daytime-dgram",
                "bind", "127.0.0.1", "port", "0", "wait", "yes"));
        InetSocketAddress daytimeAddress = awaitListening(id(daytime));
        String text = ascii(exchange(daytimeAddress, ascii("x")));
        assertTrue("'" + text + "' is ctime + CRLF", BuiltinServicesIT.CTIME_CRLF.matcher(text).matches());
        assertEquals("daytime", serverStatus().listener(id(daytime)).orElseThrow().definition().handler());

        org.osgi.service.cm.Configuration echo = factoryConfiguration(FACTORY_PID, echo(0));
        assertEchoService(awaitListening(id(echo)), "echo\n");
        assertEquals(List.of(), log.linesWith("pid " + echo.getPid(), "property id"));

        // an id that is another handler's name does not choose it: the service name does, with a notice
        org.osgi.service.cm.Configuration notDiscard = factoryConfiguration(FACTORY_PID,
                with(echo(0), "id", "discard"));
        assertEchoService(awaitListening(id(notDiscard)), "echo, whatever the id\n");
        log.await(TIMEOUT, "pid " + notDiscard.getPid(), "property id", "no longer chooses it");
    }

    @Test
    public void anOlderConfigurationWhoseIdNamesTheHandlerIsServedWithANoticeNamingPidAndProperty()
            throws Exception {
        LogCapture log = log();
        org.osgi.service.cm.Configuration old = factoryConfiguration(FACTORY_PID, properties(
                "service", "my-echo", "type", "INTERNAL", "id", "echo", "bind", "127.0.0.1", "port", "0"));
        InetSocketAddress address = awaitListening(id(old));
        assertEchoService(address, "served as before\n");
        log.await(TIMEOUT, "pid " + old.getPid(), "property id", "write handler = echo");
        Diagnostic notice = cmSource().check().stream().filter(d -> d.message().contains(old.getPid()))
                .findFirst().orElseThrow();
        assertFalse(notice.isError());
        assertEquals("id", notice.field());

        // written the new way, it is the same service, without a notice
        org.osgi.service.cm.Configuration renamed = factoryConfiguration(FACTORY_PID, properties(
                "service", "my-echo", "type", "INTERNAL", "handler", "echo", "bind", "127.0.0.1", "port", "0"));
        assertEchoService(awaitListening(id(renamed)), "handler = echo\n");
        assertEquals(List.of(), log.linesWith("pid " + renamed.getPid(), "property"));
    }

    @Test
    public void anOlderConfigurationWhoseIdNamesAPluginsHandlerIsServedByItOnceThePluginRegistersIt()
            throws Exception {
        LogCapture log = log();
        org.osgi.service.cm.Configuration old = factoryConfiguration(FACTORY_PID, properties(
                "service", "shout", "type", "INTERNAL", "id", UpperCaseHandler.NAME, "bind", "127.0.0.1",
                "port", "0"));
        String id = id(old);
        awaitListener(id, "known to the core", l -> true);
        assertEquals("no handler itest-upper is registered yet: the name chooses", "shout",
                serverStatus().listener(id).orElseThrow().definition().handler());

        withdrawAfterTest(context.registerService(Handler.class, new UpperCaseHandler(),
                properties(Handler.NAME_PROPERTY, UpperCaseHandler.NAME)));
        awaitListener(id, "served by " + UpperCaseHandler.NAME,
                l -> UpperCaseHandler.NAME.equals(l.definition().handler()) && l.state() == ListenerState.LISTENING);
        try (Socket client = connect(awaitListening(id))) {
            client.getOutputStream().write(ascii("quiet\n"));
            assertEquals("QUIET\n", ascii(Clients.readExactly(client, 6)));
        }
        log.await(TIMEOUT, "pid " + old.getPid(), "property id", "write handler = " + UpperCaseHandler.NAME);
    }

    @Test
    public void aChangeOfTheCoreConfigurationKeepsTheListenersAndConnectionsOfConfiguredServices()
            throws Exception {
        LogCapture log = log();
        org.osgi.service.cm.Configuration service = factoryConfiguration(FACTORY_PID, echo(0));
        String id = id(service);
        InetSocketAddress address = awaitListening(id);
        Object coreService = context.getServiceReference(ServerStatus.class).getProperty("service.id");
        try (Socket client = connect(address)) {
            assertEchoes(client, "before\n");

            configureCore("children.max", 7);
            log.await(TIMEOUT, "CONFIG ", "children_max=7", "applied=in place");
            assertEquals("the core was not restarted", coreService,
                    context.getServiceReference(ServerStatus.class).getProperty("service.id"));
            assertEchoes(client, "after children.max\n");
            assertEquals(address, serverStatus().listener(id).orElseThrow().boundAddress());
            assertEquals("the listener was not closed", List.of(),
                    log.linesWith("CLOSE ", "origin=Configuration Admin " + service.getPid()));

            configureCore("policy.timeout.ms", 5000);
            assertEchoes(client, "after policy.timeout.ms\n");
            assertEquals(List.of(), log.linesWith("CLOSE ", "origin=Configuration Admin " + service.getPid()));

            configureCore("worker.threads", 3);
            log.await(TIMEOUT, "CONFIG ", "workers=3", "applied=listeners rebound");
            assertEchoes(client, "on the old event loops\n");
            // new event loops bind every listener again, on the same port: closed for a moment, then listening
            log.await(TIMEOUT, "CLOSE ", "origin=Configuration Admin " + service.getPid(), "reason=new event loops");
            log.await(TIMEOUT, 2, "LISTEN ", "origin=Configuration Admin " + service.getPid());
            assertEquals(address, awaitListening(id));
            assertEchoService(address, "on the new event loops\n");
        }
    }
}

package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.status.ListenerState;
import org.superserver.core.internal.Planner.Action;
import org.superserver.core.internal.Planner.Current;
import org.superserver.core.internal.Planner.Kind;

public class PlannerTest {

    private static ServiceDefinition echo(int port) {
        return ServiceDefinition.builder().id("echo").name("echo").socketType(SocketType.STREAM)
                .protocol(Protocol.TCP).bindAddress("127.0.0.1").port(port).handler("echo")
                .origin("test:1").build();
    }

    private static ServiceDefinition exec(String id, int port) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(port).server("/usr/sbin/in.ftpd").argv(List.of("in.ftpd")).origin("test:2").build();
    }

    private static Map<String, Current> current(ServiceDefinition definition, ListenerState state) {
        Map<String, Current> current = new HashMap<>();
        current.put(definition.id(), new Current(definition, state));
        return current;
    }

    private static Map<String, ServiceDefinition> desired(ServiceDefinition... definitions) {
        Map<String, ServiceDefinition> desired = new HashMap<>();
        for (ServiceDefinition d : definitions) {
            desired.put(d.id(), d);
        }
        return desired;
    }

    private static void assertPlan(List<Action> plan, Kind kind, ServiceDefinition definition) {
        assertEquals(List.of(new Action(kind, definition.id(), definition)), plan);
    }

    @Test
    public void newDefinitionWithItsHandlerPresentIsBound() {
        assertPlan(Planner.plan(Map.of(), desired(echo(7)), Set.of("echo")), Kind.BIND, echo(7));
    }

    @Test
    public void newDefinitionWithoutItsHandlerWaits() {
        assertPlan(Planner.plan(Map.of(), desired(echo(7)), Set.of("daytime")), Kind.WAIT, echo(7));
    }

    @Test
    public void execDefinitionIsBoundWithoutAnyHandler() {
        ServiceDefinition ftp = exec("ftp", 21);
        assertPlan(Planner.plan(Map.of(), desired(ftp), Set.of()), Kind.BIND, ftp);
    }

    @Test
    public void failedExecDefinitionIsReportedOnlyOnce() {
        ServiceDefinition ftp = exec("ftp", 21);
        assertEquals(List.of(), Planner.plan(current(ftp, ListenerState.FAILED), desired(ftp), Set.of()));
    }

    @Test
    public void unchangedListeningDefinitionNeedsNothing() {
        assertEquals(List.of(), Planner.plan(current(echo(7), ListenerState.LISTENING), desired(echo(7)),
                Set.of("echo")));
    }

    @Test
    public void changeOutsideTheSocketFieldsSwapsTheDefinition() {
        ServiceDefinition changed = echo(7).toBuilder().origin("test:9").policy("tcpd").instances(5).build();
        assertPlan(Planner.plan(current(echo(7), ListenerState.LISTENING), desired(changed), Set.of("echo")),
                Kind.SWAP, changed);
    }

    @Test
    public void changeOfPortRebinds() {
        assertPlan(Planner.plan(current(echo(7), ListenerState.LISTENING), desired(echo(8)), Set.of("echo")),
                Kind.REBIND, echo(8));
    }

    @Test
    public void changeOfAnySocketFieldRebinds() {
        ServiceDefinition address = echo(7).toBuilder().bindAddress(null).build();
        ServiceDefinition protocol = echo(7).toBuilder().protocol(Protocol.TCP4).build();
        ServiceDefinition handler = echo(7).toBuilder().handler("echo2").build();
        ServiceDefinition udp = echo(7).toBuilder().socketType(SocketType.DGRAM).protocol(Protocol.UDP).build();
        for (ServiceDefinition changed : List.of(address, protocol, handler, udp)) {
            assertPlan(Planner.plan(current(echo(7), ListenerState.LISTENING), desired(changed),
                    Set.of("echo", "echo2")), Kind.REBIND, changed);
        }
    }

    @Test
    public void removedDefinitionIsClosed() {
        assertPlan(Planner.plan(current(echo(7), ListenerState.LISTENING), Map.of(), Set.of("echo")),
                Kind.CLOSE, echo(7));
    }

    @Test
    public void removedWaitingOrFailedDefinitionIsForgotten() {
        assertPlan(Planner.plan(current(echo(7), ListenerState.WAITING_FOR_HANDLER), Map.of(), Set.of()),
                Kind.CLOSE, echo(7));
        assertPlan(Planner.plan(current(echo(7), ListenerState.FAILED), Map.of(), Set.of("echo")),
                Kind.CLOSE, echo(7));
    }

    @Test
    public void listeningDefinitionWhoseHandlerLeftWaits() {
        assertPlan(Planner.plan(current(echo(7), ListenerState.LISTENING), desired(echo(7)), Set.of()),
                Kind.WAIT, echo(7));
    }

    @Test
    public void changeToAMissingHandlerWaits() {
        ServiceDefinition other = echo(7).toBuilder().handler("missing").build();
        assertPlan(Planner.plan(current(echo(7), ListenerState.LISTENING), desired(other), Set.of("echo")),
                Kind.WAIT, other);
    }

    @Test
    public void waitingDefinitionIsBoundWhenItsHandlerArrives() {
        assertPlan(Planner.plan(current(echo(7), ListenerState.WAITING_FOR_HANDLER), desired(echo(7)),
                Set.of("echo")), Kind.BIND, echo(7));
    }

    @Test
    public void waitingDefinitionKeepsWaitingQuietly() {
        assertEquals(List.of(), Planner.plan(current(echo(7), ListenerState.WAITING_FOR_HANDLER), desired(echo(7)),
                Set.of()));
    }

    @Test
    public void changedWaitingDefinitionIsReportedAgain() {
        assertPlan(Planner.plan(current(echo(7), ListenerState.WAITING_FOR_HANDLER), desired(echo(8)), Set.of()),
                Kind.WAIT, echo(8));
    }

    @Test
    public void failedDefinitionIsNotRetriedUntilItChanges() {
        assertEquals(List.of(), Planner.plan(current(echo(7), ListenerState.FAILED), desired(echo(7)),
                Set.of("echo")));
        assertPlan(Planner.plan(current(echo(7), ListenerState.FAILED), desired(echo(8)), Set.of("echo")),
                Kind.BIND, echo(8));
    }

    @Test
    public void listeningDefinitionReplacedByAnExecOneIsRebound() {
        ServiceDefinition ftp = exec("echo", 7);
        assertPlan(Planner.plan(current(echo(7), ListenerState.LISTENING), desired(ftp), Set.of("echo")),
                Kind.REBIND, ftp);
    }

    @Test
    public void execDefinitionWithAnotherProgramKeepsItsSocketButNotWhenWaitChanges() {
        ServiceDefinition ftp = exec("ftp", 21);
        ServiceDefinition other = ftp.toBuilder().server("/bin/cat").argv(List.of("cat")).user("nobody").build();
        assertPlan(Planner.plan(current(ftp, ListenerState.LISTENING), desired(other), Set.of()), Kind.SWAP, other);
        ServiceDefinition waiting = ftp.toBuilder().wait(!ftp.isWait()).build();
        assertPlan(Planner.plan(current(ftp, ListenerState.LISTENING), desired(waiting), Set.of()), Kind.REBIND,
                waiting);
    }

    @Test
    public void pausedDefinitionIsLeftPausedWhileUnchanged() {
        assertEquals(List.of(), Planner.plan(current(echo(7), ListenerState.PAUSED), desired(echo(7)),
                Set.of("echo")));
    }

    @Test
    public void closingActionsComeBeforeBindingOnes() {
        ServiceDefinition newcomer = echo(7).toBuilder().id("echo-new").build();
        ServiceDefinition moved = exec("ftp", 21).toBuilder().id("moved").server(null).argv(List.of())
                .handler("echo").port(9).build();
        Map<String, Current> current = new HashMap<>(current(echo(7), ListenerState.LISTENING));
        current.put("moved", new Current(moved.toBuilder().port(10).build(), ListenerState.LISTENING));
        List<Action> plan = Planner.plan(current, desired(newcomer, moved), Set.of("echo"));
        assertEquals(List.of(new Action(Kind.CLOSE, "echo", echo(7)), new Action(Kind.REBIND, "moved", moved),
                new Action(Kind.BIND, "echo-new", newcomer)), plan);
    }

    @Test
    public void socketFieldsDecideWhetherTheSocketIsKept() {
        assertTrue(Planner.sameSocket(echo(7), echo(7).toBuilder().origin("elsewhere").wait(true).build()));
        assertFalse(Planner.sameSocket(echo(7), echo(8)));
        assertFalse(Planner.sameSocket(echo(7), echo(7).toBuilder().bindAddress("::1").build()));
    }

    @Test
    public void aChangeOfOriginAloneIsNoChange() {
        ServiceDefinition moved = echo(7).toBuilder().origin("test:2").build();
        for (ListenerState state : ListenerState.values()) {
            if (state == ListenerState.WAITING_FOR_HANDLER) {
                continue; // its handler is there now: bound, whatever the origin
            }
            assertPlan(Planner.plan(current(echo(7), state), desired(moved), Set.of("echo")), Kind.RETAG, moved);
        }
        ServiceDefinition movedExec = exec("ftp", 21).toBuilder().origin("test:9").build();
        assertPlan(Planner.plan(current(exec("ftp", 21), ListenerState.LISTENING), desired(movedExec), Set.of()),
                Kind.RETAG, movedExec);
        assertTrue(Planner.sameButOrigin(echo(7), moved));
        assertFalse(Planner.sameButOrigin(echo(7), echo(7)));
        assertFalse(Planner.sameButOrigin(echo(7), echo(8).toBuilder().origin("test:2").build()));
    }

    @Test
    public void aChangeOfOriginAndAnotherFieldCountsAsThatChange() {
        ServiceDefinition changed = echo(7).toBuilder().origin("test:2").maxPerMinute(5).build();
        assertPlan(Planner.plan(current(echo(7), ListenerState.LISTENING), desired(changed), Set.of("echo")),
                Kind.SWAP, changed);
    }

    @Test
    public void retryingDefinitionKeepsItsScheduleUntilItChanges() {
        assertEquals(List.of(), Planner.plan(current(echo(7), ListenerState.RETRYING), desired(echo(7)),
                Set.of("echo")));
        assertPlan(Planner.plan(current(echo(7), ListenerState.RETRYING), desired(echo(8)), Set.of("echo")),
                Kind.BIND, echo(8));
    }
}

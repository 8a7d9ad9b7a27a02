package org.superserver.api.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertSame;

import java.util.List;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

public class DefinitionPublisherTest {

    private final RecordingSink sink = new RecordingSink();
    private final DefinitionPublisher publisher = new DefinitionPublisher(sink);

    private static ServiceDefinition def(String id, int port) {
        return ServiceDefinition.builder().id(id).name(id).socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(port).handler("echo").origin("f:1").build();
    }

    @Test
    public void firstApplyRegistersEverything() {
        DefinitionPublisher.Changes c = publisher.apply(List.of(def("a", 1), def("b", 2)));
        assertEquals(List.of("+a", "+b"), sink.events);
        assertEquals("added 2, changed 0, removed 0, unchanged 0", c.toString());
    }

    @Test
    public void onlyTheDifferenceIsApplied() {
        publisher.apply(List.of(def("same", 1), def("changed", 2), def("removed", 3)));
        ServiceDefinition same = sink.live.get("same");
        sink.clearEvents();

        DefinitionPublisher.Changes c = publisher.apply(List.of(def("same", 1), def("changed", 20), def("added", 4)));

        // removed first, then new and changed registered, then the replaced registration withdrawn
        assertEquals(List.of("-removed", "+changed", "+added", "-changed"), sink.events);
        assertEquals(1, c.added);
        assertEquals(1, c.changed);
        assertEquals(1, c.removed);
        assertEquals(1, c.unchanged);
        assertSame(same, sink.live.get("same"));
        assertEquals(20, sink.live.get("changed").port());
        assertEquals(3, sink.liveCount());
    }

    @Test
    public void anEqualDefinitionKeepsItsRegistrationUntouched() {
        publisher.apply(List.of(def("a", 1)));
        sink.clearEvents();
        DefinitionPublisher.Changes c = publisher.apply(List.of(def("a", 1)));
        assertEquals(List.of(), sink.events);
        assertEquals(1, c.unchanged);
    }

    @Test
    public void clearWithdrawsEverything() {
        publisher.apply(List.of(def("a", 1), def("b", 2)));
        publisher.clear();
        assertEquals(0, sink.liveCount());
        assertEquals(0, publisher.published().size());
    }
}

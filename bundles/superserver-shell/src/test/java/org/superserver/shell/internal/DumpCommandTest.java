package org.superserver.shell.internal;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;
import org.superserver.api.status.ListenerStatus;
import org.superserver.api.status.ServerStatus;

public class DumpCommandTest {

    private final DumpCommand command = new DumpCommand();

    @Test
    public void withoutTheCoreTheCommandSaysSo() {
        assertEquals(StatusFormat.CORE_NOT_RUNNING, command.dump());
    }

    @Test
    public void printsTheCoresOwnDumpText() {
        command.status = new ServerStatus() {
            @Override
            public List<ListenerStatus> listeners() {
                return List.of();
            }

            @Override
            public String dump() {
                return "INTERNAL STATE DUMP: superserver\nEND OF DUMP\n";
            }
        };
        assertEquals("INTERNAL STATE DUMP: superserver\nEND OF DUMP\n", command.dump());
    }
}

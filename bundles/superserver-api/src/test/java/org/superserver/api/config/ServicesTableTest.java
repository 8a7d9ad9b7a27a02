package org.superserver.api.config;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.Test;

public class ServicesTableTest {

    static ServicesTable testTable() {
        try {
            return ServicesTable.parse(Files.readString(Path.of("src/test/resources/services"), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    public void namesResolvePerProtocol() {
        ServicesTable table = testTable();
        assertEquals(OptionalInt.of(7), table.port("echo", "tcp"));
        assertEquals(OptionalInt.of(7), table.port("echo", "udp"));
        assertEquals(OptionalInt.of(69), table.port("tftp", "udp"));
        assertEquals(OptionalInt.empty(), table.port("tftp", "tcp"));
        assertEquals(OptionalInt.empty(), table.port("ssh", "udp"));
    }

    @Test
    public void aliasesResolveLikeTheirOfficialName() {
        ServicesTable table = testTable();
        assertEquals(OptionalInt.of(113), table.port("ident", "tcp"));
        assertEquals(OptionalInt.of(512), table.port("comsat", "udp"));
        assertEquals(OptionalInt.of(9), table.port("sink", "tcp"));
        assertEquals(OptionalInt.of(514), table.port("syslog", "tcp"));
    }

    @Test
    public void anAddressFamilyDigitInTheProtocolIsIgnored() {
        ServicesTable table = testTable();
        assertEquals(OptionalInt.of(7), table.port("echo", "tcp6"));
        assertEquals(OptionalInt.of(69), table.port("tftp", "udp4"));
        assertEquals(OptionalInt.of(7), table.port("echo", "tcp46"));
    }

    @Test
    public void commentsEndALineAndDoNotBecomeAliases() {
        ServicesTable table = testTable();
        assertEquals(OptionalInt.of(22), table.port("ssh", "tcp"));
        assertEquals(OptionalInt.empty(), table.port("#", "tcp"));
        assertEquals(OptionalInt.empty(), table.port("SSH", "tcp"));
        assertEquals(OptionalInt.empty(), table.port("passwords", "tcp"));
    }

    @Test
    public void theFirstEntryForANameAndProtocolWins() {
        ServicesTable table = ServicesTable.parse("echo 7/tcp\necho 1007/tcp\nalias 8/tcp echo\n");
        assertEquals(OptionalInt.of(7), table.port("echo", "tcp"));
    }

    @Test
    public void malformedLinesAreSkippedAndCounted() {
        ServicesTable table = ServicesTable.parse(
                "onlyname\nbadport x/tcp\nnoproto 7\nnoproto2 7/\nbig 70000/tcp\n/tcp\ngood 10007/tcp\r\n\n   \n# c\n");
        assertEquals(OptionalInt.of(10007), table.port("good", "tcp"));
        assertFalse(table.port("big", "tcp").isPresent());
        assertEquals(6, table.malformedLines());
    }

    @Test
    public void emptyTableResolvesNothing() {
        assertEquals(OptionalInt.empty(), ServicesTable.EMPTY.port("echo", "tcp"));
        assertEquals(0, ServicesTable.EMPTY.size());
    }

    @Test
    public void theSystemServicesFileParses() throws IOException {
        Path system = Path.of("/etc/services");
        assumeTrue(Files.isReadable(system));
        ServicesTable table = ServicesTable.parse(new String(Files.readAllBytes(system), StandardCharsets.ISO_8859_1));
        assertEquals(OptionalInt.of(7), table.port("echo", "tcp"));
        assertEquals(OptionalInt.of(7), table.port("echo", "udp"));
    }
}

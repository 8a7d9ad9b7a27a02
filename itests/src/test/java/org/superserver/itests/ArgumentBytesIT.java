package org.superserver.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.superserver.itests.Clients.connect;
import static org.superserver.itests.Clients.freePort;
import static org.superserver.itests.Clients.readToEnd;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * inetd.conf arguments are bytes: whatever encoding the file is in, a program gets the bytes of
 * its arguments exactly as they stand in the file, as under inetd.
 *
 * <p><b>Needs the core to write argv as ISO-8859-1</b> (one byte per char, the inverse of how
 * config-inetd reads the file). With a core that encodes argv as UTF-8, the Latin-1 byte 0xE9
 * arrives as 0xC3 0xA9 and this test fails; it is meant to.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ArgumentBytesIT extends ItestSupport {

    @Configuration
    public Option[] config() {
        return frameworkOptions();
    }

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer) {
                out.write((Integer) part);
            } else {
                out.writeBytes(((String) part).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    @Test
    public void aLatin1ArgumentAndAUtf8ArgumentReachTheChildAsTheFilesBytes() throws Exception {
        int port = freePort();
        Path conf = scratch().path("inetd.conf");
        // /usr/bin/printf writes its arguments' bytes to fd 1, the connection
        Files.write(conf, bytes("127.0.0.1:" + port + " stream tcp nowait " + USER + " /usr/bin/printf printf %s|%s caf",
                0xE9, " na", 0xC3, 0xAF, "ve\n"));
        serveInetdConf(conf, scratch().write("services", ""), 0);
        InetSocketAddress address = awaitListening(inetdId(conf, "127.0.0.1", port, "tcp"));

        try (Socket socket = connect(address)) {
            byte[] expected = bytes("caf", 0xE9, "|na", 0xC3, 0xAF, "ve");
            byte[] got = readToEnd(socket);
            assertArrayEquals("printf's output " + HexFormat.of().formatHex(got) + " is the file's bytes "
                    + HexFormat.of().formatHex(expected), expected, got);
        }
    }
}

package org.superserver.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.superserver.api.ConfigFormat;
import org.superserver.api.Diagnostic;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;

public class ConvertCommandTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** Reads one echo service per line of the file; reports line 2 as an error. */
    private static final class LinesFormat implements ConfigFormat {
        @Override
        public String name() {
            return "inetd";
        }

        @Override
        public List<ServiceDefinition> read(Path file, Consumer<Diagnostic> problems) throws IOException {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() > 1) {
                problems.accept(Diagnostic.error(file.toString(), 2, "protocol", "bad"));
            }
            return List.of(ServiceDefinition.builder().name(lines.get(0)).socketType(SocketType.STREAM)
                    .protocol(Protocol.TCP).port(7).handler("echo").origin(file + ":1").build());
        }
    }

    /** Writes NAME.out with the service's name, and a warning per service. */
    private static final class NamesFormat implements ConfigFormat {
        @Override
        public String name() {
            return "cfg";
        }

        @Override
        public List<ServiceDefinition> read(Path file, Consumer<Diagnostic> problems) {
            return List.of();
        }

        @Override
        public boolean canWrite() {
            return true;
        }

        @Override
        public Map<String, String> write(List<ServiceDefinition> definitions, Consumer<Diagnostic> problems) {
            Map<String, String> files = new LinkedHashMap<>();
            for (ServiceDefinition d : definitions) {
                files.put(d.name() + ".out", "name = " + d.name() + "\n");
                problems.accept(Diagnostic.warning(d.origin(), 0, "x", "cannot say x"));
            }
            return files;
        }
    }

    private final ConvertCommand command = new ConvertCommand();

    private Path source(String text) throws IOException {
        Path file = tmp.newFile("inetd.conf").toPath();
        Files.writeString(file, text);
        return file;
    }

    @Test
    public void printsTheConvertedFilesAndTheProblems() throws IOException {
        command.formats = List.of(new LinesFormat(), new NamesFormat());
        Path file = source("echo\n");
        String out = command.convert("--from", "inetd", "--to", "cfg", file.toString());
        assertEquals("# ---- echo.out ----\nname = echo\n1 service converted from " + file + "\n"
                + file + ":1: warning: x: cannot say x\n", out);
    }

    @Test
    public void writesFilesIntoADirectoryWithMode0644() throws IOException {
        command.formats = List.of(new LinesFormat(), new NamesFormat());
        Path file = source("echo\nbad\n");
        Path dir = tmp.newFolder("out").toPath();
        String out = command.convert("--from=inetd", "--to=cfg", file.toString(), dir.toString());
        Path written = dir.resolve("echo.out");
        assertTrue(out, out.startsWith("wrote " + written + "\n"));
        assertTrue(out, out.contains(file + ":2: error: protocol: bad"));
        assertEquals("name = echo\n", Files.readString(written));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(written)));
    }

    @Test
    public void anExistingFileIsKeptUnlessForced() throws IOException {
        command.formats = List.of(new LinesFormat(), new NamesFormat());
        Path file = source("echo\n");
        Path dir = tmp.newFolder("out").toPath();
        Files.writeString(dir.resolve("echo.out"), "mine\n");
        String out = command.convert("--from", "inetd", "--to", "cfg", file.toString(), dir.toString());
        assertTrue(out, out.contains("echo.out exists; nothing was written (use --force to replace it)"));
        assertEquals("mine\n", Files.readString(dir.resolve("echo.out")));
        command.convert("--from", "inetd", "--to", "cfg", "--force", file.toString(), dir.toString());
        assertEquals("name = echo\n", Files.readString(dir.resolve("echo.out")));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("echo.out"))));
    }

    @Test
    public void aSymbolicLinkIsNeverWrittenThrough() throws IOException {
        command.formats = List.of(new LinesFormat(), new NamesFormat());
        Path file = source("echo\n");
        Path dir = tmp.newFolder("out").toPath();
        Path victim = tmp.newFile("victim").toPath();
        Files.writeString(victim, "precious\n");
        Files.createSymbolicLink(dir.resolve("echo.out"), victim);
        String out = command.convert("--from", "inetd", "--to", "cfg", file.toString(), dir.toString());
        assertTrue(out, out.contains("exists"));
        assertEquals("precious\n", Files.readString(victim));
        command.convert("--from", "inetd", "--to", "cfg", "--force", file.toString(), dir.toString());
        assertEquals("the link is replaced, not followed", "precious\n", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(dir.resolve("echo.out")));
        assertEquals("name = echo\n", Files.readString(dir.resolve("echo.out"), StandardCharsets.ISO_8859_1));
        assertTrue(Files.exists(dir.resolve("echo.out"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    public void badArgumentsAndMissingFormatsAreSaidWithTheUsage() throws IOException {
        assertTrue(command.convert("--from", "inetd").startsWith("convert: --from and --to are required\nusage:"));
        assertTrue(command.convert("--from", "inetd", "--to", "cfg", "--bogus", "f").contains("unknown option '--bogus'"));
        assertTrue(command.convert("--from", "inetd", "--to", "cfg", "a", "b", "c").contains("expected FILE"));
        Path file = source("echo\n");
        assertTrue(command.convert("--from", "inetd", "--to", "cfg", file.toString())
                .startsWith("convert: no format named 'inetd' is installed"));
        command.formats = List.of(new LinesFormat(), new NamesFormat());
        assertTrue(command.convert("--from", "cfg", "--to", "inetd", file.toString())
                .contains("format inetd cannot be written"));
        assertTrue(command.convert("--from", "inetd", "--to", "cfg", tmp.getRoot() + "/none")
                .startsWith("convert: "));
    }
}

package org.superserver.config.inetd.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.Test;
import org.superserver.api.Diagnostic;
import org.superserver.api.Protocol;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.api.config.ServicesTable;

/**
 * The parser over real-world inetd.conf lines (Debian, OpenBSD, FreeBSD) and every error case.
 * Behaviour marked "reference" was checked against openbsd-inetd 0.20221205 (Debian) running with
 * {@code -d -i} on loopback.
 */
public class InetdConfParserTest {

    private static final String FILE = "/etc/inetd.conf";
    private static final ServicesTable SERVICES = TestServices.table();

    private static ParseResult parse(String text) {
        return parse(text, false, AddressResolver.LITERAL_ONLY);
    }

    private static ParseResult parse(String text, boolean wrapAll, AddressResolver resolver) {
        return new InetdConfParser(SERVICES, "/etc/services", wrapAll, resolver).parse(FILE, text);
    }

    /** The one definition a clean line gives. */
    private static ServiceDefinition only(String text) {
        ParseResult result = parse(text);
        assertEquals(result.diagnostics().toString(), 0, result.diagnostics().size());
        assertEquals(1, result.definitions().size());
        return result.definitions().get(0);
    }

    /** The one error a bad line gives; nothing is defined. */
    private static Diagnostic error(String text, String field) {
        ParseResult result = parse(text);
        assertEquals(result.definitions().toString(), 0, result.definitions().size());
        assertEquals(result.diagnostics().toString(), 1, result.diagnostics().size());
        Diagnostic d = result.diagnostics().get(0);
        assertTrue(d.toString(), d.isError());
        assertEquals(d.toString(), field, d.field());
        assertEquals(FILE, d.file());
        assertEquals(1, d.line());
        return d;
    }

    private static void assertMentions(Diagnostic d, String... parts) {
        for (String part : parts) {
            String text = InetdConfParser.describe(d);
            assertTrue("'" + part + "' missing from: " + text, text.contains(part));
        }
    }

    // ---- Debian ----

    @Test
    public void debianDiscardInternalIsTheBuiltInOnEveryAddressOfBothFamilies() {
        ServiceDefinition d = only("discard\t\tstream\ttcp\tnowait\troot\tinternal\n");
        assertEquals("inetd:/etc/inetd.conf:*:discard/tcp", d.id());
        assertEquals("discard", d.name());
        assertEquals("discard", d.handler());
        assertTrue(d.isInternal());
        assertEquals(SocketType.STREAM, d.socketType());
        assertEquals(Protocol.TCP, d.protocol());
        assertNull(d.bindAddress());
        assertEquals(9, d.port());
        assertFalse(d.isWait());
        assertEquals(0, d.maxPerMinute());
        assertEquals("root", d.user());
        assertNull(d.group());
        assertNull(d.server());
        assertEquals(List.of(), d.argv());
        assertEquals(List.of(), d.policies());
        assertEquals("/etc/inetd.conf:1", d.origin());
    }

    @Test
    public void debianIdentIsLookedUpAsAnAliasOfAuthAndWaits() {
        ServiceDefinition d = only("ident\tstream\ttcp\twait\tidentd\t/usr/sbin/identd\tidentd");
        assertEquals(113, d.port());
        assertTrue(d.isWait());
        assertEquals("identd", d.user());
        assertEquals("/usr/sbin/identd", d.server());
        assertEquals(List.of("identd"), d.argv());
        assertEquals("inetd:/etc/inetd.conf:*:ident/tcp", d.id());
    }

    @Test
    public void debianTalkRunsAsNobodyWithGroupTty() {
        ServiceDefinition d = only("talk\t\tdgram\tudp\twait\tnobody.tty\t/usr/sbin/in.talkd\tin.talkd");
        assertEquals(SocketType.DGRAM, d.socketType());
        assertEquals(Protocol.UDP, d.protocol());
        assertEquals(517, d.port());
        assertTrue(d.isWait());
        assertEquals("nobody", d.user());
        assertEquals("tty", d.group());
        assertEquals(List.of("in.talkd"), d.argv());
    }

    @Test
    public void debianFingerThroughTcpdServesTheRealProgramUnderTheTcpdPolicy() {
        ServiceDefinition d = only("finger\tstream\ttcp\tnowait\tnobody\t/usr/sbin/tcpd\t/usr/sbin/in.fingerd");
        assertEquals(79, d.port());
        assertEquals("/usr/sbin/in.fingerd", d.server());
        assertEquals(List.of("in.fingerd"), d.argv());
        assertEquals(List.of("tcpd"), d.policies());
        assertEquals(List.of("/usr/sbin/tcpd"), d.attribute("tcpd"));
    }

    @Test
    public void anAbsoluteProgramBehindTcpdRunsWithArgv0CutToItsBasenameAsTcpdDoes() {
        // tcpd.c: if (argv[0][0] == '/') { strcpy(path, argv[0]); argv[0] = strrchr(argv[0], '/') + 1; }
        ServiceDefinition d = only("9418 stream tcp nowait nobody /usr/sbin/tcpd /usr/lib/git-core/git-daemon"
                + " --inetd --base-path=/srv/git");
        assertEquals("/usr/lib/git-core/git-daemon", d.server());
        assertEquals(List.of("git-daemon", "--inetd", "--base-path=/srv/git"), d.argv());
    }

    @Test
    public void aRelativeProgramWithASlashBehindTcpdIsFoundInUsrSbinAndKeepsItsArgv0() {
        ServiceDefinition d = only("finger stream tcp nowait nobody tcpd sub/in.fingerd -w");
        assertEquals("/usr/sbin/sub/in.fingerd", d.server());
        assertEquals(List.of("sub/in.fingerd", "-w"), d.argv());
    }

    @Test
    public void aNulByteInAnArgumentIsAnErrorNamingTheField() {
        Diagnostic d = error("10079 stream tcp nowait nobody /usr/bin/printf printf a\0b", "server arguments");
        assertMentions(d, "'a\\0...' contains a NUL byte at offset 1");
        error("10079 stream tcp nowait nobo\0dy /usr/bin/printf printf", "user");
        error("10079 stream tcp nowait nobody /usr/bin/pr\0intf printf", "server program");
    }

    @Test
    public void aDirectoryBehindTcpdIsAnErrorNamingTheArguments() {
        Diagnostic d = error("finger stream tcp nowait nobody /usr/sbin/tcpd /usr/sbin/", "server arguments");
        assertMentions(d, "'/usr/sbin/' names a directory");
    }

    @Test
    public void aTcpdProgramWithoutAPathIsFoundInUsrSbinWithArgvAsWritten() {
        ServiceDefinition d = only("finger stream tcp nowait nobody tcpd in.fingerd -w");
        assertEquals("/usr/sbin/in.fingerd", d.server());
        assertEquals(List.of("in.fingerd", "-w"), d.argv());
        assertEquals(List.of("tcpd"), d.policies());
    }

    @Test
    public void tcpdWithNoProgramIsAnErrorNamingTheArguments() {
        ParseResult result = parse("finger stream tcp nowait nobody /usr/sbin/tcpd\n");
        assertTrue(result.definitions().isEmpty());
        assertTrue(result.diagnostics().toString(), result.diagnostics().toString().contains("server arguments"));
    }

    @Test
    public void debianTftpOverUdp4KeepsItsArgumentsWithArgv0First() {
        ServiceDefinition d = only("tftp\t\tdgram\tudp4\twait\troot\t/usr/sbin/in.tftpd /usr/sbin/in.tftpd -s /srv/tftp");
        assertEquals(Protocol.UDP4, d.protocol());
        assertEquals(69, d.port());
        assertEquals("/usr/sbin/in.tftpd", d.server());
        assertEquals(List.of("/usr/sbin/in.tftpd", "-s", "/srv/tftp"), d.argv());
        assertEquals("inetd:/etc/inetd.conf:*:tftp/udp4", d.id());
    }

    @Test
    public void internalServicesNeverWaitAsInTheReference() {
        ServiceDefinition d = only("echo\t\tdgram\tudp\twait\troot\tinternal");
        assertEquals("echo", d.handler());
        assertEquals(Protocol.UDP, d.protocol());
        assertFalse(d.isWait());
    }

    @Test
    public void userColonGroupWorksLikeUserDotGroup() {
        ServiceDefinition d = only("comsat dgram udp wait tty:tty /usr/libexec/comsat comsat");
        assertEquals("tty", d.user());
        assertEquals("tty", d.group());
        ServiceDefinition first = only("comsat dgram udp wait a.b:c /usr/libexec/comsat comsat");
        assertEquals("a", first.user());
        assertEquals("b:c", first.group());
    }

    @Test
    public void wrapAllAddsTheTcpdPolicyToEveryLineOnce() {
        ParseResult r = parse("echo stream tcp nowait root internal\n"
                + "finger stream tcp nowait nobody /usr/sbin/tcpd /usr/sbin/in.fingerd\n"
                + "ftp stream tcp nowait root /usr/sbin/in.ftpd in.ftpd\n", true, AddressResolver.LITERAL_ONLY);
        assertEquals(3, r.definitions().size());
        for (ServiceDefinition d : r.definitions()) {
            assertEquals(d.toString(), List.of("tcpd"), d.policies());
        }
    }

    // ---- OpenBSD ----

    @Test
    public void openbsdComsatOnLoopbackListensOnIpv4Only() {
        ServiceDefinition d = only("127.0.0.1:comsat\tdgram\tudp\twait\troot\t/usr/libexec/comsat\tcomsat");
        assertEquals("127.0.0.1", d.bindAddress());
        assertEquals(512, d.port());
        // reference: plain udp on an IPv4 address gives only the IPv4 socket
        assertEquals(Protocol.UDP4, d.protocol());
        assertEquals("inetd:/etc/inetd.conf:127.0.0.1:comsat/udp", d.id());
        assertEquals(List.of("comsat"), d.argv());
    }

    @Test
    public void openbsdBracketedIpv6Prefix() {
        ServiceDefinition d = only("[::1]:comsat\tdgram\tudp\twait\troot\t/usr/libexec/comsat\tcomsat");
        assertEquals("::1", d.bindAddress());
        assertEquals(Protocol.UDP6, d.protocol());
        assertEquals("inetd:/etc/inetd.conf:[::1]:comsat/udp", d.id());
    }

    @Test
    public void anUnbracketedIpv6PrefixEndsAtTheLastColon() {
        // reference: "::1:24602 stream tcp6 ..." listens on ::1 port 24602
        ServiceDefinition d = only("::1:24602 stream tcp6 nowait root /bin/cat cat");
        assertEquals("::1", d.bindAddress());
        assertEquals(24602, d.port());
        assertEquals(Protocol.TCP6, d.protocol());
    }

    @Test
    public void openbsdDefaultLines() {
        ParseResult r = parse("ident\t\tstream\ttcp\tnowait\t_identd\t/usr/sbin/identd\tidentd -el\n"
                + "#ftp\t\tstream\ttcp\tnowait\troot\t/usr/libexec/ftpd\tftpd -US\n"
                + "daytime\t\tstream\ttcp\tnowait\troot\tinternal\n"
                + "time\t\tstream\ttcp\tnowait\troot\tinternal\n");
        assertEquals(List.of(), r.diagnostics());
        assertEquals(List.of("ident", "daytime", "time"),
                r.definitions().stream().map(ServiceDefinition::name).collect(Collectors.toList()));
        assertEquals(List.of("identd", "-el"), r.definitions().get(0).argv());
        assertEquals("_identd", r.definitions().get(0).user());
        assertEquals("/etc/inetd.conf:3", r.definitions().get(1).origin());
    }

    @Test
    public void severalAddressesInOnePrefixGiveOneDefinitionEach() {
        ParseResult r = parse("127.0.0.1,[::1]:echo stream tcp nowait root internal\n"
                + "127.0.0.1,::1:discard stream tcp nowait root internal\n");
        assertEquals(List.of(), r.diagnostics());
        Map<String, ServiceDefinition> byId = r.definitions().stream()
                .collect(Collectors.toMap(ServiceDefinition::id, d -> d));
        assertEquals(Protocol.TCP4, byId.get("inetd:/etc/inetd.conf:127.0.0.1:echo/tcp").protocol());
        assertEquals(Protocol.TCP6, byId.get("inetd:/etc/inetd.conf:[::1]:discard/tcp").protocol());
        assertEquals(4, byId.size());
    }

    @Test
    public void hostNamesGoThroughTheResolver() {
        AddressResolver resolver = host -> {
            if ("localhost".equals(host)) {
                return List.of("127.0.0.1", "::1");
            }
            throw new UnknownHostException(host);
        };
        ParseResult r = parse("localhost:echo stream tcp nowait root internal\n"
                + "localhost:tftp dgram udp6 wait root /usr/sbin/in.tftpd in.tftpd\n"
                + "nosuchhost:echo stream tcp nowait root internal\n", false, resolver);
        assertEquals(List.of("127.0.0.1", "::1", "::1"),
                r.definitions().stream().map(ServiceDefinition::bindAddress).collect(Collectors.toList()));
        assertEquals(Protocol.UDP6, r.definitions().get(2).protocol());
        assertEquals(1, r.diagnostics().size());
        assertEquals("address", r.diagnostics().get(0).field());
        assertEquals(3, r.diagnostics().get(0).line());
    }

    // ---- FreeBSD ----

    @Test
    public void freebsdFtpWithArguments() {
        ServiceDefinition d = only("ftp\tstream\ttcp\tnowait\troot\t/usr/libexec/ftpd\tftpd -l");
        assertEquals(21, d.port());
        assertEquals(List.of("ftpd", "-l"), d.argv());
    }

    @Test
    public void freebsdMaxChildBecomesInstances() {
        ServiceDefinition d = only("ftp stream tcp nowait/3 root /usr/libexec/ftpd ftpd -l");
        assertFalse(d.isWait());
        assertEquals(3, d.instances());
        assertEquals(0, d.maxPerMinute());
    }

    @Test
    public void freebsdPerAddressLimitsAreReportedAsUnsupported() {
        Diagnostic d = error("ftp stream tcp nowait/3/10 root /usr/libexec/ftpd ftpd -l", "wait");
        assertMentions(d, "/etc/inetd.conf:1: wait:", "nowait/3/10", "per-address", "per_source");
        error("ftp stream tcp nowait/3/10/2 root /usr/libexec/ftpd ftpd -l", "wait");
        error("ftp stream tcp nowait/x root /usr/libexec/ftpd ftpd -l", "wait");
    }

    // ---- file structure ----

    @Test
    public void aLineStartingWithABlankOrTabContinuesThePreviousEntry() {
        ServiceDefinition d = only("tftp dgram udp4 wait root /usr/sbin/in.tftpd\n"
                + "\t/usr/sbin/in.tftpd -s\n"
                + "    \n"
                + "  /srv/tftp\n");
        assertEquals(List.of("/usr/sbin/in.tftpd", "-s", "/srv/tftp"), d.argv());
        assertEquals("/etc/inetd.conf:1", d.origin());
    }

    @Test
    public void anEntryCanBeSplitAnywhereBetweenFields() {
        ServiceDefinition d = only("finger\n\tstream tcp\n\tnowait nobody.tty\n\t/usr/sbin/tcpd in.fingerd\n");
        assertEquals(79, d.port());
        assertEquals("tty", d.group());
        assertEquals(List.of("in.fingerd"), d.argv());
    }

    @Test
    public void aCommentOrBlankLineEndsAnEntryAndAnIndentedLineAfterItStartsItsOwn() {
        ParseResult r = parse("echo stream tcp nowait root internal\n"
                + "# comment\n"
                + "  daytime stream tcp nowait root internal\n"
                + "\n"
                + "\ttime stream tcp nowait root internal\n");
        assertEquals(List.of(), r.diagnostics());
        assertEquals(List.of("/etc/inetd.conf:1", "/etc/inetd.conf:3", "/etc/inetd.conf:5"),
                r.definitions().stream().map(ServiceDefinition::origin).collect(Collectors.toList()));
    }

    @Test
    public void commentsBlankLinesAndDisabledLinesDefineNothing() {
        ParseResult r = parse("# /etc/inetd.conf:  see inetd(8) for further informations.\n"
                + "\n"
                + "#:INTERNAL: Internal services\n"
                + "#discard\t\tstream\ttcp\tnowait\troot\tinternal\n"
                + "#<off># netbios-ssn\tstream\ttcp\tnowait\troot\t/usr/sbin/tcpd\t/usr/sbin/smbd\n"
                + "   \n");
        assertEquals(List.of(), r.diagnostics());
        assertEquals(List.of(), r.definitions());
    }

    @Test
    public void aHashAfterTheFirstColumnIsAnOrdinaryWord() {
        ServiceDefinition d = only("ftp stream tcp nowait root /usr/sbin/in.ftpd in.ftpd # not a comment");
        assertEquals(List.of("in.ftpd", "#", "not", "a", "comment"), d.argv());
        assertEquals("echo", only("echo stream tcp nowait root internal # built-in").handler());
    }

    @Test
    public void argumentsSplitOnBlanksOnlyAndQuotesAreLiteral() {
        ServiceDefinition d = only("ftp stream tcp nowait root /bin/sh sh -c \"echo 'hi there'\"");
        assertEquals(List.of("sh", "-c", "\"echo", "'hi", "there'\""), d.argv());
    }

    @Test
    public void theArgumentVectorIsTheOneTheReferenceHandsItsChild() {
        // reference: this entry's child printed [argv0]["a][b"]['c'][#][d][cont1][cont2]
        ServiceDefinition d = only("127.0.0.1:24610 stream tcp nowait root /tmp/ref/argv argv0 \"a b\" 'c' # d\n"
                + "\t cont1\n"
                + "   \n"
                + "  cont2\n");
        assertEquals(List.of("argv0", "\"a", "b\"", "'c'", "#", "d", "cont1", "cont2"), d.argv());
    }

    @Test
    public void moreThanTwentyArgumentsAreKept() {
        StringBuilder line = new StringBuilder("ftp stream tcp nowait root /x x");
        for (int i = 1; i <= 22; i++) {
            line.append(" a").append(i);
        }
        // openbsd-inetd passes only the first 20 words (argv[0] included)
        assertEquals(23, only(line.toString()).argv().size());
    }

    @Test
    public void withoutArgumentsArgv0IsTheProgramsBasename() {
        assertEquals(List.of("in.ftpd"), only("ftp stream tcp nowait root /usr/sbin/in.ftpd").argv());
        assertEquals(List.of("cat"), only("ftp stream tcp nowait root cat").argv());
    }

    @Test
    public void crlfLineEndsAreTolerated() {
        ParseResult r = parse("echo stream tcp nowait root internal\r\n# c\r\nftp stream tcp nowait root /x/y y\r\n");
        assertEquals(List.of(), r.diagnostics());
        assertEquals(List.of("y"), r.definitions().get(1).argv());
    }

    @Test
    public void theDefaultAddressLineAppliesBelowUntilStarResetsIt() {
        ParseResult r = parse("echo stream tcp nowait root internal\n"
                + "127.0.0.1:\n"
                + "daytime stream tcp nowait root internal\n"
                + "[::1]:time stream tcp nowait root internal\n"
                + "[::1]:\n"
                + "chargen stream tcp nowait root internal\n"
                + "*:\n"
                + "discard stream tcp nowait root internal\n");
        assertEquals(List.of(), r.diagnostics());
        assertEquals(List.of("inetd:/etc/inetd.conf:*:echo/tcp", "inetd:/etc/inetd.conf:127.0.0.1:daytime/tcp",
                "inetd:/etc/inetd.conf:[::1]:time/tcp", "inetd:/etc/inetd.conf:[::1]:chargen/tcp",
                "inetd:/etc/inetd.conf:*:discard/tcp"),
                r.definitions().stream().map(ServiceDefinition::id).collect(Collectors.toList()));
    }

    @Test
    public void anEmptyAddressMeansEveryAddress() {
        ParseResult r = parse("127.0.0.1:\n:echo stream tcp nowait root internal\n");
        assertNull(r.definitions().get(0).bindAddress());
        assertEquals(Protocol.TCP, r.definitions().get(0).protocol());
    }

    @Test
    public void anAddressWordFollowedByFieldsIsAnEntryNotADefault() {
        // reference: "host:" with more words (on the line or a continuation) prefixes that entry only
        ParseResult r = parse("127.0.0.1: echo stream tcp nowait root internal\n"
                + "127.0.0.1:\n\tdaytime stream tcp nowait root internal\n"
                + "time stream tcp nowait root internal\n");
        assertEquals(List.of(), r.diagnostics());
        assertEquals("127.0.0.1", r.definitions().get(0).bindAddress());
        assertEquals("127.0.0.1", r.definitions().get(1).bindAddress());
        assertNull(r.definitions().get(2).bindAddress());
    }

    @Test
    public void aNumericPortIsAccepted() {
        ServiceDefinition d = only("127.0.0.1:24601 stream tcp4 nowait root /bin/cat cat");
        assertEquals(24601, d.port());
        assertEquals("inetd:/etc/inetd.conf:127.0.0.1:24601/tcp4", d.id());
    }

    // ---- wait / max ----

    @Test
    public void waitAndNowaitWithMax() {
        ServiceDefinition w = only("ident stream tcp wait.7 nobody:nogroup /usr/sbin/identd identd");
        assertTrue(w.isWait());
        assertEquals(7, w.maxPerMinute());
        ServiceDefinition n = only("ftp stream tcp nowait.400 root /usr/sbin/in.ftpd in.ftpd");
        assertFalse(n.isWait());
        // served exactly: 400 a minute (openbsd-inetd serves 399)
        assertEquals(400, n.maxPerMinute());
    }

    @Test
    public void maxIsReadAsCsStrtoulWithBaseZero() {
        assertEquals(16, only("ftp stream tcp nowait.0x10 root /x x").maxPerMinute());
        assertEquals(8, only("ftp stream tcp nowait.010 root /x x").maxPerMinute());
    }

    @Test
    public void anyWordOtherThanWaitMeansNowaitWithAWarning() {
        // reference: "FOO.5" and "WAIT" both read as nowait (strcmp(arg, "wait"))
        ParseResult r = parse("ftp stream tcp FOO.5 root /x x\nssh stream tcp WAIT root /y y\n");
        assertEquals(2, r.definitions().size());
        assertFalse(r.definitions().get(0).isWait());
        assertEquals(5, r.definitions().get(0).maxPerMinute());
        assertFalse(r.definitions().get(1).isWait());
        assertEquals(2, r.diagnostics().size());
        for (Diagnostic d : r.diagnostics()) {
            assertFalse(d.isError());
            assertEquals("wait", d.field());
            assertMentions(d, "read as nowait");
        }
    }

    @Test
    public void aBadMaxSkipsTheLine() {
        assertMentions(error("ftp stream tcp nowait.abc root /x x", "wait"), "nowait.abc", "'abc'", "nowait.60");
        error("ftp stream tcp nowait.0 root /x x", "wait");
        error("ftp stream tcp nowait. root /x x", "wait");
        error("ftp stream tcp wait.-1 root /x x", "wait");
        error("ftp stream tcp wait.5x root /x x", "wait");
        error("ftp stream tcp wait.99999999999 root /x x", "wait");
    }

    // ---- internal ----

    @Test
    public void internalOnANumericPortNamesItsBuiltInAfterTheKeyword() {
        ServiceDefinition d = only("127.0.0.1:10007 stream tcp nowait root internal echo");
        assertEquals("10007", d.name());
        assertEquals("echo", d.handler());
        assertEquals(10007, d.port());
    }

    @Test
    public void internalInternalIsTheManPagesFormAndMeansTheServiceName() {
        assertEquals("echo", only("echo stream tcp nowait root internal internal").handler());
    }

    @Test
    public void internalOnABarePortWithoutANameIsAnError() {
        Diagnostic d = error("10007 stream tcp nowait root internal", "server program");
        assertMentions(d, "10007", "internal echo");
    }

    @Test
    public void internalWithABuiltInNoBundleProvidesIsNotAParseError() {
        // the core serves it once a handler named ssh appears
        assertEquals("ssh", only("ssh stream tcp nowait root internal").handler());
        assertEquals("gopher", only("7070 stream tcp nowait root internal gopher").handler());
    }

    @Test
    public void internalOnANameWithNoPortIsAnError() {
        assertMentions(error("gopher stream tcp nowait root internal", "service"), "'gopher'", "/etc/services");
    }

    // ---- errors ----

    @Test
    public void unknownServiceName() {
        assertMentions(error("nosuch stream tcp nowait root /x x", "service"),
                "/etc/inetd.conf:1: service: 'nosuch' is not a tcp service in /etc/services", "port number");
    }

    @Test
    public void aServiceListedForTheOtherProtocolOnlyIsUnknown() {
        assertMentions(error("ssh dgram udp wait root /usr/sbin/sshd sshd", "service"), "not a udp service");
        assertMentions(error("tftp stream tcp6 nowait root /x x", "service"), "not a tcp service");
    }

    @Test
    public void badSocketType() {
        assertMentions(error("echo raw tcp nowait root internal", "socket type"), "'raw' is not supported",
                "stream or dgram");
        assertMentions(error("echo streams tcp nowait root internal", "socket type"), "'streams' is not a socket type");
    }

    @Test
    public void badProtocol() {
        assertMentions(error("echo stream sctp nowait root internal", "protocol"), "'sctp' is not a protocol",
                "tcp, tcp4, tcp6, udp, udp4, udp6 or unix");
        assertMentions(error("echo stream TCP nowait root internal", "protocol"), "'TCP'");
        assertMentions(error("/tmp/sock stream unix,mode=0999 nowait root /x x", "protocol"), "not a file mode");
        assertMentions(error("rstatd/1-3 dgram rpc/udp wait root /usr/sbin/rpc.rstatd rpc.rstatd", "protocol"),
                "Sun RPC");
    }

    // ---- openbsd-inetd's unix protocol ----

    @Test
    public void unixLineServesABuiltInAtItsPath() {
        ServiceDefinition d = only("/run/echo.sock stream unix nowait root internal");
        assertEquals(Protocol.UNIX, d.protocol());
        assertEquals("/run/echo.sock", d.socketPath());
        assertEquals("/run/echo.sock", d.name());
        assertEquals("echo", d.handler());
        assertEquals(0660, d.socketMode());
        assertEquals(null, d.socketOwner());
        assertEquals(null, d.bindAddress());
        assertEquals(FILE + ":1", d.origin());
        assertEquals("chargen", only("/run/x.sock dgram unix wait root internal chargen").handler());
        assertEquals(Protocol.UNIX_DGRAM, only("/run/x.sock dgram unix wait root internal chargen").protocol());
    }

    @Test
    public void unixLineStartsAServerWithItsArguments() {
        ServiceDefinition d = only("/run/x:y.sock stream unix nowait nobody.nogroup /usr/bin/server server -v");
        assertEquals("/run/x:y.sock", d.socketPath());
        assertEquals("/usr/bin/server", d.server());
        assertEquals(List.of("server", "-v"), d.argv());
        assertEquals("nobody", d.user());
        assertEquals("nogroup", d.group());
    }

    @Test
    public void unixOptionsSetTheSocketFilesModeAndOwners() {
        ServiceDefinition d = only("/run/echo.sock stream unix,mode=0666,owner=daemon,group=adm nowait root internal");
        assertEquals(0666, d.socketMode());
        assertEquals("daemon", d.socketOwner());
        assertEquals("adm", d.socketGroup());
    }

    @Test
    public void badUnixLinesNameTheirField() {
        assertMentions(error("run/echo.sock stream unix nowait root internal", "service"), "not an absolute path");
        assertMentions(error("/run/ stream unix nowait root internal", "service"), "names a directory");
        assertMentions(error("/" + "x".repeat(120) + " stream unix nowait root internal", "service"),
                "longer than 107 bytes");
        assertMentions(error("/run/echo.sock stream unix,sndbuf=1k nowait root internal", "protocol"),
                "not an option of unix");
        assertMentions(error("/run/echo.sock stream unix,mode=1777 nowait root internal", "protocol"),
                "not a file mode");
        assertMentions(error("/run/echo.sock stream unix,mode=0600,mode=0666 nowait root internal", "protocol"),
                "gives mode twice");
        assertMentions(error("/run/echo.sock stream unix,owner= nowait root internal", "protocol"), "has no value");
        assertMentions(error("/run/echo.sock raw unix nowait root internal", "socket type"), "'raw'");
    }

    @Test
    public void socketTypeThatDoesNotFitTheProtocol() {
        assertMentions(error("echo stream udp nowait root internal", "protocol"), "'udp' does not fit socket type stream");
        assertMentions(error("echo dgram tcp6 wait root internal", "protocol"), "does not fit socket type dgram");
    }

    @Test
    public void missingFieldsNameTheFirstOneMissing() {
        assertMentions(error("echo stream tcp nowait root", "server program"), "is missing for echo", "seven fields");
        error("echo stream tcp nowait", "user");
        error("echo stream tcp", "wait");
        error("echo stream", "protocol");
        error("echo", "socket type");
        error("127.0.0.1:echo", "socket type");
    }

    @Test
    public void badAddress() {
        assertMentions(error("300.1.1.1:echo stream tcp nowait root internal", "address"), "'300.1.1.1'");
        error("1.2.3:echo stream tcp nowait root internal", "address");
        error("[::g]:echo stream tcp nowait root internal", "address");
        // a host name with no resolver to answer it
        assertMentions(error("nosuchhost:echo stream tcp nowait root internal", "address"), "does not resolve");
    }

    @Test
    public void aBadDefaultAddressLineIsReported() {
        ParseResult r = parse("300.1.1.1:\necho stream tcp nowait root internal\n");
        assertEquals(1, r.diagnostics().size());
        assertEquals("address", r.diagnostics().get(0).field());
        assertNull(r.definitions().get(0).bindAddress());
    }

    @Test
    public void anAddressOfTheWrongFamilyForTheProtocol() {
        // reference: getaddrinfo refuses the address for that family and the line is skipped
        assertMentions(error("127.0.0.1:echo stream tcp6 nowait root internal", "address"), "no IPv6 address");
        assertMentions(error("[::1]:echo dgram udp4 wait root internal", "address"), "no IPv4 address");
        ParseResult r = parse("127.0.0.1:\nsink stream tcp6 nowait root /bin/cat\n");
        assertEquals("address", r.diagnostics().get(0).field());
        assertEquals(2, r.diagnostics().get(0).line());
    }

    @Test
    public void portOutOfRange() {
        assertMentions(error("0 stream tcp nowait root /x x", "service"), "port 0 is outside 1-65535");
        error("65536 stream tcp nowait root /x x", "service");
        error("9999999999 stream tcp nowait root /x x", "service");
        assertEquals(65535, only("65535 stream tcp nowait root /x x").port());
    }

    @Test
    public void emptyUserOrGroup() {
        error("talk dgram udp wait .tty /usr/sbin/in.talkd in.talkd", "user");
        assertMentions(error("talk dgram udp wait nobody. /usr/sbin/in.talkd in.talkd", "user"), "empty group");
        error("talk dgram udp wait nobody: /usr/sbin/in.talkd in.talkd", "user");
        // a bad line gets its error only, not also the warning of an odd wait word
        error("talk dgram udp FOO nobody: /usr/sbin/in.talkd in.talkd", "user");
    }

    @Test
    public void serverProgramThatIsADirectory() {
        error("ftp stream tcp nowait root /usr/sbin/", "server program");
    }

    @Test
    public void bufferSizesAreKeptAsAttributes() {
        ServiceDefinition d = only("ftp stream tcp,rcvbuf=64k,sndbuf=1m nowait root /x x");
        assertEquals(Protocol.TCP, d.protocol());
        assertEquals(List.of("65536"), d.attribute("rcvbuf"));
        assertEquals(List.of("1048576"), d.attribute("sndbuf"));
        assertEquals("inetd:/etc/inetd.conf:*:ftp/tcp", d.id());
        error("ftp stream tcp,rcvbuf=0 nowait root /x x", "protocol");
        error("ftp stream tcp,rcvbuf nowait root /x x", "protocol");
        error("ftp stream tcp,window=5 nowait root /x x", "protocol");
        error("ftp stream tcp,rcvbuf=1,sndbuf=2,rcvbuf=3 nowait root /x x", "protocol");
    }

    @Test
    public void tcp46IsReadAsPlainTcp() {
        ServiceDefinition d = only("ftp stream tcp46 nowait root /x x");
        assertEquals(Protocol.TCP, d.protocol());
        assertEquals("inetd:/etc/inetd.conf:*:ftp/tcp46", d.id());
    }

    @Test
    public void aBadLineIsReportedOnceWithFileLineAndFieldAndTheOthersStillServe() {
        ParseResult r = parse("echo stream tcp nowait root internal\n"
                + "daytime stream sctp nowait root internal\n"
                + "# daytime stream tcp nowait root internal\n"
                + "time stream tcp nowait root internal\n"
                + "nosuch stream tcp nowait root /x x\n"
                + "chargen stream tcp nowait root internal\n");
        assertEquals(List.of("echo", "time", "chargen"),
                r.definitions().stream().map(ServiceDefinition::name).collect(Collectors.toList()));
        assertEquals(2, r.diagnostics().size());
        assertEquals(2, r.errorCount());
        String first = InetdConfParser.describe(r.diagnostics().get(0));
        assertTrue(first, first.startsWith("/etc/inetd.conf:2: protocol: 'sctp'"));
        assertTrue(first, first.endsWith("; line skipped"));
        assertEquals(5, r.diagnostics().get(1).line());
    }

    @Test
    public void diagnosticsAreWordedAsInetdConfReportsThemWithTheFieldAndLineSkippedForErrors() {
        ParseResult r = parse("echo stream tcp nowait root internal\n"
                + "echo stream tcp nowait root internal\n"
                + "daytime stream udpx nowait root internal\n");
        assertEquals(2, r.diagnostics().size());
        String warning = InetdConfParser.describe(r.diagnostics().get(0));
        assertTrue(warning, warning.startsWith("/etc/inetd.conf:2: service: echo/tcp on "));
        assertTrue(warning, warning.endsWith(" is defined again; this line replaces /etc/inetd.conf:1"
                + " (the later line wins, as in inetd)"));
        assertEquals("/etc/inetd.conf:3: protocol: 'udpx' is not a protocol; expected tcp, tcp4, tcp6, udp, udp4, udp6"
                + " or unix; line skipped", InetdConfParser.describe(r.diagnostics().get(1)));
        assertEquals("/etc/inetd.conf: file: inetd.conf file /etc/inetd.conf does not exist",
                InetdConfParser.describe(Diagnostic.error("/etc/inetd.conf", 0, "file",
                        "inetd.conf file /etc/inetd.conf does not exist")));
    }

    @Test
    public void aRepeatedEntryReplacesTheEarlierOneWithAWarning() {
        // reference: the later line updates the earlier entry (debug output: REDO)
        ParseResult r = parse("127.0.0.1:echo stream tcp nowait root internal\n"
                + "127.0.0.1:\n"
                + "echo stream tcp nowait nobody internal\n");
        assertEquals(1, r.definitions().size());
        assertEquals("nobody", r.definitions().get(0).user());
        assertEquals(1, r.diagnostics().size());
        assertFalse(r.diagnostics().get(0).isError());
        assertMentions(r.diagnostics().get(0), "/etc/inetd.conf:3", "replaces /etc/inetd.conf:1");
    }

    // ---- identity ----

    @Test
    public void idsAreUniquePerAddressServiceAndProtocol() {
        ParseResult r = parse("echo stream tcp nowait root internal\n"
                + "echo dgram udp wait root internal\n"
                + "echo stream tcp6 nowait root internal\n"
                + "127.0.0.1:echo stream tcp nowait root internal\n"
                + "7 stream tcp4 nowait root internal echo\n");
        assertEquals(List.of(), r.diagnostics());
        assertEquals(5, r.definitions().stream().map(ServiceDefinition::id).distinct().count());
    }

    @Test
    public void idsAreStableWhenLinesMoveAndDefinitionsAreEqualWhenNothingChanged() {
        String text = "echo stream tcp nowait root internal\nftp stream tcp nowait root /x x\n";
        assertEquals(parse(text).definitions(), parse(text).definitions());
        ServiceDefinition before = parse(text).definitions().get(1);
        ServiceDefinition after = parse("# new comment\n" + text).definitions().get(1);
        assertEquals(before.id(), after.id());
        assertNotEquals(before.origin(), after.origin());
    }

    @Test
    public void theFileNameIsPartOfIdsOriginsAndDiagnostics() {
        ParseResult r = new InetdConfParser(SERVICES, "/etc/services", false, AddressResolver.LITERAL_ONLY)
                .parse("/srv/other.conf", "echo stream tcp nowait root internal\nbad\n");
        assertEquals("inetd:/srv/other.conf:*:echo/tcp", r.definitions().get(0).id());
        assertEquals("/srv/other.conf:1", r.definitions().get(0).origin());
        assertEquals("/srv/other.conf", r.diagnostics().get(0).file());
        assertEquals(2, r.diagnostics().get(0).line());
    }

    @Test
    public void aWholeDebianFileParsesClean() {
        ParseResult r = parse(String.join("\n",
                "# /etc/inetd.conf:  see inetd(8) for further informations.",
                "#",
                "# Internet superserver configuration database",
                "#",
                "# Lines starting with \"#:LABEL:\" or \"#<off>#\" should not",
                "# be changed unless you know what you are doing!",
                "#",
                "# <service_name> <sock_type> <proto> <flags> <user> <server_path> <args>",
                "#",
                "#:INTERNAL: Internal services",
                "discard\t\tstream\ttcp\tnowait\troot\tinternal",
                "discard\t\tdgram\tudp\twait\troot\tinternal",
                "daytime\t\tstream\ttcp\tnowait\troot\tinternal",
                "time\t\tstream\ttcp\tnowait\troot\tinternal",
                "",
                "#:STANDARD: These are standard services.",
                "#:BSD: Shell, login, exec and talk are BSD protocols.",
                "talk\t\tdgram\tudp\twait\tnobody.tty\t/usr/sbin/in.talkd\tin.talkd",
                "ntalk\t\tdgram\tudp\twait\tnobody.tty\t/usr/sbin/in.ntalkd\tin.ntalkd",
                "#:INFO: Info services",
                "ident\t\tstream\ttcp\twait\tidentd\t/usr/sbin/identd\tidentd",
                "finger\t\tstream\ttcp\tnowait\tnobody\t/usr/sbin/tcpd\t/usr/sbin/in.fingerd",
                "#:BOOT: TFTP service is provided primarily for booting.",
                "tftp\t\tdgram\tudp4\twait\troot\t/usr/sbin/in.tftpd /usr/sbin/in.tftpd -s /srv/tftp",
                ""));
        assertEquals(List.of(), r.diagnostics());
        assertEquals(9, r.definitions().size());
    }
}

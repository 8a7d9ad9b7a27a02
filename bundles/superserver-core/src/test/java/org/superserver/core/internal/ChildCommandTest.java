package org.superserver.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.superserver.api.Protocol;
import org.superserver.api.ResourceLimit;
import org.superserver.api.ServiceDefinition;
import org.superserver.api.SocketType;
import org.superserver.core.internal.Accounts.Account;

/**
 * The command line of a child with {@code groups = no} and resource limits, and the umask and nice
 * value it is spawned with: pure functions of the definition, the identity and a decision.
 */
public class ChildCommandTest {

    private static final Account ROOT = new Account("root", 0, 0, "/root", "/bin/bash");
    private static final Account NOBODY = new Account("nobody", 65534, 65534, "/nonexistent", "/usr/sbin/nologin");
    private static final Identity AS_ROOT = new Identity(ROOT, 0, List.of(), false, null, false);
    private static final Identity AS_NOBODY = new Identity(NOBODY, 65534, List.of(65534, 100), true, null, false);

    private static Map<ResourceLimit, Long> limits() {
        Map<ResourceLimit, Long> limits = new EnumMap<>(ResourceLimit.class);
        limits.put(ResourceLimit.NOFILE, 64L);
        limits.put(ResourceLimit.AS, ServiceDefinition.UNLIMITED);
        limits.put(ResourceLimit.CPU, 20L);
        return limits;
    }

    @Test
    public void limitsOfASwitchedChildAreSetByPrlimitBeforeSetprivDropsRoot() {
        Program.Command c = Program.command("/bin/cat", List.of("/bin/cat"), AS_NOBODY, false, limits());
        assertEquals(Program.PRLIMIT, c.path());
        assertEquals(List.of("prlimit", "--as=unlimited:unlimited", "--cpu=20:20", "--nofile=64:64", "--",
                Program.SETPRIV, "--reuid=65534", "--regid=65534", "--groups=65534,100", "--", "/bin/cat"), c.argv());
    }

    @Test
    public void limitsOfAChildThatIsNotSwitchedAreSetByPrlimitAlone() {
        Program.Command c = Program.command("/bin/cat", List.of("/bin/cat", "-u"), AS_ROOT, false, limits());
        assertEquals(Program.PRLIMIT, c.path());
        assertEquals(List.of("prlimit", "--as=unlimited:unlimited", "--cpu=20:20", "--nofile=64:64", "--",
                "/bin/cat", "-u"), c.argv());
    }

    @Test
    public void anArgv0OtherThanTheProgramStillGoesThroughPerlBehindTheWrappers() {
        Program.Command c = Program.command("/usr/sbin/in.fingerd", List.of("in.fingerd"), AS_ROOT, false,
                Map.of(ResourceLimit.CPU, 5L));
        assertEquals(List.of("prlimit", "--cpu=5:5", "--", Program.PERL, "-e", Program.ARGV0_SCRIPT,
                "/usr/sbin/in.fingerd", "in.fingerd"), c.argv());
    }

    @Test
    public void groupsNoClearsTheGroupsOfASwitchedChildAndOfARootChild() {
        assertEquals(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "/bin/cat"),
                Program.command("/bin/cat", List.of("/bin/cat"), AS_NOBODY, true, Map.of()).argv());
        Program.Command root = Program.command("/bin/cat", List.of("/bin/cat"), AS_ROOT, true, Map.of());
        assertEquals(Program.SETPRIV, root.path());
        assertEquals(List.of("setpriv", "--clear-groups", "--", "/bin/cat"), root.argv());
    }

    @Test
    public void aRootServerWithoutSupplementaryGroupsSpawnsAGroupsNoRootChildDirectlyAndStillClearsASwitchedOnes() {
        Program plain = Program.prepare(cat().supplementaryGroups(false).build(), ROOT, false, Map.of(),
                ExecPlanningTest.ACCOUNTS);
        assertEquals("the child has no group to drop", List.of("/bin/cat"), plain.command().argv());
        assertEquals(null, plain.notice());
        Program withGroups = Program.prepare(cat().supplementaryGroups(false).build(), ROOT, true, Map.of(),
                ExecPlanningTest.ACCOUNTS);
        assertEquals(List.of("setpriv", "--clear-groups", "--", "/bin/cat"), withGroups.command().argv());
        Program nobody = Program.prepare(cat().user("nobody").supplementaryGroups(false).build(), ROOT, false,
                Map.of(), ExecPlanningTest.ACCOUNTS);
        assertTrue(nobody.command().argv().toString(), nobody.command().argv().contains("--clear-groups"));
    }

    @Test
    public void withoutGroupsNoOrLimitsARootChildIsSpawnedDirectly() {
        Program.Command c = Program.command("/bin/cat", List.of("/bin/cat"), AS_ROOT, false, Map.of());
        assertEquals("/bin/cat", c.path());
        assertEquals(List.of("/bin/cat"), c.argv());
    }

    private static ServiceDefinition.Builder cat() {
        return ServiceDefinition.builder().id("cat").name("cat").socketType(SocketType.STREAM).protocol(Protocol.TCP)
                .port(0).server("/bin/cat").argv(List.of("/bin/cat"));
    }

    @Test
    public void theDefinitionsUmaskAndNiceAreWhatItsChildrenStartWith() {
        Program program = Program.prepare(cat().umask(027).nice(5).build(), ROOT, Map.of(),
                ExecPlanningTest.ACCOUNTS);
        assertEquals(new Program.Tuning(027, 5), program.tuning());
        assertEquals(Program.Tuning.NONE, Program.prepare(cat().build(), ROOT, Map.of(), ExecPlanningTest.ACCOUNTS)
                .tuning());
        assertTrue("a decision that asks for nothing keeps them", program.tuned(PolicyChain.Tuning.NONE) == program);
    }

    @Test
    public void aDecisionsUmaskReplacesTheDefinitionsAndItsNiceIsAddedToIt() {
        Program program = Program.prepare(cat().umask(027).nice(5).build(), ROOT, Map.of(),
                ExecPlanningTest.ACCOUNTS);
        assertEquals(new Program.Tuning(077, 15), program.tuned(new PolicyChain.Tuning(false, -1, 077, 10)).tuning());
        assertEquals("a decision's nice alone keeps the definition's umask", new Program.Tuning(027, 8),
                program.tuned(new PolicyChain.Tuning(false, -1, -1, 3)).tuning());
    }

    @Test
    public void groupsNoIsIneffectiveWithANoticeWhenTheServerIsNotRootAsUnderXinetd() {
        Account alice = new Account("alice", 1000, 1000, "/home/alice", "/bin/bash");
        Program program = Program.prepare(cat().supplementaryGroups(false).build(), alice, Map.of(),
                ExecPlanningTest.ACCOUNTS);
        assertTrue(program.notice(), program.notice().contains("groups = no is ineffective"));
        assertEquals("no setpriv step for a server that cannot drop its groups", "/bin/cat",
                program.command().path());
        assertEquals(null, Program.prepare(cat().build(), alice, Map.of(), ExecPlanningTest.ACCOUNTS).notice());
    }
}

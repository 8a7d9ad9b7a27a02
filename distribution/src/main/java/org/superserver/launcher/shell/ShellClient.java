package org.superserver.launcher.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/superserver shell}: the Gogo shell of a running server, from another terminal,
 * over the Unix-domain socket that the superserver-shell-remote bundle creates in the server's
 * data directory (mode 0600: only the server's user, and root, can connect). With commands it
 * runs each and exits; without, it reads command lines from standard input after a prompt.
 *
 * <p>Exit status: 0 when every command succeeded, 1 when one failed (its error is on standard
 * error), 2 when no server could be reached (none runs with that data directory, the socket is
 * not ours, the server refused the session) or for a usage error.
 */
public final class ShellClient {

    static final String PROMPT = "superserver> ";
    static final String SOCKET_NAME = "shell.sock";

    private static final String USAGE = String.join("\n",
            "Usage: superserver shell [--data DIR] [--socket FILE] ['COMMAND']...",
            "",
            "Runs Gogo shell commands in the running server whose data directory is DIR, over its",
            "Unix-domain socket DIR/shell.sock, which only the server's own user (and root) can open.",
            "Each COMMAND argument is one command line (quote it: 'inetd:info echo'); they run one after",
            "the other in one session, and the output of each is printed as the server's console prints",
            "it. Without a COMMAND, an interactive session: command lines are read from standard input",
            "after the prompt '" + PROMPT.trim() + "' until the end of the input or 'exit'; variables",
            "set by one line are seen by the next.",
            "",
            "  --data DIR      the server's data directory, as given to it with --data",
            "                  (default: the installation's data/)",
            "  --socket FILE   the server's socket, when its configuration (PID",
            "                  org.superserver.shell.remote, property path) moved it elsewhere",
            "  -h, --help      print this help and exit",
            "",
            "Exit status: 0 when every command succeeded, 1 when a command failed (its error is on",
            "standard error), 2 when no server could be reached or for a usage error.",
            "",
            "Example: superserver shell 'inetd:list' 'inetd:info echo'",
            "");

    private ShellClient() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        Path data = null;
        Path socket = null;
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!commands.isEmpty() || !arg.startsWith("-")) {
                commands.add(arg);
                continue;
            }
            String value = null;
            String option = arg;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                option = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            switch (option) {
                case "-h", "--help" -> {
                    stdout.print(USAGE);
                    return 0;
                }
                case "--" -> {
                    for (i++; i < args.length; i++) {
                        commands.add(args[i]);
                    }
                }
                case "--data", "--socket" -> {
                    if (value == null) {
                        if (i + 1 == args.length) {
                            return usage(stderr, "option " + option + " needs an argument");
                        }
                        value = args[++i];
                    }
                    if (value.isEmpty()) {
                        return usage(stderr, "option " + option + " needs a non-empty argument");
                    }
                    if (option.equals("--data")) {
                        data = Path.of(value).toAbsolutePath().normalize();
                    } else {
                        socket = Path.of(value).toAbsolutePath().normalize();
                    }
                }
                default -> {
                    return usage(stderr, "unknown option '" + arg + "'");
                }
            }
        }
        if (socket != null) {
            data = null;
        } else {
            if (data == null) {
                String home = System.getProperty("superserver.home");
                data = Path.of(home == null ? "." : home, "data").toAbsolutePath().normalize();
            }
            socket = data.resolve(SOCKET_NAME);
        }

        try (ShellConnection connection = connect(socket, data)) {
            return commands.isEmpty()
                    ? interactive(connection, stdin, stdout, stderr)
                    : each(connection, commands, stdout, stderr);
        } catch (ShellConnection.Unavailable e) {
            stderr.println("superserver shell: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            stderr.println("superserver shell: " + socket + ": " + e.getMessage());
            return 2;
        }
    }

    private static int each(ShellConnection connection, List<String> commands, PrintStream stdout, PrintStream stderr)
            throws IOException {
        boolean allOk = true;
        for (String command : commands) {
            allOk &= connection.run(command, stdout, stderr);
        }
        return allOk ? 0 : 1;
    }

    private static int interactive(ShellConnection connection, InputStream stdin, PrintStream stdout,
            PrintStream stderr) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(stdin, Charset.defaultCharset()));
        boolean allOk = true;
        while (true) {
            stdout.print(PROMPT);
            stdout.flush();
            String line = lines.readLine();
            if (line == null || line.trim().equals("exit")) {
                return allOk ? 0 : 1;
            }
            if (!line.isBlank()) {
                allOk &= connection.run(line, stdout, stderr);
            }
        }
    }

    /** Connects, turning the socket errors into what they mean for a user. */
    private static ShellConnection connect(Path socket, Path data) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new ShellConnection.Unavailable(data == null
                    ? "no server listens at " + socket + ": there is no such file"
                    : "no server runs with the data directory " + data + " (there is no " + socket + "); start one"
                            + " with bin/superserver --data " + data + ", or name another with --data");
        }
        try {
            return ShellConnection.open(socket);
        } catch (ConnectException e) {
            throw new ShellConnection.Unavailable("no server listens at " + socket + " (" + e.getMessage()
                    + "): the server that made it has stopped; start it again");
        } catch (SocketException e) {
            if ("Permission denied".equals(e.getMessage())) {
                throw new ShellConnection.Unavailable("permission denied at " + socket + ": only the user that runs"
                        + " the server (and root) may use its shell; run this as that user");
            }
            throw e;
        }
    }

    private static int usage(PrintStream stderr, String problem) {
        stderr.println("superserver shell: " + problem);
        stderr.println("Try 'superserver shell --help'.");
        return 2;
    }
}

package io.tokenguard.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** {@code java -jar tokenguard-agent.jar <command>}: help, version, doctor and the demo. */
public final class Main {
    private Main() {}

    /**
     * @param agentJar the agent jar this runs from (for the version and for the demo's child JVM)
     * @return the process exit code
     */
    public static int run(String[] args, File agentJar) {
        if (args.length == 0) {
            usage(System.err, agentJar);
            return 2;
        }
        String command = args[0];
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "help":
            case "--help":
            case "-h":
                usage(System.out, agentJar);
                return 0;
            case "version":
            case "--version":
                System.out.println("tokenguard " + version(agentJar));
                return 0;
            case "demo":
                return Demo.run(rest, agentJar, System.out, System.err);
            case "doctor":
                return Doctor.run(rest, System.out, System.err);
            default:
                System.err.println("tokenguard: unknown command '" + command + "'");
                System.err.println();
                usage(System.err, agentJar);
                return 2;
        }
    }

    /** The agent jar's Implementation-Version, or "unknown". */
    static String version(File agentJar) {
        if (agentJar != null && agentJar.isFile()) {
            try (JarFile jar = new JarFile(agentJar, false)) {
                Manifest manifest = jar.getManifest();
                String version = manifest == null ? null
                        : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
                if (version != null && !version.isEmpty()) {
                    return version;
                }
            } catch (IOException e) {
                // fall through
            }
        }
        Package pkg = Main.class.getPackage();
        String version = pkg == null ? null : pkg.getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    static void usage(PrintStream out, File agentJar) {
        String jar = agentJar == null ? "tokenguard-agent.jar" : agentJar.getPath();
        out.println("tokenguard " + version(agentJar) + " - keeps OAuth access tokens fresh for any JVM program");
        out.println();
        out.println("A Java agent. Attached to a program, it puts the current access token into the requests");
        out.println("that program sends to the hosts you name, refreshes the token ahead of expiry, and when such");
        out.println("a host answers 401 it refreshes once (one refresh for all threads) and sends the request");
        out.println("again, so the program never sees the expired or revoked token. It writes the new tokens back");
        out.println("to the credentials file and logs what it does (event=...) to standard error.");
        out.println();
        out.println("Attach it to a program:");
        out.println("  java -javaagent:" + jar + " -Dtokenguard.preset=claude-code -jar app.jar");
        out.println("  java -javaagent:" + jar + " -Dtokenguard.hosts=api.example.com \\");
        out.println("       -Dtokenguard.credentials-file=$HOME/.config/app/token.json \\");
        out.println("       -Dtokenguard.token-url=https://auth.example.com/oauth/token -jar app.jar");
        out.println("Every setting is a -Dtokenguard.KEY=VALUE system property (or a TOKENGUARD_KEY environment");
        out.println("variable); the README lists them all.");
        out.println();
        out.println("Commands (java -jar " + jar + " COMMAND):");
        out.println("  demo [--seconds N] [--threads N]");
        out.println("                 run a program whose access tokens expire every 3 seconds and are revoked");
        out.println("                 early once, with tokenguard attached, and show that it never fails");
        out.println("  doctor [--refresh]");
        out.println("                 check the configuration (the same -Dtokenguard.* settings, environment and");
        out.println("                 config file as the agent), the credentials file, the token endpoint and the");
        out.println("                 hosts; one line per check with the fix, exit 0 when nothing failed. Spends");
        out.println("                 no refresh token unless --refresh: then refreshes once, as the agent would");
        out.println("                 (under the same lock), and writes the new tokens to the file. Settings go");
        out.println("                 before -jar: java -Dtokenguard.preset=claude-code -jar " + jar + " doctor");
        out.println("  version        print the version");
        out.println("  help           print this text");
    }
}

package io.tokenguard.launcher;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * The only agent class the host's class loader ever loads. It hands over to the agent proper inside the
 * agent's own class loader. It must never throw into the host: a failure here prints one line and the
 * program runs on.
 */
public final class AgentLauncher {
    /** Initializing this class starts the agent: no reflective call, which recent JDKs make costly at start. */
    private static final String AGENT_ENTRY = "io.tokenguard.agent.AgentEntry";
    private static final String CLI_CLASS = "io.tokenguard.cli.Main";

    private AgentLauncher() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst, true);
    }

    private static void start(String args, Instrumentation inst, boolean attachedLate) {
        try {
            URL location = AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation();
            JarFile jar = new JarFile(new File(location.toURI()), false);
            AgentClassLoader loader = new AgentClassLoader(jar, location, ClassLoader.getPlatformClassLoader());
            loader.handOver(args, inst, new File(location.toURI()), jar, attachedLate);
            Class.forName(AGENT_ENTRY, true, loader);
        } catch (Throwable t) {
            Throwable cause = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
            System.err.println("tokenguard ERROR event=agent.disabled reason=\"agent failed to start: "
                    + cause + "\" (the program runs on without tokenguard)");
        }
    }

    /** {@code java -jar tokenguard-agent.jar ...}: the command line (doctor, demo, version, help). */
    public static void main(String[] args) throws Throwable {
        URL location = AgentLauncher.class.getProtectionDomain().getCodeSource().getLocation();
        File jarFile = new File(location.toURI());
        JarFile jar = new JarFile(jarFile, false);
        ClassLoader loader = new AgentClassLoader(jar, location, ClassLoader.getPlatformClassLoader(), true);
        Class<?> cli = Class.forName(CLI_CLASS, true, loader);
        try {
            Object code = cli.getMethod("run", String[].class, File.class).invoke(null, args, jarFile);
            System.exit((Integer) code);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

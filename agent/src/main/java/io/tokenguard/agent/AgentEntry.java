package io.tokenguard.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.function.Supplier;
import java.util.jar.JarFile;

/**
 * Where premain enters the agent: the launcher initializes this class in the agent's class loader, and
 * the arguments come from that loader, as a {@link Supplier} (a JDK type both sides see). So the start
 * makes no reflective call: on recent JDKs the first one sets up much of the method-handle machinery, some
 * twenty milliseconds of the host's start-up.
 */
final class AgentEntry {
    static {
        @SuppressWarnings("unchecked")
        Object[] a = ((Supplier<Object[]>) (Object) AgentEntry.class.getClassLoader()).get();
        Agent.start((String) a[0], (Instrumentation) a[1], (File) a[2], (JarFile) a[3], (Boolean) a[4]);
    }

    private AgentEntry() {}
}

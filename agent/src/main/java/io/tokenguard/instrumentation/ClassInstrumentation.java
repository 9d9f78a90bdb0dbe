package io.tokenguard.instrumentation;

import java.lang.instrument.Instrumentation;
import java.util.Set;

/**
 * One HTTP client library's hook into the agent. The agent matches loading classes by name only, against
 * {@link #targetClasses()}, and calls {@link #transform} for those alone; nothing else is parsed, so an
 * instrumentation costs nothing until its library is actually used.
 */
public interface ClassInstrumentation {
    /** The name users switch it with: {@code tokenguard.instrumentation.NAME.enabled}. */
    String name();

    /** Internal names ({@code a/b/C}) of the classes to transform. */
    Set<String> targetClasses();

    /** Called once at start, before any target class can load: install bridges, open modules. */
    void prepare(Instrumentation instrumentation);

    /** The new bytes of a target class, or null to leave it as it is. */
    byte[] transform(ClassLoader loader, String internalName, byte[] classfileBuffer) throws Exception;
}

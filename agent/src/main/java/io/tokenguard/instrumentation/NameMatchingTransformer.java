package io.tokenguard.instrumentation;

import io.tokenguard.events.Events;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only {@link ClassFileTransformer}. For every class the JVM loads it does one hash lookup
 * of the class name; only the few target classes go further. Byte Buddy is not touched until then, and
 * not at all when the {@link TransformCache} holds the rewritten class from an earlier start.
 */
public final class NameMatchingTransformer implements ClassFileTransformer {
    private final Map<String, ClassInstrumentation> byClass = new HashMap<>();
    private final Events events;
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();
    private final TransformCache cache;

    /** @param cache null for none: every start rewrites the target classes */
    public NameMatchingTransformer(Iterable<ClassInstrumentation> instrumentations, Events events,
            TransformCache cache) {
        for (ClassInstrumentation instrumentation : instrumentations) {
            for (String target : instrumentation.targetClasses()) {
                byClass.put(target, instrumentation);
            }
        }
        this.events = events;
        this.cache = cache;
    }

    public Set<String> targetClasses() {
        return byClass.keySet();
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null) {
            return null;
        }
        ClassInstrumentation instrumentation = byClass.get(className);
        if (instrumentation == null) {
            return null;
        }
        try {
            byte[] cached = cache != null ? cache.lookup(instrumentation.name(), className, classfileBuffer) : null;
            if (cached != null) {
                events.debug("instrumentation.applied", "instrumentation", instrumentation.name(),
                        "class", className.replace('/', '.'), "cached", true);
                return cached;
            }
            byte[] transformed = instrumentation.transform(loader, className, classfileBuffer);
            if (transformed != null) {
                events.debug("instrumentation.applied", "instrumentation", instrumentation.name(),
                        "class", className.replace('/', '.'), "cached", false);
                if (cache != null) {
                    cache.store(instrumentation.name(), className, classfileBuffer, transformed);
                }
            }
            return transformed;
        } catch (Throwable t) {
            // A class that does not look as expected is left alone: the host keeps working without us.
            if (failedOnce.add(instrumentation.name())) {
                events.warning("instrumentation.skipped", "instrumentation", instrumentation.name(),
                        "class", className.replace('/', '.'), "exception", t.getClass().getName(),
                        "message", String.valueOf(t.getMessage()));
            }
            return null;
        }
    }
}

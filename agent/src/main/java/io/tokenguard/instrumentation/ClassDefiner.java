package io.tokenguard.instrumentation;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * Defines classes in a class loader the agent does not own: the bootstrap bridge in the boot loader, and
 * the interceptors that must live beside an HTTP client library in the application's loaders. It uses the
 * JDK's internal {@code Unsafe.defineClass}, opened to the agent's own module only; the host's modules
 * are not changed.
 */
public final class ClassDefiner {
    private final Object unsafe;
    private final Method defineClass;

    private ClassDefiner(Object unsafe, Method defineClass) {
        this.unsafe = unsafe;
        this.defineClass = defineClass;
    }

    /** @throws ReflectiveOperationException when this JVM does not let the agent in */
    public static ClassDefiner open(Instrumentation instrumentation) throws ReflectiveOperationException {
        Module base = Object.class.getModule();
        instrumentation.redefineModule(base, Set.of(),
                Map.of("jdk.internal.misc", Set.of(ClassDefiner.class.getModule())), Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method defineClass = unsafeType.getMethod("defineClass", String.class, byte[].class, int.class, int.class,
                ClassLoader.class, ProtectionDomain.class);
        return new ClassDefiner(unsafe, defineClass);
    }

    /** @param loader null for the boot loader */
    public Class<?> define(String name, byte[] bytes, ClassLoader loader, ProtectionDomain domain)
            throws ReflectiveOperationException {
        return (Class<?>) defineClass.invoke(unsafe, name, bytes, 0, bytes.length, loader, domain);
    }
}

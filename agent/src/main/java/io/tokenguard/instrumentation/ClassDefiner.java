package io.tokenguard.instrumentation;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * Defines classes in a class loader the agent does not own: the bootstrap bridge in the boot loader, and
 * the interceptors that must live beside an HTTP client library in the application's loaders. It uses the
 * JDK's internal {@code Unsafe.defineClass}, opened to the agent's own module only; the host's modules
 * are not changed. It is called through a method handle of the exact type, not through reflection: on
 * recent JDKs a reflective call sets up a good part of the method-handle machinery first, some ten
 * milliseconds of the host's start-up.
 */
public final class ClassDefiner {
    private final MethodHandle defineClass;

    private ClassDefiner(MethodHandle defineClass) {
        this.defineClass = defineClass;
    }

    /** @throws ReflectiveOperationException when this JVM does not let the agent in */
    public static ClassDefiner open(Instrumentation instrumentation) throws ReflectiveOperationException {
        Module base = Object.class.getModule();
        instrumentation.redefineModule(base, Set.of(),
                Map.of("jdk.internal.misc", Set.of(ClassDefiner.class.getModule())), Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Object unsafe;
        try {
            unsafe = lookup.findStatic(unsafeType, "getUnsafe", MethodType.methodType(unsafeType)).invoke();
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        MethodHandle defineClass = lookup.findVirtual(unsafeType, "defineClass", MethodType.methodType(Class.class,
                String.class, byte[].class, int.class, int.class, ClassLoader.class, ProtectionDomain.class))
                .bindTo(unsafe);
        return new ClassDefiner(defineClass);
    }

    /** @param loader null for the boot loader */
    public Class<?> define(String name, byte[] bytes, ClassLoader loader, ProtectionDomain domain)
            throws ReflectiveOperationException {
        try {
            return (Class<?>) defineClass.invokeExact(name, bytes, 0, bytes.length, loader, domain);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

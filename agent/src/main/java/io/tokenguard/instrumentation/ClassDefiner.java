package io.tokenguard.instrumentation;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;

/**
 * Defines classes in a class loader the agent does not own: the bootstrap bridge in the boot loader, and
 * the interceptors that must live beside an HTTP client library in the application's loaders. It uses the
 * JDK's internal {@code Unsafe.defineClass}, opened to the agent's own module only; the host's modules
 * are not changed.
 *
 * <p>How it calls {@code Unsafe} is chosen by what costs the host least at start-up, measured with
 * {@code -Xlog:class+load}: on JDK 18 and later, reflection runs on method handles (JEP 416) and a
 * reflective call sets up more of that machinery than a method handle of the exact type (18 more classes
 * spun on JDK 25), so a method handle is used there; on JDK 11 to 17 a reflective call is native and spins
 * nothing, where the method handle spins five classes.
 */
public final class ClassDefiner {
    private static final boolean REFLECTION_IS_NATIVE = Runtime.version().feature() < 18;

    /** JDK 18 and later. */
    private final MethodHandle handle;
    /** JDK 11 to 17. */
    private final Method method;
    private final Object unsafe;

    private ClassDefiner(MethodHandle handle, Method method, Object unsafe) {
        this.handle = handle;
        this.method = method;
        this.unsafe = unsafe;
    }

    /** @throws ReflectiveOperationException when this JVM does not let the agent in */
    public static ClassDefiner open(Instrumentation instrumentation) throws ReflectiveOperationException {
        Module base = Object.class.getModule();
        instrumentation.redefineModule(base, Set.of(),
                Map.of("jdk.internal.misc", Set.of(ClassDefiner.class.getModule())), Map.of(), Set.of(), Map.of());
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        if (REFLECTION_IS_NATIVE) {
            Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
            return new ClassDefiner(null, unsafeType.getMethod("defineClass", String.class, byte[].class, int.class,
                    int.class, ClassLoader.class, ProtectionDomain.class), unsafe);
        }
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
        return new ClassDefiner(defineClass, null, null);
    }

    /** @param loader null for the boot loader */
    public Class<?> define(String name, byte[] bytes, ClassLoader loader, ProtectionDomain domain)
            throws ReflectiveOperationException {
        try {
            if (handle == null) {
                return (Class<?>) method.invoke(unsafe, name, bytes, 0, bytes.length, loader, domain);
            }
            return (Class<?>) handle.invokeExact(name, bytes, 0, bytes.length, loader, domain);
        } catch (InvocationTargetException e) {
            // What defineClass threw, passed on as the method handle passes it on.
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

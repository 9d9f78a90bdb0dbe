package io.tokenguard.agent;

import io.tokenguard.instrumentation.ClassDefiner;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Defines the bootstrap bridge ({@code io.tokenguard.bootstrap}, stored in the jar under
 * {@code tokenguard/boot/}) in the boot class loader, where the instrumented JDK classes can see it.
 *
 * <p>Why not {@link Instrumentation#appendToBootstrapClassLoaderSearch}: on JDK 17 that prints "Sharing
 * is only supported for boot loader classes because bootstrap classpath has been appended" to the host's
 * standard output and turns off class-data sharing for application classes, slowing every start. Defining
 * the few classes directly costs neither. Only the agent's own module is given access to
 * {@code jdk.internal.misc}; the host's modules are not changed. If that path is closed on some JVM, the
 * agent falls back to appending a jar of just these classes.
 */
final class BootstrapClasses {
    private static final String PREFIX = "tokenguard/boot/";
    private static final String SUFFIX = ".classdata";

    /** Every class of the bootstrap module (a unit test keeps this list complete). */
    static final List<String> NAMES = List.of(
            "io.tokenguard.bootstrap.PassThrough",
            "io.tokenguard.bootstrap.JdkHttpClientBridge",
            "io.tokenguard.bootstrap.JdkHttpClientBridge$Hook",
            "io.tokenguard.bootstrap.GuardedCall",
            "io.tokenguard.bootstrap.ClientHooks",
            "io.tokenguard.bootstrap.ClientHooks$Core",
            "io.tokenguard.bootstrap.UrlConnectionBridge",
            "io.tokenguard.bootstrap.UrlConnectionBridge$Hook");

    private BootstrapClasses() {}

    /**
     * @return what defined them, for the agent's other classes that must live outside its loader; null
     *     when the fallback was taken or the classes were defined by an earlier attach
     */
    static ClassDefiner define(Instrumentation instrumentation, JarFile jar) throws IOException {
        if (alreadyDefined()) {
            return null; // a second attach to the same JVM
        }
        List<byte[]> classes = new ArrayList<>();
        for (String name : NAMES) {
            JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + SUFFIX);
            if (entry == null) {
                throw new IOException("the agent jar lacks " + name);
            }
            try (InputStream in = jar.getInputStream(entry)) {
                classes.add(in.readAllBytes());
            }
        }
        try {
            ClassDefiner definer = ClassDefiner.open(instrumentation);
            for (int i = 0; i < NAMES.size(); i++) {
                definer.define(NAMES.get(i), classes.get(i), null, null);
            }
            return definer;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError closed) {
            if (!alreadyDefined()) {
                instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jarOf(NAMES, classes), false));
            }
            return null;
        }
    }

    /** The fallback: the same classes in a small jar of their own, for the bootstrap class path. */
    private static File jarOf(List<String> names, List<byte[]> classes) throws IOException {
        Path jar = Files.createTempFile("tokenguard-boot-", ".jar");
        jar.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (int i = 0; i < names.size(); i++) {
                out.putNextEntry(new JarEntry(names.get(i).replace('.', '/') + ".class"));
                out.write(classes.get(i));
                out.closeEntry();
            }
        }
        return jar.toFile();
    }

    private static boolean alreadyDefined() {
        try {
            Class.forName("io.tokenguard.bootstrap.PassThrough", false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}

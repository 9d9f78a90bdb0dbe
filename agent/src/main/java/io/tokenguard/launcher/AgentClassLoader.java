package io.tokenguard.launcher;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.jar.JarEntry;
import java.util.function.Supplier;
import java.util.jar.JarFile;

/**
 * Loads the agent's internals (its own code and its relocated dependencies) from the
 * {@code tokenguard/inst/} folder of the agent jar, where they are stored as {@code .classdata} so that no
 * other class loader can see them. Its parent is the platform class loader: the agent sees the JDK and
 * the bootstrap bridge, never the host's classes.
 */
final class AgentClassLoader extends ClassLoader implements Supplier<Object[]> {
    static final String PREFIX = "tokenguard/inst/";

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;

    /** Where the bootstrap bridge lies; premain defines it in the boot loader, the command line here. */
    private static final String BOOT_PREFIX = "tokenguard/boot/";

    private final boolean withBridge;
    /** What premain hands to the agent; read once, through {@link Supplier}, a type both sides see. */
    private Object[] handover;

    AgentClassLoader(JarFile jar, URL jarLocation, ClassLoader parent) {
        this(jar, jarLocation, parent, false);
    }

    /**
     * @param withBridge also define the bootstrap bridge ({@code PassThrough} and friends) in this loader: for
     *     the command line ({@code doctor --refresh} calls the token endpoint client), never for the agent
     */
    AgentClassLoader(JarFile jar, URL jarLocation, ClassLoader parent, boolean withBridge) {
        super("tokenguard", parent);
        this.withBridge = withBridge;
        this.jar = jar;
        this.jarUrl = "jar:" + jarLocation.toExternalForm() + "!/";
        this.domain = new ProtectionDomain(new CodeSource(jarLocation, (Certificate[]) null), null, this, null);
    }

    /** Sets what the agent's entry class finds when it asks its loader ({@link #get}). */
    synchronized void handOver(Object... arguments) {
        handover = arguments;
    }

    @Override
    public synchronized Object[] get() {
        Object[] arguments = handover;
        handover = null;
        return arguments;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + ".classdata");
        if (entry == null && withBridge) {
            entry = jar.getJarEntry(BOOT_PREFIX + name.replace('.', '/') + ".classdata");
        }
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = readAll(in);
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        definePackageFor(name);
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    private void definePackageFor(String className) {
        int dot = className.lastIndexOf('.');
        if (dot > 0) {
            String pkg = className.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, null, null, null, null);
                } catch (IllegalArgumentException alreadyDefinedByAnotherThread) {
                    // fine
                }
            }
        }
    }

    /** Class files are found under their real name too, so that Byte Buddy can read advice bytes. */
    private String entryName(String resource) {
        if (resource.endsWith(".class")) {
            return PREFIX + resource.substring(0, resource.length() - ".class".length()) + ".classdata";
        }
        return PREFIX + resource;
    }

    @Override
    protected URL findResource(String name) {
        String entry = entryName(name);
        if (jar.getEntry(entry) == null) {
            return null;
        }
        try {
            return new URL(jarUrl + entry);
        } catch (MalformedURLException e) {
            return null;
        }
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        JarEntry entry = jar.getJarEntry(entryName(name));
        if (entry != null) {
            try {
                return jar.getInputStream(entry);
            } catch (IOException e) {
                return null;
            }
        }
        return super.getResourceAsStream(name);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, in.available()));
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}

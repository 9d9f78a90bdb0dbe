package io.tokenguard.launcher;

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
            bytes = readExactly(entry, in);
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

    /**
     * The class's bytes in one array of their exact size, read straight from the inflater. Some 120 classes
     * load at every start, and each allocation lands in the host's heap: a copy buffer and a growing stream
     * per class made 2.5 MB where these reads take 0.68 MB, inflater buffers included.
     */
    private static byte[] readExactly(JarEntry entry, InputStream in) throws IOException {
        long size = entry.getSize();
        if (size < 0 || size > Integer.MAX_VALUE - 8) {
            throw new IOException("unusable size " + size + " for " + entry.getName());
        }
        byte[] bytes = new byte[(int) size];
        int read = in.readNBytes(bytes, 0, bytes.length);
        if (read != bytes.length || in.read() != -1) {
            throw new IOException(entry.getName() + " holds other than the " + size + " bytes its entry declares");
        }
        return bytes;
    }
}

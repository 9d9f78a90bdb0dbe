package io.tokenguard.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Checks shared by the tests of each {@link LibraryInstrumentation}. */
public final class HelperClassesCheck {
    private HelperClassesCheck() {}

    /**
     * A helper class missing from {@code helperClasses()} would fail with NoClassDefFoundError inside the
     * host; a library member they use that the oldest supported version lacks would make the agent skip the
     * library. Compares the compiled helper package with the list, and runs the agent's own reference check
     * against the library on the test class path.
     */
    public static void assertComplete(LibraryInstrumentation instrumentation, String helperPackage) throws IOException {
        Path classes = Paths.get("target/classes");
        List<String> compiled;
        try (Stream<Path> files = Files.list(classes.resolve(helperPackage))) {
            compiled = files.map(p -> classes.relativize(p).toString())
                    .filter(p -> p.endsWith(".class") && !p.endsWith("package-info.class"))
                    .map(p -> p.replace('/', '.').replaceAll("\\.class$", "")).sorted().collect(Collectors.toList());
        }
        List<String> listed = instrumentation.helperClasses();
        assertEquals(compiled, listed.stream().sorted().collect(Collectors.toList()));
        ClassLoader loader = HelperClassesCheck.class.getClassLoader();
        List<byte[]> bytes = new ArrayList<>();
        Set<String> internalNames = new HashSet<>();
        for (String name : listed) {
            String resource = name.replace('.', '/');
            try (InputStream in = loader.getResourceAsStream(resource + ".class")) {
                bytes.add(in.readAllBytes());
            }
            internalNames.add(resource);
        }
        assertEquals(List.of(), HelperReferences.missing(bytes, internalNames, loader));
        try {
            Class<?> entry = Class.forName(listed.get(0), false, loader);
            assertTrue(Function.class.isAssignableFrom(entry), "the entry is a Function");
            entry.getConstructor();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("the entry needs a public no-argument constructor", e);
        }
    }

    /**
     * A loader of its own for the library (every class under {@code libraryPrefix}, read from the test's
     * class path) in which the class {@code name} is {@code bytes}; other classes come from the test's
     * loader. The library needs its classes in one loader: it uses package-private access across them.
     */
    public static Class<?> defineWithLibrary(String name, byte[] bytes, String libraryPrefix) {
        ClassLoader parent = HelperClassesCheck.class.getClassLoader();
        ClassLoader isolated = new ClassLoader(parent) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (!className.startsWith(libraryPrefix)) {
                    return super.loadClass(className, resolve);
                }
                synchronized (getClassLoadingLock(className)) {
                    Class<?> done = findLoadedClass(className);
                    if (done != null) {
                        return done;
                    }
                    byte[] definition = className.equals(name) ? bytes : read(parent, className);
                    return defineClass(className, definition, 0, definition.length);
                }
            }
        };
        try {
            return Class.forName(name, true, isolated);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] read(ClassLoader loader, String className) throws ClassNotFoundException {
        try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new ClassNotFoundException(className);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(className, e);
        }
    }
}

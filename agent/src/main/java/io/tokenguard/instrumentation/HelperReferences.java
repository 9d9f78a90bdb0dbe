package io.tokenguard.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Checks, before the agent defines its interceptor beside a library, that every class, method and field
 * of the library the interceptor uses exists with the exact descriptor in that class loader. A version
 * whose API differs is then left alone with one warning, instead of failing later inside the host with
 * a {@link LinkageError}.
 *
 * <p>The library's classes are read as bytes ({@code getResource}), never loaded: loading them here could
 * run their static initializers, or fail on optional dependencies they reference.
 */
final class HelperReferences {
    /** Packages that are the JDK's or the agent's bridge: present everywhere. */
    private static final String[] ALWAYS_PRESENT = {"java/", "javax/", "jdk/", "sun/", "io/tokenguard/bootstrap/"};

    private final ClassLoader loader;
    private final Map<String, ClassShape> shapes = new HashMap<>();

    private HelperReferences(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * @param helpers the bytes of the agent's classes for this library
     * @param helperNames their internal names (references among them are not checked)
     * @return what is missing, e.g. {@code okhttp3/Request.url()Lokhttp3/HttpUrl;}; empty when all is there
     */
    static List<String> missing(List<byte[]> helpers, Set<String> helperNames, ClassLoader loader) {
        return missing(helpers, helperNames, loader, new ArrayList<>());
    }

    /**
     * @param read receives the internal names of the library's classes whose bytes were read for the check:
     *     what a remembered verdict depends on
     */
    static List<String> missing(List<byte[]> helpers, Set<String> helperNames, ClassLoader loader,
            List<String> read) {
        Set<String> references = new LinkedHashSet<>();
        for (byte[] helper : helpers) {
            collect(helper, references);
        }
        HelperReferences check = new HelperReferences(loader);
        List<String> missing = new ArrayList<>();
        for (String reference : references) {
            String owner = reference.contains(".") ? reference.substring(0, reference.indexOf('.')) : reference;
            if (helperNames.contains(owner) || alwaysPresent(owner)) {
                continue;
            }
            if (!check.resolves(reference)) {
                missing.add(reference);
            }
        }
        for (Map.Entry<String, ClassShape> shape : check.shapes.entrySet()) {
            if (!alwaysPresent(shape.getKey())) {
                read.add(shape.getKey());
            }
        }
        return missing;
    }

    private static boolean alwaysPresent(String owner) {
        for (String prefix : ALWAYS_PRESENT) {
            if (owner.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** {@code owner}, {@code owner.name(desc)} for methods, {@code owner.name:desc} for fields. */
    private static void collect(byte[] helper, Set<String> references) {
        new ClassReader(helper).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                if (superName != null) {
                    references.add(superName);
                }
                for (String type : interfaces) {
                    references.add(type);
                }
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (!owner.startsWith("[")) {
                            references.add(owner + "." + method + desc);
                        }
                    }

                    @Override
                    public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                        references.add(owner + "." + field + ":" + desc);
                    }

                    @Override
                    public void visitTypeInsn(int opcode, String type) {
                        if (!type.startsWith("[")) {
                            references.add(type);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
    }

    private boolean resolves(String reference) {
        int dot = reference.indexOf('.');
        if (dot < 0) {
            return shape(reference) != null;
        }
        String owner = reference.substring(0, dot);
        String member = reference.substring(dot + 1);
        Deque<String> pending = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        pending.add(owner);
        while (!pending.isEmpty()) {
            String type = pending.poll();
            if (!seen.add(type)) {
                continue;
            }
            ClassShape shape = shape(type);
            if (shape == null) {
                return false;
            }
            if (shape.members.contains(member)) {
                return true;
            }
            if (shape.superName != null) {
                pending.add(shape.superName);
            }
            pending.addAll(shape.interfaces);
        }
        return false;
    }

    /** The declared members of a class, or null when the loader has no such class. */
    private ClassShape shape(String internalName) {
        if (shapes.containsKey(internalName)) {
            return shapes.get(internalName);
        }
        ClassShape shape = alwaysPresent(internalName) ? jdkShape(internalName) : readShape(internalName);
        shapes.put(internalName, shape);
        return shape;
    }

    private ClassShape readShape(String internalName) {
        ClassLoader source = loader != null ? loader : ClassLoader.getPlatformClassLoader();
        try (InputStream in = source.getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                return null;
            }
            ClassShape shape = new ClassShape();
            new ClassReader(in.readAllBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public void visit(int version, int access, String name, String signature, String superName,
                        String[] interfaces) {
                    shape.superName = superName;
                    shape.interfaces.addAll(List.of(interfaces));
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    shape.members.add(name + descriptor);
                    return null;
                }

                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                        Object value) {
                    shape.members.add(name + ":" + descriptor);
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return shape;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** JDK classes are looked at through reflection: they are loaded already or cheap to load. */
    private static ClassShape jdkShape(String internalName) {
        try {
            Class<?> type = Class.forName(internalName.replace('/', '.'), false, null);
            ClassShape shape = new ClassShape();
            shape.superName = type.getSuperclass() == null ? null : Type.getInternalName(type.getSuperclass());
            for (Class<?> itf : type.getInterfaces()) {
                shape.interfaces.add(Type.getInternalName(itf));
            }
            for (Method method : type.getDeclaredMethods()) {
                shape.members.add(method.getName() + Type.getMethodDescriptor(method));
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                shape.members.add("<init>" + Type.getConstructorDescriptor(constructor));
            }
            for (Field field : type.getDeclaredFields()) {
                shape.members.add(field.getName() + ":" + Type.getDescriptor(field.getType()));
            }
            return shape;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static final class ClassShape {
        String superName;
        final List<String> interfaces = new ArrayList<>();
        final Set<String> members = new HashSet<>();
    }
}

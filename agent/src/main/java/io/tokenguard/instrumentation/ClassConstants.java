package io.tokenguard.instrumentation;

import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Finds a library's version in the string constants of one of its classes (a {@code VERSION} field, a
 * user-agent literal), read as bytes from the class loader: no class is loaded or initialized to learn it.
 */
public final class ClassConstants {
    private ClassConstants() {}

    /**
     * The first group of {@code pattern} in the first string constant of {@code internalName} that
     * matches it, or null.
     */
    public static String find(ClassLoader loader, String internalName, Pattern pattern) {
        ClassLoader source = loader != null ? loader : ClassLoader.getPlatformClassLoader();
        byte[] bytes;
        try (InputStream in = source.getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                return null;
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
        String[] found = new String[1];
        try {
            new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                        Object value) {
                    offer(value);
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitLdcInsn(Object value) {
                            offer(value);
                        }
                    };
                }

                private void offer(Object value) {
                    if (found[0] == null && value instanceof String) {
                        Matcher matcher = pattern.matcher((String) value);
                        if (matcher.matches()) {
                            found[0] = matcher.group(1);
                        }
                    }
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        } catch (RuntimeException e) {
            return null;
        }
        return found[0];
    }
}

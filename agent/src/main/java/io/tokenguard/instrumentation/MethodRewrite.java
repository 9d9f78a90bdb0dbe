package io.tokenguard.instrumentation;

import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * A few instructions added inside chosen methods of a JDK class, with the bare ASM inside Byte Buddy: the
 * class keeps its shape, and the rewriter counts each place it changed so that the caller can refuse a class
 * that does not look as expected.
 */
public final class MethodRewrite {
    /** The class bytes after the rewrite. */
    public final byte[] bytes;
    /** How many places the rewriters reported changing. */
    public final int changes;

    private MethodRewrite(byte[] bytes, int changes) {
        this.bytes = bytes;
        this.changes = changes;
    }

    /**
     * @param matches which methods to rewrite, by name and descriptor
     * @param rewriter wraps a matched method's visitor; adds 1 to {@code changes[0]} at each place it changes
     */
    public static MethodRewrite of(byte[] classfileBuffer, BiPredicate<String, String> matches,
            BiFunction<MethodVisitor, int[], MethodVisitor> rewriter) {
        ClassReader reader = new ClassReader(classfileBuffer);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        int[] changes = new int[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor original = super.visitMethod(access, name, descriptor, signature, exceptions);
                return matches.test(name, descriptor) ? rewriter.apply(original, changes) : original;
            }
        }, 0);
        return new MethodRewrite(writer.toByteArray(), changes[0]);
    }
}

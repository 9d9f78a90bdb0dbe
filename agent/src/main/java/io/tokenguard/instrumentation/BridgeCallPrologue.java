package io.tokenguard.instrumentation;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Puts one call in front of chosen methods of a class: {@code Object r = Bridge.m(this, args...); if (r !=
 * null) return (ReturnType) r;} and otherwise lets the original body run. That is the whole of what the
 * agent changes in a hooked class, so it is written with the bare ASM that ships inside Byte Buddy: a
 * transformation this small does not need Byte Buddy's advice machinery, and skipping it keeps several
 * hundred classes from loading while the host starts.
 *
 * <p>The class keeps its shape (no new members), so the same bytes also serve a retransformation after
 * a late attach. Only methods matched by name and exact descriptor are touched; if none is found the
 * class is left alone and {@link #transform} returns null.
 */
public final class BridgeCallPrologue {
    private final List<Hook> hooks = new ArrayList<>();

    private static final String CLIENT_HOOKS = "io/tokenguard/bootstrap/ClientHooks";

    private static final class Hook {
        final String name;
        final String descriptor;
        final String bridgeOwner;
        final String bridgeMethod;
        /** Null for a typed bridge; otherwise the key of a {@code ClientHooks} announce/replace call. */
        final String key;
        /** For announce: the local slot handed over. */
        final int announcedSlot;

        Hook(String name, String descriptor, String bridgeOwner, String bridgeMethod, String key, int announcedSlot) {
            this.name = name;
            this.descriptor = descriptor;
            this.bridgeOwner = bridgeOwner;
            this.bridgeMethod = bridgeMethod;
            this.key = key;
            this.announcedSlot = announcedSlot;
        }
    }

    /**
     * Hooks the instance method {@code name}{@code descriptor} (reference arguments only): the static
     * {@code bridgeMethod} of {@code bridgeOwner} receives the receiver and every argument, and returns
     * the method's answer, or null to run the original body.
     */
    public BridgeCallPrologue hook(String name, String descriptor, Class<?> bridgeOwner, String bridgeMethod) {
        hooks.add(new Hook(name, descriptor, Type.getInternalName(bridgeOwner), bridgeMethod, null, 0));
        return this;
    }

    /**
     * Puts {@code ClientHooks.announce(key, <local slot>)} first in the method (constructors included: the
     * call comes before the super constructor and does not touch {@code this}, so slot 0 is not allowed
     * there). The method then runs as before.
     */
    public BridgeCallPrologue announce(String name, String descriptor, String key, int slot) {
        if ("<init>".equals(name) && slot == 0) {
            throw new IllegalArgumentException("a constructor cannot announce an uninitialized this");
        }
        hooks.add(new Hook(name, descriptor, CLIENT_HOOKS, "announce", key, slot));
        return this;
    }

    /**
     * Puts {@code Object r = ClientHooks.replace(key, this, arg1); if (r != null) return r;} first in an
     * instance method taking one reference argument: the agent may answer with an object of its own.
     */
    public BridgeCallPrologue replace(String name, String descriptor, String key) {
        hooks.add(new Hook(name, descriptor, CLIENT_HOOKS, "replace", key, 1));
        return this;
    }

    /**
     * The new class bytes, or null when no hooked method was found.
     *
     * @param receiverType internal name of the type the bridge methods take the receiver as
     */
    public byte[] transform(byte[] classfileBuffer, String receiverType) {
        ClassReader reader = new ClassReader(classfileBuffer);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        int[] hooked = new int[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private int version;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                this.version = version;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor original = super.visitMethod(access, name, descriptor, signature, exceptions);
                if ((access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) != 0) {
                    return original;
                }
                for (Hook hook : hooks) {
                    if (hook.name.equals(name) && hook.descriptor.equals(descriptor)) {
                        hooked[0]++;
                        return new PrologueWriter(original, hook, receiverType, version);
                    }
                }
                return original;
            }
        }, 0);
        return hooked[0] == 0 ? null : writer.toByteArray();
    }

    private static final class PrologueWriter extends MethodVisitor {
        private final Hook hook;
        private final String receiverType;
        private final int classVersion;

        PrologueWriter(MethodVisitor delegate, Hook hook, String receiverType, int classVersion) {
            super(Opcodes.ASM9, delegate);
            this.hook = hook;
            this.receiverType = receiverType;
            this.classVersion = classVersion;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (hook.key != null) {
                keyedCall();
                return;
            }
            Type method = Type.getMethodType(hook.descriptor);
            Type[] arguments = method.getArgumentTypes();
            StringBuilder bridgeDescriptor = new StringBuilder("(L").append(receiverType).append(';');
            super.visitVarInsn(Opcodes.ALOAD, 0);
            int slot = 1;
            for (Type argument : arguments) {
                if (argument.getSort() == Type.OBJECT || argument.getSort() == Type.ARRAY) {
                    super.visitVarInsn(Opcodes.ALOAD, slot);
                    bridgeDescriptor.append(argument.getDescriptor());
                } else {
                    throw new IllegalArgumentException("only reference arguments are bridged: " + hook.descriptor);
                }
                slot += argument.getSize();
            }
            bridgeDescriptor.append(")Ljava/lang/Object;");
            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.bridgeOwner, hook.bridgeMethod,
                    bridgeDescriptor.toString(), false);
            returnIfNotNull(method.getReturnType());
        }

        private void keyedCall() {
            super.visitLdcInsn(hook.key);
            if ("announce".equals(hook.bridgeMethod)) {
                super.visitVarInsn(Opcodes.ALOAD, hook.announcedSlot);
                super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.bridgeOwner, hook.bridgeMethod,
                        "(Ljava/lang/String;Ljava/lang/Object;)V", false);
                return;
            }
            super.visitVarInsn(Opcodes.ALOAD, 0);
            super.visitVarInsn(Opcodes.ALOAD, 1);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, hook.bridgeOwner, hook.bridgeMethod,
                    "(Ljava/lang/String;Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", false);
            returnIfNotNull(Type.getMethodType(hook.descriptor).getReturnType());
        }

        /** {@code if (top != null) return (ReturnType) top;} with the stack left empty either way. */
        private void returnIfNotNull(Type returnType) {
            Label passThrough = new Label();
            super.visitInsn(Opcodes.DUP);
            super.visitJumpInsn(Opcodes.IFNULL, passThrough);
            super.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
            super.visitInsn(Opcodes.ARETURN);
            super.visitLabel(passThrough);
            if ((classVersion & 0xFFFF) >= Opcodes.V1_6) {
                // Same locals as on entry, the bridge's (null) answer on the stack. Frames that follow
                // in the original code are relative to locals only, so they stay valid.
                super.visitFrame(Opcodes.F_SAME1, 0, null, 1, new Object[] {"java/lang/Object"});
            }
            super.visitInsn(Opcodes.POP);
        }
    }
}

package io.tokenguard.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.util.List;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/** The check that keeps a helper from being defined beside a library version it cannot link against. */
class HelperReferencesTest {
    private static final String OKHTTP_GUARD = "io/tokenguard/instrumentation/okhttp/helper/OkHttpGuard";

    private static byte[] bytesOf(String internalName) throws Exception {
        try (InputStream in = HelperReferencesTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void theOkHttpHelperLinksAgainstTheOkHttpItWasCompiledFor() throws Exception {
        List<String> missing = HelperReferences.missing(List.of(bytesOf(OKHTTP_GUARD)), Set.of(OKHTTP_GUARD),
                getClass().getClassLoader());
        assertEquals(List.of(), missing);
    }

    @Test
    void aLoaderWithoutTheLibraryMissesItsTypes() throws Exception {
        List<String> missing = HelperReferences.missing(List.of(bytesOf(OKHTTP_GUARD)), Set.of(OKHTTP_GUARD),
                ClassLoader.getPlatformClassLoader());
        assertTrue(missing.contains("okhttp3/Interceptor"), missing.toString());
    }

    @Test
    void aMethodWithAnotherDescriptorIsMissingEvenWhenItsNameExists() throws Exception {
        // Request.url() exists, returning HttpUrl; a helper expecting it to return String must not link.
        byte[] helper = helperCalling("okhttp3/Request", "url", "()Ljava/lang/String;");
        List<String> missing = HelperReferences.missing(List.of(helper), Set.of("test/Helper"), getClass().getClassLoader());
        assertEquals(List.of("okhttp3/Request.url()Ljava/lang/String;"), missing);
    }

    @Test
    void inheritedMembersAreFound() throws Exception {
        // OkHttpClient.Builder declares no toString(); it is inherited from Object.
        byte[] helper = helperCalling("okhttp3/OkHttpClient$Builder", "toString", "()Ljava/lang/String;");
        assertEquals(List.of(), HelperReferences.missing(List.of(helper), Set.of("test/Helper"), getClass().getClassLoader()));
    }

    /** {@code class test.Helper { void m(Owner o) { o.name(); } }} */
    private static byte[] helperCalling(String owner, String name, String descriptor) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, "test/Helper", null, "java/lang/Object", null);
        MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC, "m", "(L" + owner + ";)V", null, null);
        method.visitCode();
        method.visitVarInsn(Opcodes.ALOAD, 1);
        method.visitMethodInsn(Opcodes.INVOKEVIRTUAL, owner, name, descriptor, false);
        method.visitInsn(Opcodes.POP);
        method.visitInsn(Opcodes.RETURN);
        method.visitMaxs(0, 0);
        method.visitEnd();
        writer.visitEnd();
        return writer.toByteArray();
    }
}

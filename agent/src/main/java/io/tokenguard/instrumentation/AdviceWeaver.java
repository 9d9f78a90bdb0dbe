package io.tokenguard.instrumentation;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * Inlines advice into one class's bytes, the way a {@link java.lang.instrument.ClassFileTransformer}
 * needs it: from bytes to bytes, describing types from class files (never loading the class being
 * transformed), and changing no class shape (no new fields or methods), so it also works when classes
 * are retransformed after the agent attached to a running JVM.
 */
public final class AdviceWeaver {
    private final ClassFileLocator targetLocator;
    private final TypeDescription target;
    private AsmVisitorWrapper.ForDeclaredMethods visitor = new AsmVisitorWrapper.ForDeclaredMethods();

    public AdviceWeaver(ClassLoader loader, String internalName, byte[] classfileBuffer) {
        String name = internalName.replace('/', '.');
        ClassFileLocator loaderLocator = loader == null
                ? ClassFileLocator.ForClassLoader.ofBootLoader()
                : ClassFileLocator.ForClassLoader.of(loader);
        this.targetLocator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classfileBuffer), loaderLocator);
        this.target = TypePool.Default.of(targetLocator).describe(name).resolve();
    }

    /**
     * Adds advice to the methods that {@code methods} matches: the {@code @OnMethodEnter} method of
     * {@code enter} and the {@code @OnMethodExit} method of {@code exit} (classes of static methods).
     */
    public AdviceWeaver advise(ElementMatcher<? super MethodDescription> methods, Class<?> enter, Class<?> exit) {
        ClassFileLocator adviceLocator = ClassFileLocator.ForClassLoader.of(enter.getClassLoader());
        visitor = visitor.method(methods, Advice.to(enter, exit, adviceLocator));
        return this;
    }

    public byte[] weave() {
        return new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
                .with(InstrumentedType.Factory.Default.FROZEN)
                .with(Implementation.Context.Disabled.Factory.INSTANCE)
                .redefine(target, targetLocator)
                .visit(visitor)
                .make()
                .getBytes();
    }
}

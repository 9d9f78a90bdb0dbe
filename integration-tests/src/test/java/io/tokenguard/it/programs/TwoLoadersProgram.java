package io.tokenguard.it.programs;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code TwoLoadersProgram <class path A> <class path B> <suite program args...>}: what an application
 * server or a plugin system does. Each class path gets a class loader of its own (parent: the platform
 * loader, so nothing is shared but the JDK), and the suite program runs in both at once, each with the
 * client version its class path holds. Prints the suite program's lines from both, then
 * {@code loaders=2 done}.
 */
public final class TwoLoadersProgram {
    public static void main(String[] args) throws Exception {
        String[] programArgs = new String[args.length - 2];
        System.arraycopy(args, 2, programArgs, 0, programArgs.length);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            URLClassLoader loader = new URLClassLoader("plugin-" + i, urls(args[i]), ClassLoader.getPlatformClassLoader());
            Method main = loader.loadClass("io.tokenguard.it.suite.program.SuiteProgram").getMethod("main", String[].class);
            Thread thread = new Thread(() -> {
                try {
                    main.invoke(null, (Object) programArgs.clone());
                } catch (Throwable t) {
                    synchronized (failures) {
                        failures.add(t);
                    }
                }
            }, "plugin-" + i);
            thread.setContextClassLoader(loader);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (Throwable failure : failures) {
            System.out.println("FAILURE " + failure);
        }
        System.out.println("loaders=2 done failures=" + failures.size());
    }

    private static URL[] urls(String classPath) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            urls.add(new File(entry).toURI().toURL());
        }
        return urls.toArray(new URL[0]);
    }
}
